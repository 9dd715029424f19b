import _Differentiation
import Randomness
import TensorCore
import XCTest
@testable import NeuralLayers

final class TemporalBlockTests: XCTestCase {
    private func context(_ phase: LearningPhase, seed: UInt64 = 1) -> ForwardContext {
        ForwardContext(phase: phase, generator: SeededGeneratorBox(seed: seed))
    }

    func testForwardMatchesHandComputedValues() {
        // One channel, k 2, dilation 1, no skip convolution. x = [1, −2, 3]:
        // conv1 = x[t−1] + x[t] = [1, −1, 1] → relu [1, 0, 1];
        // conv2 = 2·h[t−1] − h[t] + 0.5 = [−0.5, 2.5, −0.5] → relu [0, 2.5, 0];
        // out = relu(x + F) = [1, 0.5, 3].
        let block = TemporalBlock(
            conv1: CausalConv1D(filter: Tensor(shape: [2, 1, 1], scalars: [1, 1]), bias: .zeros([1]), activation: .relu),
            conv2: CausalConv1D(filter: Tensor(shape: [2, 1, 1], scalars: [2, -1]), bias: Tensor(shape: [1], scalars: [0.5]),
                                activation: .relu),
            skip: nil)
        let output = block(Tensor(shape: [1, 3, 1], scalars: [1, -2, 3]), in: context(.inference))
        XCTAssertEqual(output.scalars, [1, 0.5, 3])
    }

    func testTheSkipConvolutionMatchesChannelCounts() {
        // Zero convolutions make F(x) = 0, so the block is relu(skip(x)): skip = [x, −x] + [0, 1].
        let zeroConv1 = CausalConv1D(filter: .zeros([3, 1, 2]), bias: .zeros([2]), dilation: 2, activation: .relu)
        let zeroConv2 = CausalConv1D(filter: .zeros([3, 2, 2]), bias: .zeros([2]), dilation: 2, activation: .relu)
        let skip = CausalConv1D(filter: Tensor(shape: [1, 1, 2], scalars: [1, -1]), bias: Tensor(shape: [2], scalars: [0, 1]))
        let block = TemporalBlock(conv1: zeroConv1, conv2: zeroConv2, skip: skip)
        let output = block(Tensor(shape: [1, 3, 1], scalars: [2, -0.5, 0.25]), in: context(.inference))
        XCTAssertEqual(output.shape, [1, 3, 2])
        XCTAssertEqual(output.scalars, [2, 0, 0, 1.5, 0.25, 0.75])
    }

    func testParametersListTheSkipConvolutionOnlyWhenChannelsDiffer() {
        var generator = SeededGenerator(seed: 1)
        let widening = TemporalBlock(inputChannels: 2, outputChannels: 4, kernelSize: 4, dilation: 8, generator: &generator)
        let keeping = TemporalBlock(inputChannels: 4, outputChannels: 4, kernelSize: 4, dilation: 8, generator: &generator)
        XCTAssertEqual(TemporalBlock.parameterPaths.map(\.name),
                       ["conv1.filter", "conv1.bias", "conv2.filter", "conv2.bias", "skip.filter", "skip.bias"])
        XCTAssertTrue(widening.hasSkipConvolution)
        XCTAssertFalse(keeping.hasSkipConvolution)
        XCTAssertEqual(widening.parameterCount, (4 * 2 * 4 + 4) + (4 * 4 * 4 + 4) + (2 * 4 + 4))
        XCTAssertEqual(keeping.parameterCount, 2 * (4 * 4 * 4 + 4))
        XCTAssertEqual(keeping.receptiveField, 2 * 3 * 8 + 1)
    }

