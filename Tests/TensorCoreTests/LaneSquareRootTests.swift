import XCTest
import Randomness
@testable import TensorCore

/// `laneSquareRoot` is the scalar `Float.squareRoot()` in every lane, bit for bit: the
/// optimisers' sweeps rely on it to stay bit-identical to their scalar loops.
final class LaneSquareRootTests: XCTestCase {
    private func assertMatchesScalar(_ values: [Float], file: StaticString = #filePath, line: UInt = #line) {
        var i = 0
        while i < values.count {
            var lanes = SIMD16<Float>(repeating: 1)
            for j in 0..<min(16, values.count - i) { lanes[j] = values[i + j] }
            let roots = laneSquareRoot(lanes)
            for j in 0..<16 {
                let expected = lanes[j].squareRoot()
                if expected.isNaN {
                    XCTAssertTrue(roots[j].isNaN, "√\(lanes[j])", file: file, line: line)
                } else {
                    XCTAssertEqual(roots[j].bitPattern, expected.bitPattern, "√\(lanes[j])", file: file, line: line)
                }
            }
            i += 16
        }
    }

    func testEqualsTheScalarSquareRootOnRandomMagnitudes() {
        var generator = SeededGenerator(seed: 11)
        // Exponents from 2⁻¹²⁶ to 2¹²⁷ and random mantissas: the rounding of the last bit differs
        // between a correctly rounded root and any approximation on a good share of these.
        let values = (0..<4_096).map { _ in
            Float(sign: .plus, exponent: generator.uniformInt(below: 254) - 126,
                  significand: 1 + generator.uniformFloat())
        }
        assertMatchesScalar(values)
    }

    func testEqualsTheScalarSquareRootOnSpecialValues() {
        assertMatchesScalar([0, -0.0, 1, 4, 2, .infinity, -.infinity, -1, .nan, .leastNormalMagnitude,
                             .greatestFiniteMagnitude, .ulpOfOne, 1 + .ulpOfOne, 0.25, 1e-30, 3])
    }

    /// The comparison above can fail: a root off by one unit in the last place is caught.
    func testTheComparisonCatchesAnOffByOneRoot() {
        let lanes = SIMD16<Float>(repeating: 2)
        let root = laneSquareRoot(lanes)[0]
        XCTAssertNotEqual(root.nextUp.bitPattern, Float(2).squareRoot().bitPattern)
        XCTAssertEqual(root.bitPattern, Float(2).squareRoot().bitPattern)
    }
}
