import Foundation
import XCTest
@testable import Metrics

// Our L-BFGS and multinomial logistic regression against scikit-learn's default
// LogisticRegression (tools/golden/make_logistic_fixtures.py: scikit-learn 1.9.1). Each
// fixture holds scikit-learn's fit with its defaults (tol 1e-4, max_iter 100) and converged
// tightly (tol 1e-10).
//
// Tolerances, relative to max(1, max |reference|) over coefficients and intercepts together:
// - converged fits: 1e-5. Both sides approach the same unique optimum and stop when an
//   iteration lowers f by less than 64·ε relatively; along the flattest direction of the
//   βVAE-like set that leaves the parameters about 1e-6 apart (measured: 3e-15, 1e-8, 1.5e-6).
// - default fits: 1e-2. Each optimiser stops where its own iterates first meet max |∇f| ≤ 1e-4,
//   and how far that is from the optimum depends on the data's conditioning (measured: 1e-15
//   where our iterates are SciPy's, 5.7e-4 binomial, 1.8e-3 on the βVAE-like set).
// Predictions on the fixture's features must be identical in both cases. GOLDEN_VERBOSE=1
// prints every gap.

/// One fixture: features, labels and scikit-learn's two fits.
private struct LogisticFixture: Decodable {
    struct Fit: Decodable {
        let coef: [[Double]]
        let intercept: [Double]
        let n_iter: Int
        let predictions: [Int]
        let classes: [Int]
    }

    let name: String
    let rows: Int
    let features: Int
    let x: [Double]
    let labels: [Int]
    let `default`: Fit
    let converged: Fit

    static func load(_ name: String) throws -> LogisticFixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent("logistic_\(name).json")
        return try JSONDecoder().decode(LogisticFixture.self, from: Data(contentsOf: url))
    }
}

/// Our coefficients and intercepts in scikit-learn's form: for two classes the binomial
/// model's (row 1 − row 0), otherwise as they are.
private func scikitLearnForm(_ model: LogisticRegression) -> (coef: [[Double]], intercept: [Double]) {
    let f = model.featureCount
    let rows = (0..<model.classes.count).map { Array(model.coefficients[($0 * f)..<(($0 + 1) * f)]) }
    if model.classes.count == 2 {
        return ([zip(rows[1], rows[0]).map { $0 - $1 }], [model.intercepts[1] - model.intercepts[0]])
    }
    return (rows, model.intercepts)
}

/// max |ours − reference| / max(1, max |reference|) over coefficients and intercepts.
private func relativeGap(_ model: LogisticRegression, _ reference: LogisticFixture.Fit) -> Double {
    let ours = scikitLearnForm(model)
    let a = ours.coef.flatMap { $0 } + ours.intercept
    let b = reference.coef.flatMap { $0 } + reference.intercept
    precondition(a.count == b.count, "parameter counts differ: \(a.count) vs \(b.count)")
    let scale = max(1, b.map(abs).max() ?? 0)
    return zip(a, b).map { abs($0 - $1) }.max()! / scale
}

final class LogisticRegressionTests: XCTestCase {
    static let fixtures = ["multinomial4", "binomial", "betavae6"]

    func testConvergedFitMatchesScikitLearn() throws {
        for name in Self.fixtures {
            let fixture = try LogisticFixture.load(name)
            let model = try LogisticRegression.fit(features: fixture.x, labels: fixture.labels, featureCount: fixture.features,
                                                   optimizer: LBFGS(maxIterations: 10_000, gradientTolerance: 1e-10))
            let gap = relativeGap(model, fixture.converged)
            if ProcessInfo.processInfo.environment["GOLDEN_VERBOSE"] != nil {
                print("\(name): converged gap \(gap), \(model.iterations) iterations (\(model.stop)), scikit-learn \(fixture.converged.n_iter)")
            }
            XCTAssertTrue(model.converged, "\(name): stopped by \(model.stop)")
            XCTAssertEqual(model.classes, fixture.converged.classes, name)
            XCTAssertLessThanOrEqual(gap, 1e-5, "\(name): coefficients differ from scikit-learn's converged fit")
            XCTAssertEqual(model.predict(fixture.x), fixture.converged.predictions, name)
        }
    }

    func testDefaultFitMatchesScikitLearnDefault() throws {
        for name in Self.fixtures {
            let fixture = try LogisticFixture.load(name)
            let model = try LogisticRegression.fit(features: fixture.x, labels: fixture.labels, featureCount: fixture.features)
            let gap = relativeGap(model, fixture.default)
            if ProcessInfo.processInfo.environment["GOLDEN_VERBOSE"] != nil {
                print("\(name): default gap \(gap), \(model.iterations) iterations (\(model.stop)), scikit-learn \(fixture.default.n_iter)")
            }
            XCTAssertLessThanOrEqual(gap, 1e-2, "\(name): coefficients differ from scikit-learn's default fit")
            XCTAssertEqual(model.predict(fixture.x), fixture.default.predictions, name)
        }
    }

