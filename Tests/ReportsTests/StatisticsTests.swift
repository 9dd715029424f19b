import XCTest
@testable import Reports

/// Expected values from SciPy 1.17:
///
///     python3 -c 'from scipy import stats; import numpy as np; a=[...]; b=[...];
///       r = stats.ttest_ind(a, b, equal_var=False); print(repr(r.statistic), repr(r.pvalue));
///       print(repr(np.mean(a)), repr(np.std(a, ddof=1)), repr(stats.sem(a)))'
///     # degrees of freedom: (va/na + vb/nb)^2 / ((va/na)^2/(na-1) + (vb/nb)^2/(nb-1))
final class StatisticsTests: XCTestCase {
    func assertClose(_ actual: Double?, _ expected: Double, relative: Double = 1e-10,
                     file: StaticString = #filePath, line: UInt = #line) {
        guard let actual else { return XCTFail("nil, expected \(expected)", file: file, line: line) }
        XCTAssertLessThanOrEqual(abs(actual - expected), relative * max(abs(expected), 1e-300),
                                 "\(actual) vs \(expected)", file: file, line: line)
    }

    func testSummary() throws {
        let summary = try XCTUnwrap(Summary([0.912, 0.905, 0.921, 0.899, 0.915]))
        XCTAssertEqual(summary.n, 5)
        assertClose(summary.mean, 0.9104000000000001, relative: 1e-15)
        assertClose(summary.standardDeviation, 0.00859069263796582, relative: 1e-12)
        assertClose(summary.standardError, 0.0038418745424597125, relative: 1e-12)
    }

    func testSummaryOfOneAndNoValues() throws {
        let one = try XCTUnwrap(Summary([0.5]))
        XCTAssertEqual(one.n, 1)
        XCTAssertEqual(one.mean, 0.5)
        XCTAssertNil(one.standardDeviation)
        XCTAssertNil(one.standardError)
        XCTAssertNil(Summary([]))
    }

    func testWelchUnequalVariancesAndSizes() throws {
        let test = try XCTUnwrap(WelchTTest([0.912, 0.905, 0.921, 0.899, 0.915],
                                            [0.871, 0.902, 0.855, 0.889, 0.864, 0.893, 0.877]))
        assertClose(test.t, 4.2694075009829975)
        assertClose(test.degreesOfFreedom, 9.32290270644061)
        assertClose(test.pValue, 0.0019213310092940073, relative: 1e-9)
    }

    func testWelchTwoValuesEach() throws {
        let test = try XCTUnwrap(WelchTTest([1.0, 2.0], [3.0, 5.5]))
        assertClose(test.t, -2.0426487199475707)
        assertClose(test.degreesOfFreedom, 1.31201248049922)
        assertClose(test.pValue, 0.24034736037980786, relative: 1e-9)
    }

    func testWelchVerySmallPValue() throws {
        let test = try XCTUnwrap(WelchTTest([10.1, 10.3, 9.9, 10.2], [1.0, 1.2, 0.8, 1.1, 0.9, 1.05]))
        assertClose(test.t, 88.15703226437661, relative: 1e-9)
        assertClose(test.degreesOfFreedom, 5.707547169811321, relative: 1e-9)
        assertClose(test.pValue, 3.6314866435108315e-10, relative: 1e-7)
    }

    func testWelchIdenticalSamples() throws {
        let test = try XCTUnwrap(WelchTTest([0.5, 0.7, 0.9], [0.5, 0.7, 0.9]))
        XCTAssertEqual(test.t, 0)
        assertClose(test.degreesOfFreedom, 4.0)
        XCTAssertEqual(test.pValue, 1)
    }

    func testWelchDegenerateCases() throws {
        XCTAssertNil(WelchTTest([1.0], [2.0, 3.0]))
        XCTAssertNil(WelchTTest([], [2.0, 3.0]))
        let equalConstants = try XCTUnwrap(WelchTTest([2.0, 2.0], [2.0, 2.0, 2.0]))
        XCTAssertEqual(equalConstants.t, 0)
        XCTAssertEqual(equalConstants.pValue, 1)
        XCTAssertEqual(equalConstants.degreesOfFreedom, 3)
        let differentConstants = try XCTUnwrap(WelchTTest([2.0, 2.0], [1.0, 1.0]))
        XCTAssertEqual(differentConstants.t, .infinity)
        XCTAssertEqual(differentConstants.pValue, 0)
    }

    /// `scipy.special.betainc(a, b, x)` and `2 * stats.t.sf(t, df)`.
    func testIncompleteBetaAndStudentT() {
        assertClose(regularizedIncompleteBeta(0.3, a: 2, b: 3), 0.34829999999999994, relative: 1e-13)
        assertClose(regularizedIncompleteBeta(0.9, a: 0.5, b: 0.5), 0.7951672353008665, relative: 1e-13)
        assertClose(regularizedIncompleteBeta(0.01, a: 5, b: 0.5), 2.4712578086395438e-11, relative: 1e-10)
        assertClose(regularizedIncompleteBeta(0.5, a: 30, b: 40), 0.8857998873233515, relative: 1e-12)
        assertClose(regularizedIncompleteBeta(0.999, a: 2.5, b: 1.5), 0.9998927276290064, relative: 1e-13)
        XCTAssertEqual(regularizedIncompleteBeta(0, a: 2, b: 3), 0)
        XCTAssertEqual(regularizedIncompleteBeta(1, a: 2, b: 3), 1)
        assertClose(StudentT.twoSidedPValue(t: 2.5, degreesOfFreedom: 3.7), 0.07182202291182678, relative: 1e-11)
        assertClose(StudentT.twoSidedPValue(t: -0.3, degreesOfFreedom: 100), 0.7647998803003035, relative: 1e-11)
        assertClose(StudentT.twoSidedPValue(t: 40, degreesOfFreedom: 2), 0.0006244146721847406, relative: 1e-10)
    }
}
