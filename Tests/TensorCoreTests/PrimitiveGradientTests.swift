import _Differentiation
import Randomness
import XCTest
@testable import TensorCore

/// Finite-difference checks of every differentiable primitive of the core.
final class PrimitiveGradientTests: XCTestCase {
    private var generator = SeededGenerator(seed: 42)
    private let tolerance = 3e-3

    private func random(_ shape: [Int], scale: Float = 1) -> Tensor {
        Tensor.randomNormal(shape, standardDeviation: scale, using: &generator)
    }

    private func assertGradient(_ label: String, at x: Tensor,
                                _ f: @escaping @differentiable(reverse) (Tensor) -> Tensor,
                                file: StaticString = #filePath, line: UInt = #line) {
        let result = GradientCheck.input(of: f, at: x, label: label)
        XCTAssertLessThan(result.relativeError, tolerance, "\(result)", file: file, line: line)
    }

    func testUnaryFunctions() {
        let x = random([3, 5])
        assertGradient("sigmoid", at: x) { sigmoid($0) }
        assertGradient("softplus", at: x) { softplus($0) }
        assertGradient("tanh", at: x) { tanh($0) }
        assertGradient("exp", at: x) { exp($0) }
        assertGradient("squared", at: x) { squared($0) }
        assertGradient("negate", at: x) { -$0 }
        assertGradient("scale", at: x) { 2.5 * $0 }
        assertGradient("divide", at: x) { $0 / 4 }
        assertGradient("shift", at: x) { $0 + 3 }
        assertGradient("log", at: exp(x)) { log($0) }
        // relu away from its kink: shift values off zero.
        let offKink = x.map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }
        assertGradient("relu", at: offKink) { relu($0) }
    }

    func testBinaryFunctionsAndBroadcasting() {
        let x = random([4, 3]), y = random([4, 3])
        assertGradient("add lhs", at: x) { $0 + y }
        assertGradient("subtract rhs", at: x) { y - $0 }
        assertGradient("multiply", at: x) { $0 * y }
        assertGradient("self product", at: x) { $0 * $0 }
        let s = Tensor(0.7)
        assertGradient("scalar broadcast", at: s) { x * $0 + $0 }
        XCTAssertEqual((Tensor.zero + x), x, "the shapeless zero is the additive identity")
        XCTAssertEqual((x + Tensor.zero), x, "on either side")
        XCTAssertEqual((x + Tensor(2)).scalars, x.scalars.map { $0 + 2 }, "a non-zero scalar still broadcasts")
        XCTAssertEqual((Tensor(2) + Tensor.zero), Tensor(2))
        assertGradient("add the zero", at: x) { $0 + Tensor.zero }
    }

    func testMatrixProductAndBias() {
        let x = random([5, 4]), w = random([4, 3]), b = random([3])
        assertGradient("matmul input", at: x) { matmul($0, w) }
        assertGradient("matmul weight", at: w) { matmul(x, $0) }
        assertGradient("bias", at: b) { addingBias(matmul(x, w), $0) }
        let sequence = random([2, 3, 4])
        assertGradient("matmul on sequence", at: sequence) { matmul($0, w) }
    }

    func testReductionsAndShapes() {
        let x = random([3, 4])
        assertGradient("sum", at: x) { $0.sum() }
        assertGradient("mean", at: x) { $0.mean() }
        assertGradient("sum along last axis", at: x) { $0.sumAlongLastAxis() }
        assertGradient("reshape", at: x) { $0.reshaped(to: [2, 6]) * $0.reshaped(to: [2, 6]) }
        assertGradient("slice columns", at: x) { $0.slicingLastAxis(1..<3) }
        assertGradient("slice rows", at: x) { $0.slicingRows(1..<3) }
        let y = random([3, 2])
        assertGradient("concatenate", at: x) { concatenateLastAxis($0, y) }
        assertGradient("concatenate rhs", at: y) { concatenateLastAxis(x, $0) }
    }

    func testSoftmaxFamily() {
        let logits = random([4, 6], scale: 3)
        assertGradient("logSoftmax", at: logits) { logSoftmax($0) }
        assertGradient("softmax", at: logits) { softmax($0) }
    }
}
