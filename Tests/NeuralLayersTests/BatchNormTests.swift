import _Differentiation
import Randomness
import TensorCore
import XCTest
@testable import NeuralLayers

final class BatchNormTests: XCTestCase {
    private let training = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 1))
    private let inference = ForwardContext(phase: .inference, generator: SeededGeneratorBox(seed: 1))

    func testTrainingNormalisesEachFeatureWithTheBatchStatistics() {
        // Feature 0: 1, 2, 3, 4 (mean 2.5, biased variance 1.25); feature 1: 0, 0, 2, 2 (mean 1,
        // variance 1). Scale [2, 1], offset [0, 0.5].
        let layer = BatchNorm(scale: Tensor(shape: [2], scalars: [2, 1]), offset: Tensor(shape: [2], scalars: [0, 0.5]),
                              running: RunningStatistics(channels: 2))
        let input = Tensor(shape: [4, 2], scalars: [1, 0, 2, 0, 3, 2, 4, 2])
        let output = layer(input, in: training)
        let s0 = 1 / (1.25 + 1e-3 as Float).squareRoot(), s1 = 1 / (1 + 1e-3 as Float).squareRoot()
        let expected: [Float] = [2 * -1.5 * s0, 0.5 - s1, 2 * -0.5 * s0, 0.5 - s1,
                                 2 * 0.5 * s0, 0.5 + s1, 2 * 1.5 * s0, 0.5 + s1]
        for (y, e) in zip(output.scalars, expected) { XCTAssertEqual(y, e, accuracy: 1e-6) }
    }

    func testImagesAreNormalisedPerChannelOverBatchAndPixels() {
        var generator = SeededGenerator(seed: 2)
        let channelShift = Tensor(shape: [3], scalars: [5, -2, 0.5])
        let input = addingBias(Tensor.randomNormal([4, 3, 5, 3], standardDeviation: 3, using: &generator), channelShift)
        let output = BatchNorm(channels: 3)(input, in: training)
        let (mean, variance) = batchMoments(of: output)
        for c in 0..<3 {
            XCTAssertEqual(mean.scalars[c], 0, accuracy: 1e-5)
            // Var of (x − μ)/√(v + ε) is v/(v + ε), just under 1.
            XCTAssertEqual(variance.scalars[c], 1, accuracy: 1e-3)
            XCTAssertLessThan(variance.scalars[c], 1)
        }
    }

    func testRunningStatisticsMoveTowardTheBatchWithTheMomentum() {
        let input = Tensor(shape: [4, 2], scalars: [1, 0, 2, 0, 3, 2, 4, 2])  // means 2.5, 1; variances 1.25, 1
        let layer = BatchNorm(channels: 2)
        _ = layer(input, in: training)
        assertEqual(layer.running.mean, [0.01 * 2.5, 0.01 * 1])
        assertEqual(layer.running.variance, [0.99 + 0.01 * 1.25, 0.99 + 0.01 * 1])
        _ = layer(input, in: training)
        assertEqual(layer.running.mean, [0.99 * 0.025 + 0.025, 0.99 * 0.01 + 0.01])
        // Inference reads the statistics and leaves them alone.
        _ = layer(input, in: inference)
        assertEqual(layer.running.mean, [0.99 * 0.025 + 0.025, 0.99 * 0.01 + 0.01])

        let fast = BatchNorm(channels: 2, momentum: 0.5)
        _ = fast(input, in: training)
        assertEqual(fast.running.mean, [1.25, 0.5])
        assertEqual(fast.running.variance, [1.125, 1])
    }

    func testInferenceUsesTheRunningStatistics() {
        let running = RunningStatistics(mean: Tensor(shape: [2], scalars: [1, -1]),
                                        variance: Tensor(shape: [2], scalars: [4, 0.25]))
        let layer = BatchNorm(scale: Tensor(shape: [2], scalars: [3, 1]), offset: Tensor(shape: [2], scalars: [1, 0]),
                              running: running, epsilon: 0.01)
        let input = Tensor(shape: [2, 2], scalars: [3, 0, -1, -1])
        let output = layer(input, in: inference)
        let (s0, s1) = (1 / Float(4.01).squareRoot(), 1 / Float(0.26).squareRoot())
        let expected: [Float] = [3 * 2 * s0 + 1, 1 * s1, 3 * -2 * s0 + 1, 0]
        for (y, e) in zip(output.scalars, expected) { XCTAssertEqual(y, e, accuracy: 1e-6) }
    }

    func testCopiesShareTheirStatisticsUnlessMadeIndependent() {
        let input = Tensor(shape: [2, 1], scalars: [1, 3])
        let layer = BatchNorm(channels: 1)
        let copy = layer, independent = layer.withIndependentStatistics()
        _ = copy(input, in: training)
        assertEqual(layer.running.mean, [0.02])
        assertEqual(independent.running.mean, [0])
    }

    func testGradientsMatchFiniteDifferencesInBothPhases() {
        var generator = SeededGenerator(seed: 4)
        for shape in [[6, 3], [2, 3, 2, 3]] {
            let layer = BatchNorm(scale: Tensor.randomUniform([3], lower: 0.5, upper: 2, using: &generator),
                                  offset: Tensor.randomNormal([3], using: &generator),
                                  running: RunningStatistics(mean: Tensor.randomNormal([3], using: &generator),
                                                             variance: Tensor.randomUniform([3], lower: 0.5, upper: 2,
                                                                                            using: &generator)))
            let x = Tensor.randomNormal(shape, using: &generator)
            for context in [training, inference] {
                let label = "\(shape) \(context.phase)"
                let r = GradientCheck.projection(like: layer(x, in: context))
                for result in GradientCheck.parameters(of: layer, loss: { ($0(x, in: context) * r).sum() }) {
                    XCTAssertLessThan(result.relativeError, 5e-3, "\(label) \(result)")
                }
                let inputCheck = GradientCheck.input(of: { layer($0, in: context) }, at: x)
                XCTAssertLessThan(inputCheck.relativeError, 5e-3, "\(label) \(inputCheck)")
            }
        }
    }

    func testTrainingGradientIncludesTheBatchStatisticsTerms() {
        // With the statistics held fixed (the inference formula at the batch's own moments) the
        // input gradient differs: Σ_rows dx = 0 holds only when the mean's term is included.
        var generator = SeededGenerator(seed: 6)
        let x = Tensor.randomNormal([5, 2], using: &generator)
        let scale = Tensor.ones([2]), offset = Tensor.zeros([2])
        let r = Tensor.randomNormal([5, 2], using: &generator)
        let dx = gradient(at: x) { (batchNormalized($0, scale: scale, offset: offset, epsilon: 1e-3) * r).sum() }
        let (mean, variance) = batchMoments(of: x)
        let fixedStatistics = gradient(at: x) {
            (batchNormalized($0, scale: scale, offset: offset, mean: mean, variance: variance, epsilon: 1e-3) * r).sum()
        }
        for column in dx.sumOverRows().scalars { XCTAssertEqual(column, 0, accuracy: 1e-5) }
        XCTAssertGreaterThan(zip(dx.scalars, fixedStatistics.scalars).map { abs($0 - $1) }.max()!, 0.1)
    }

    func testTheLayerHandsItsMomentsToThePrimitiveWithTheSameValuesAndGradients() {
        // The layer computes the batch moments once (for its running statistics) and passes
        // them in; the result must be bit-identical to the primitive that computes its own.
        var generator = SeededGenerator(seed: 9)
        let x = Tensor.randomNormal([4, 3, 3, 5], using: &generator)
        let layer = BatchNorm(scale: Tensor.randomUniform([5], lower: 0.5, upper: 2, using: &generator),
                              offset: Tensor.randomNormal([5], using: &generator), running: RunningStatistics(channels: 5))
        let r = Tensor.randomNormal([4, 3, 3, 5], using: &generator)
        let (value, dx) = valueWithGradient(at: x) { (layer($0, in: self.training) * r).sum() }
        let (expected, expectedDx) = valueWithGradient(at: x) {
            (batchNormalized($0, scale: layer.scale, offset: layer.offset, epsilon: layer.epsilon) * r).sum()
        }
        XCTAssertEqual(value.scalar, expected.scalar)
        XCTAssertEqual(dx.scalars, expectedDx.scalars)
    }

    func testBatchNormFollowedByAReluIsBitIdenticalToTheTwoComposed() {
        // The fused primitive against the layer and `relu` applied one after the other: values,
        // the input gradient and both parameter gradients, with a channel count that fills the
        // eight-lane kernels (16) and one that leaves a tail (5), in both phases.
        var generator = SeededGenerator(seed: 10)
        for shape in [[4, 3, 3, 16], [7, 5], [2, 6, 6, 13]] {
            let c = shape.last!
            let layer = BatchNorm(scale: Tensor.randomUniform([c], lower: 0.5, upper: 2, using: &generator),
                                  offset: Tensor.randomNormal([c], using: &generator), running: RunningStatistics(channels: c))
            let twin = layer.withIndependentStatistics(), bare = layer.withIndependentStatistics()
            let x = Tensor.randomNormal(shape, using: &generator)
            let r = Tensor.randomNormal(shape, using: &generator)
            for context in [training, inference] {
                let label = "\(shape) \(context.phase)"
                let fused = gradients(at: layer, x) { (layer: BatchNorm, x: Tensor) -> Tensor in
                    (layer(x, in: context, then: .relu) * r).sum()
                }
                let composed = gradients(at: twin, x) { (layer: BatchNorm, x: Tensor) -> Tensor in
                    (relu(layer(x, in: context)) * r).sum()
                }
                XCTAssertEqual(fused.value.scalar, composed.value.scalar, label)
                XCTAssertEqual(fused.gradient.1.scalars, composed.gradient.1.scalars, "input gradient, \(label)")
                XCTAssertEqual(fused.gradient.0.scale.scalars, composed.gradient.0.scale.scalars, "scale gradient, \(label)")
                XCTAssertEqual(fused.gradient.0.offset.scalars, composed.gradient.0.offset.scalars, "offset gradient, \(label)")
                let withoutRelu = gradients(at: bare, x) { (layer: BatchNorm, x: Tensor) -> Tensor in (layer(x, in: context) * r).sum() }
                XCTAssertNotEqual(fused.gradient.1.scalars, withoutRelu.gradient.1.scalars, "the relu mattered, \(label)")
            }
            XCTAssertEqual(layer.running.mean.scalars, twin.running.mean.scalars, "running statistics moved alike, \(shape)")
            XCTAssertEqual(layer.running.variance.scalars, twin.running.variance.scalars, "\(shape)")
        }
    }

    /// The value of a scalar loss of a layer and an input, and its gradient with respect to both.
    private func gradients(at layer: BatchNorm, _ x: Tensor,
                           of loss: @differentiable(reverse) (BatchNorm, Tensor) -> Tensor)
        -> (value: Tensor, gradient: (BatchNorm.TangentVector, Tensor)) {
        let (value, pullback) = valueWithPullback(at: layer, x, of: loss)
        return (value, pullback(Tensor(1)))
    }

    private func assertEqual(_ tensor: Tensor, _ expected: [Float], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(tensor.count, expected.count, file: file, line: line)
        for (value, e) in zip(tensor.scalars, expected) { XCTAssertEqual(value, e, accuracy: 1e-6, file: file, line: line) }
    }
}
