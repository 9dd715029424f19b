import Foundation
import XCTest
@testable import TensorCore

/// The eight-lane functions of `LaneMath` against double precision, in units in the last place
/// of the float result.
final class LaneMathTests: XCTestCase {
    /// The largest error of `lanes` against `reference` over `inputs`, in ulps of the reference.
    private func worstUlps(_ inputs: [Float], _ lanes: (Lanes8) -> Lanes8, _ reference: (Double) -> Double)
        -> (ulps: Double, at: Float) {
        var worst = (ulps: 0.0, at: Float(0))
        var i = 0
        while i < inputs.count {
            let count = min(8, inputs.count - i)
            let values = inputs.withUnsafeBufferPointer { Lanes8.loading($0.baseAddress! + i, count: count) }
            let results = lanes(values)
            for j in 0..<count {
                let exact = reference(Double(values[j]))
                let ulp = Double(Float(exact).ulp)
                let error = abs(Double(results[j]) - exact) / ulp
                if !(error <= worst.ulps) { worst = (error.isNaN ? .infinity : error, values[j]) }
            }
            i += count
        }
        return worst
    }

    /// Every 1/1000 over [lower, upper], plus the ends.
    private func grid(_ lower: Float, _ upper: Float) -> [Float] {
        let steps = Int((upper - lower) * 1000)
        return (0...steps).map { lower + (upper - lower) * Float($0) / Float(steps) }
    }

    func testExponentialIsWithinTwoUlps() {
        let worst = worstUlps(grid(-87, 0), exponentialOfNonPositive) { Foundation.exp($0) }
        XCTAssertLessThanOrEqual(worst.ulps, 2, "worst at \(worst.at)")
        // Below the clamp it holds e⁻⁸⁷.
        XCTAssertEqual(exponentialOfNonPositive(Lanes8(repeating: -200))[0], exponentialOfNonPositive(Lanes8(repeating: -87))[0])
    }

    func testLogOnePlusIsWithinThreeUlpsDownToTinyArguments() {
        var inputs = grid(0, 1)
        inputs += (1...40).map { Float.leastNormalMagnitude * Float(1 << 20) * pow(2, Float($0)) }
        let worst = worstUlps(inputs, logOnePlusOfUnitInterval) { Foundation.log1p($0) }
        XCTAssertLessThanOrEqual(worst.ulps, 3, "worst at \(worst.at)")
    }

    func testSoftplusAndSigmoidAreWithinFourUlps() {
        let inputs = grid(-100, 100)
        let softplusWorst = worstUlps(inputs, softplus) { x in
            // Double's own stable form; e⁻⁸⁷ stands in below −87, as in the lanes.
            max(x, 0) + Foundation.log1p(Foundation.exp(-min(abs(x), 87)))
        }
        XCTAssertLessThanOrEqual(softplusWorst.ulps, 4, "softplus worst at \(softplusWorst.at)")
        let sigmoidWorst = worstUlps(inputs.filter { abs($0) <= 87 }, sigmoid) { 1 / (1 + Foundation.exp(-$0)) }
        XCTAssertLessThanOrEqual(sigmoidWorst.ulps, 4, "sigmoid worst at \(sigmoidWorst.at)")
    }

    func testTheUlpMeasureCatchesAnOffByOneCoefficient() {
        // The bounds above must be able to fail: log1p with the series' 1/3 written as 1/4.
        let wrong: (Lanes8) -> Lanes8 = { t in
            let s = t / (t + 2)
            return 2 * s * (1 + s * s / 4)
        }
        XCTAssertGreaterThan(worstUlps(grid(0, 1), wrong) { Foundation.log1p($0) }.ulps, 1000)
    }

    func testPartialLoadsAndStoresTouchOnlyTheirLanes() {
        let source: [Float] = [1, 2, 3]
        let lanes = source.withUnsafeBufferPointer { Lanes8.loading($0.baseAddress!, count: 3) }
        XCTAssertEqual(lanes, Lanes8(1, 2, 3, 0, 0, 0, 0, 0))
        var target: [Float] = [9, 9, 9, 9]
        target.withUnsafeMutableBufferPointer { (lanes * 2).store(to: $0.baseAddress!, count: 3) }
        XCTAssertEqual(target, [2, 4, 6, 9])
    }
}