    /// Labels need not be 0..<K: classes are the sorted distinct labels, as scikit-learn's `classes_`.
    func testArbitraryLabelValuesMapToSortedClasses() throws {
        let fixture = try LogisticFixture.load("multinomial4")
        let renamed = fixture.labels.map { [7, 2, 9, 4][$0] }
        let model = try LogisticRegression.fit(features: fixture.x, labels: renamed, featureCount: fixture.features)
        XCTAssertEqual(model.classes, [2, 4, 7, 9])
        XCTAssertEqual(model.predict(fixture.x), fixture.default.predictions.map { [7, 2, 9, 4][$0] })
    }

    func testObjectiveGradientMatchesFiniteDifferences() {
        // 7 rows, 3 features, 3 classes; parameters away from zero so every term matters.
        let x: [Double] = (0..<21).map { sin(Double($0) * 1.7) * 2 }
        let objective = MultinomialObjective(features: x, targets: [0, 2, 1, 1, 0, 2, 2], featureCount: 3,
                                             classCount: 3, inverseRegularization: 0.7)
        let theta: [Double] = (0..<12).map { cos(Double($0) * 0.9) }
        var gradient = [Double](repeating: 0, count: 12)
        _ = objective.evaluate(theta, gradient: &gradient)
        var scratch = gradient
        for index in theta.indices {
            var plus = theta, minus = theta
            plus[index] += 1e-6
            minus[index] -= 1e-6
            let numeric = (objective.evaluate(plus, gradient: &scratch) - objective.evaluate(minus, gradient: &scratch)) / 2e-6
            XCTAssertEqual(gradient[index], numeric, accuracy: 1e-8, "parameter \(index)")
        }
        // The intercept gradient sums to zero over classes (the softmax's free constant).
        XCTAssertEqual(gradient[9...].reduce(0, +), 0, accuracy: 1e-15)
    }

    func testRejectsOneClassAndBadShapes() {
        XCTAssertThrowsError(try LogisticRegression.fit(features: [1, 2, 3], labels: [1, 1, 1], featureCount: 1))
        XCTAssertThrowsError(try LogisticRegression.fit(features: [1, 2, 3], labels: [0, 1], featureCount: 1))
        XCTAssertThrowsError(try LogisticRegression.fit(features: [1, .nan], labels: [0, 1], featureCount: 1))
    }
}

final class LBFGSTests: XCTestCase {
    /// Rosenbrock's valley from (−1.2, 1): minimum 0 at (1, 1).
    func testRosenbrock() {
        var optimizer = LBFGS(maxIterations: 500, gradientTolerance: 1e-10)
        optimizer.relativeReductionTolerance = 0
        let result = optimizer.minimize(from: [-1.2, 1]) { p, g in
            let (a, b) = (p[0], p[1])
            g[0] = -2 * (1 - a) - 400 * a * (b - a * a)
            g[1] = 200 * (b - a * a)
            return (1 - a) * (1 - a) + 100 * (b - a * a) * (b - a * a)
        }
        XCTAssertEqual(result.stop, .gradientTolerance)
        XCTAssertEqual(result.minimizer[0], 1, accuracy: 1e-8)
        XCTAssertEqual(result.minimizer[1], 1, accuracy: 1e-8)
        XCTAssertLessThan(result.iterations, 100)
    }

    /// A convex quadratic ½xᵀAx − bᵀx with A diagonal: minimum at A⁻¹b.
    func testIllConditionedQuadratic() {
        let diagonal = (0..<20).map { pow(10, Double($0) / 6) }  // condition number ~1.5e3
        let b = (0..<20).map { Double($0 % 3) - 1 }
        // f is about −1 at the minimum, so double precision resolves x only to about √ε there:
        // let it run until f stops decreasing at all.
        var optimizer = LBFGS(maxIterations: 1000, gradientTolerance: 1e-8)
        optimizer.relativeReductionTolerance = 0
        let result = optimizer.minimize(from: [Double](repeating: 0, count: 20)) { x, g in
            var f = 0.0
            for i in x.indices {
                g[i] = diagonal[i] * x[i] - b[i]
                f += 0.5 * diagonal[i] * x[i] * x[i] - b[i] * x[i]
            }
            return f
        }
        XCTAssertTrue(result.converged, "\(result.stop)")
        for i in 0..<20 { XCTAssertEqual(result.minimizer[i], b[i] / diagonal[i], accuracy: 1e-7) }
    }

    func testStopsAtIterationLimit() {
        let result = LBFGS(maxIterations: 3, gradientTolerance: 0).minimize(from: [-1.2, 1]) { p, g in
            let (a, b) = (p[0], p[1])
            g[0] = -2 * (1 - a) - 400 * a * (b - a * a)
            g[1] = 200 * (b - a * a)
            return (1 - a) * (1 - a) + 100 * (b - a * a) * (b - a * a)
        }
        XCTAssertEqual(result.stop, .iterationLimit)
        XCTAssertEqual(result.iterations, 3)
        XCTAssertLessThan(result.value, 24.2, "each iteration decreases f from f(−1.2, 1) = 24.2")
    }
}