    func testOutputsDoNotDependOnLaterInputs() {
        var generator = SeededGenerator(seed: 2)
        let block = TemporalBlock(inputChannels: 2, outputChannels: 3, kernelSize: 4, dilation: 2, generator: &generator)
        let input = Tensor.randomNormal([1, 24, 2], using: &generator)
        let output = block(input, in: context(.inference))
        var changed = input
        for i in (13 * 2)..<(24 * 2) { changed.scalars[i] -= 2 }
        let changedOutput = block(changed, in: context(.inference))
        XCTAssertEqual(Array(changedOutput.scalars[0..<(13 * 3)]), Array(output.scalars[0..<(13 * 3)]))
        XCTAssertNotEqual(Array(changedOutput.scalars[(13 * 3)...]), Array(output.scalars[(13 * 3)...]))
    }

    func testDropoutActsOnlyInTrainingAndFollowsTheSeed() {
        var generator = SeededGenerator(seed: 3)
        let block = TemporalBlock(inputChannels: 3, outputChannels: 3, kernelSize: 3, dilation: 1, dropoutRate: 0.5,
                                  generator: &generator)
        let input = Tensor.randomNormal([2, 10, 3], using: &generator)
        let deterministic = TemporalBlock(conv1: block.conv1, conv2: block.conv2, skip: nil)
        XCTAssertEqual(block(input, in: context(.inference)), deterministic(input, in: context(.training)))
        let dropped = block(input, in: context(.training, seed: 7))
        XCTAssertEqual(block(input, in: context(.training, seed: 7)), dropped)
        XCTAssertNotEqual(dropped, block(input, in: context(.inference)))
    }

    func testGradientsMatchFiniteDifferencesWithAndWithoutSkipConvolution() {
        var generator = SeededGenerator(seed: 22)
        for (inputChannels, dropoutRate) in [(2, Float(0)), (4, 0), (2, 0.2)] {
            var block = TemporalBlock(inputChannels: inputChannels, outputChannels: 4, kernelSize: 3, dilation: 2,
                                      dropoutRate: dropoutRate, generator: &generator)
            block.conv1.bias = Tensor.randomNormal([4], using: &generator)
            block.conv2.bias = Tensor.randomNormal([4], using: &generator)
            let x = Tensor.randomNormal([1, 8, inputChannels], using: &generator)
            let label = "\(inputChannels) → 4, dropout \(dropoutRate)"
            // A finite difference across a relu kink measures nothing; with the step 1e-3 no
            // pre-activation may lie within reach of one (a perturbation moves them by ≲ 5e-3).
            let margin = smallestPreActivation(of: block, at: x, in: context(.training, seed: 5))
            XCTAssertGreaterThan(margin, 2e-2, label)
            // A fresh stream per evaluation draws the same dropout masks every time. The calls
            // are written out rather than through a two-argument differentiable closure value:
            // Swift 6.3 returns the wrong tangent when such a value is differentiated with
            // respect to its second argument only.
            let r = GradientCheck.projection(like: block(x, in: context(.training, seed: 5)))
            let results = GradientCheck.parameters(of: block, loss: { ($0(x, in: self.context(.training, seed: 5)) * r).sum() },
                                                   step: 1e-3)
            for result in results {
                XCTAssertLessThan(result.relativeError, 5e-3, "\(label) \(result)")
            }
            let inputCheck = GradientCheck.input(of: { block($0, in: self.context(.training, seed: 5)) }, at: x, step: 1e-3)
            XCTAssertLessThan(inputCheck.relativeError, 5e-3, "\(label) \(inputCheck)")
        }
    }

    /// The smallest |value| entering any of the block's three relus.
    private func smallestPreActivation(of block: TemporalBlock, at x: Tensor, in context: ForwardContext) -> Float {
        let first = addingBias(causalConv1D(x, filter: block.conv1.filter, dilation: block.dilation), block.conv1.bias)
        let hidden = block.dropout(relu(first), in: context)
        let second = addingBias(causalConv1D(hidden, filter: block.conv2.filter, dilation: block.dilation), block.conv2.bias)
        let residual = (block.hasSkipConvolution ? block.skip(x) : x) + block.dropout(relu(second), in: context)
        return [first, second, residual].map { $0.scalars.map(abs).min()! }.min()!
    }
}
