import _Differentiation
import Randomness
import TensorCore
import XCTest
@testable import NeuralLayers

/// Two stacked dense layers: the smallest model that exercises nested parameter paths and
/// AD through our hand-written pullbacks.
private struct TwoLayers: Layer {
    var hidden: Dense
    var output: Dense

    @differentiable(reverse)
    func callAsFunction(_ input: Tensor) -> Tensor { output(hidden(input)) }

    static var parameterPaths: [ParameterPath<TwoLayers>] {
        Dense.parameters(at: \.hidden, \.hidden, named: "hidden")
            + Dense.parameters(at: \.output, \.output, named: "output")
    }
}

final class DenseTests: XCTestCase {
    func testForwardMatchesHandComputedValues() {
        let dense = Dense(weight: Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]),
                          bias: Tensor(shape: [3], scalars: [0.5, -1, 0]), activation: .relu)
        let x = Tensor(shape: [2, 2], scalars: [1, -1, 2, 0.5])
        // [1,-1]·W = [-3,-3,-3] + b = [-2.5,-4,-3] → relu 0; [2,0.5]·W = [4,6.5,9] + b.
        XCTAssertEqual(dense(x).scalars, [0, 0, 0, 4.5, 5.5, 9])
    }

    func testGradientsMatchFiniteDifferences() {
        var generator = SeededGenerator(seed: 1)
        let model = TwoLayers(hidden: Dense(inputSize: 5, outputSize: 7, activation: .tanh, generator: &generator),
                              output: Dense(inputSize: 7, outputSize: 3, activation: .sigmoid, generator: &generator))
        let x = Tensor.randomNormal([4, 5], using: &generator)
        let r = GradientCheck.projection(like: model(x))
        for result in GradientCheck.parameters(of: model, loss: { ($0(x) * r).sum() }) {
            XCTAssertLessThan(result.relativeError, 2e-3, "\(result)")
        }
        let inputCheck = GradientCheck.input(of: { model($0) }, at: x)
        XCTAssertLessThan(inputCheck.relativeError, 2e-3, "\(inputCheck)")
        XCTAssertEqual(TwoLayers.parameterPaths.map(\.name),
                       ["hidden.weight", "hidden.bias", "output.weight", "output.bias"])
    }

    func testAGradientCheckCatchesATransposedWeightGradient() {
        // The checker must be able to fail: a pullback that returns dW transposed.
        let w = Tensor(shape: [3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 10])
        let x = Tensor(shape: [2, 3], scalars: [1, 0.5, -1, 2, 1, 0])
        let wrong = GradientCheck.compare(analytic: transposed(matmulWeightGradient(x, w)), at: w,
                                          step: 1e-2, maxElements: 9, label: "w") { probe in
            (matmul(x, probe) * GradientCheck.projection(like: matmul(x, w))).sum().scalar
        }
        XCTAssertGreaterThan(wrong.relativeError, 0.1)
    }

    private func matmulWeightGradient(_ x: Tensor, _ w: Tensor) -> Tensor {
        let r = GradientCheck.projection(like: matmul(x, w))
        return gradient(at: w) { (matmul(x, $0) * r).sum() }
    }

    private func transposed(_ m: Tensor) -> Tensor {
        let n = m.shape[0]
        return Tensor(shape: m.shape, scalars: (0..<(n * n)).map { m.scalars[($0 % n) * n + $0 / n] })
    }
}
