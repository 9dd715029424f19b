import _Differentiation
import Randomness
import TensorCore
import XCTest
@testable import NeuralLayers

/// Winograd's F(4×4, 3×3) against the direct products (im2col and one gemm) it replaces, for
/// every product a convolution and a transposed convolution need; PyTorch's side is in
/// `GoldenTests`.
final class WinogradTests: XCTestCase {
    private let defaultBudgets = (Winograd.transformBudget, Winograd.sharedTransformBudget)

    override func tearDown() {
        Winograd.isEnabled = true
        ColumnLowering.workerCount = 2
        (Winograd.transformBudget, Winograd.sharedTransformBudget) = defaultBudgets
        super.tearDown()
    }

    /// Value, input gradient and filter gradient of `conv2D` and `transposedConv2D` projected
    /// on fixed random tensors.
    private func products(_ x: Tensor, _ filter: Tensor, padding: Int, projection r: Tensor,
                          transposedInput: Tensor, transposedProjection rt: Tensor) -> [Tensor] {
        let (value, pullback) = valueWithPullback(at: x, filter) { x, filter in
            (conv2D(x, filter: filter, stride: 1, padding: padding) * r).sum()
        }
        let (dx, dFilter) = pullback(Tensor(1))
        let transposed = transposedConv2D(transposedInput, filter: filter, stride: 1, padding: padding)
        let (_, transposedPullback) = valueWithPullback(at: transposedInput, filter) { input, filter in
            (transposedConv2D(input, filter: filter, stride: 1, padding: padding) * rt).sum()
        }
        let (dInput, dTransposedFilter) = transposedPullback(Tensor(1))
        return [conv2D(x, filter: filter, stride: 1, padding: padding), value, dx, dFilter,
                transposed, dInput, dTransposedFilter]
    }

    func testWinogradEqualsTheDirectProductsWithinRounding() {
        // Output sizes that fill their tiles and that end one to three outputs into a tile,
        // paddings 0, 1 and 2, unequal channel counts, chunks of two samples (the most a
        // batch of three takes) and of one.
        var generator = SeededGenerator(seed: 31)
        let cases: [(height: Int, width: Int, cin: Int, cout: Int, padding: Int, budget: Int)] = [
            (8, 8, 16, 16, 1, 1 << 20), (7, 5, 20, 16, 1, 1 << 20), (6, 11, 16, 24, 0, 1 << 20),
            (5, 6, 32, 16, 2, 1 << 20), (14, 14, 16, 16, 1, 1 << 20), (9, 6, 16, 16, 1, 1),
        ]
        let names = ["conv", "conv's loss", "conv dx", "conv dW", "transposed", "transposed dx", "transposed dW"]
        for c in cases {
            let x = Tensor.randomNormal([3, c.height, c.width, c.cin], using: &generator)
            let filter = Tensor.randomNormal([3, 3, c.cin, c.cout], using: &generator) * Tensor(0.2)
            let geometry = ConvolutionGeometry.symmetric(inputHeight: c.height, inputWidth: c.width,
                                                         inputChannels: c.cin, kernelHeight: 3, kernelWidth: 3,
                                                         stride: 1, padding: c.padding)
            XCTAssertTrue(Winograd.applies(to: geometry, outputChannels: c.cout))
            let outputShape = [3, geometry.outputHeight, geometry.outputWidth, c.cout]
            let r = Tensor.randomNormal(outputShape, using: &generator)
            let transposedInput = Tensor.randomNormal(outputShape, using: &generator)
            let rt = Tensor.randomNormal(x.shape, using: &generator)
            Winograd.isEnabled = false
            let direct = products(x, filter, padding: c.padding, projection: r, transposedInput: transposedInput,
                                  transposedProjection: rt)
            Winograd.isEnabled = true
            (Winograd.transformBudget, Winograd.sharedTransformBudget) = (c.budget, c.budget)
            let winograd = products(x, filter, padding: c.padding, projection: r, transposedInput: transposedInput,
                                    transposedProjection: rt)
            for (name, (ours, reference)) in zip(names, zip(winograd, direct)) {
                XCTAssertEqual(ours.shape, reference.shape, "\(name) \(c)")
                let scale = max(1, reference.scalars.map(abs).max()!)
                let gap = zip(ours.scalars, reference.scalars).map { abs($0 - $1) }.max()!
                XCTAssertLessThan(gap, 2e-5 * scale, "\(name) \(c)")
            }
        }
    }

    func testWinogradIsBitIdenticalAcrossThreadCountsAndRuns() {
        // The default chunks (two of two samples, and one of the whole batch for the filter
        // gradient), and chunks of one sample: four chunks in two runs, side by side on two
        // cores or one after the other on one.
        var generator = SeededGenerator(seed: 32)
        let x = Tensor.randomNormal([4, 9, 7, 16], using: &generator)
        let filter = Tensor.randomNormal([3, 3, 16, 24], using: &generator)
        let r = Tensor.randomNormal([4, 9, 7, 24], using: &generator)
        let rt = Tensor.randomNormal(x.shape, using: &generator)
        for budget in [defaultBudgets.0, 1] {
            (Winograd.transformBudget, Winograd.sharedTransformBudget) = (budget, budget)
            ColumnLowering.workerCount = 1
            let serial = products(x, filter, padding: 1, projection: r, transposedInput: r, transposedProjection: rt)
            ColumnLowering.workerCount = 2
            XCTAssertEqual(products(x, filter, padding: 1, projection: r, transposedInput: r, transposedProjection: rt),
                           serial, "budget \(budget)")
            XCTAssertEqual(products(x, filter, padding: 1, projection: r, transposedInput: r, transposedProjection: rt),
                           serial, "budget \(budget), second run")
        }
    }

    func testTheComparisonCatchesAWrongTransform() {
        // The bound above must be able to fail: the filter turned by 180° (the input
        // gradient's filter used for the forward) is a convolution of the same size and scale.
        var generator = SeededGenerator(seed: 33)
        let x = Tensor.randomNormal([2, 6, 6, 16], using: &generator)
        let filter = Tensor.randomNormal([3, 3, 16, 16], using: &generator)
        let geometry = ConvolutionGeometry.symmetric(inputHeight: 6, inputWidth: 6, inputChannels: 16,
                                                     kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1)
        let matrix = filter.reshaped(to: [144, 16])
        let turned = Winograd.transformFilter(matrix, inputChannels: 16, turned: true)
        let straight = Winograd.transformFilter(matrix, inputChannels: 16, turned: false)
        XCTAssertNotEqual(turned, straight)
        Winograd.isEnabled = false
        let direct = conv2D(x, filter: filter, stride: 1, padding: 1)
        Winograd.isEnabled = true
        let ours = Winograd.forward(image: x, filter: matrix, geometry)
        let gap = zip(ours.scalars, direct.scalars).map { abs($0 - $1) }.max()!
        let scale = direct.scalars.map(abs).max()!
        XCTAssertLessThan(gap, 2e-5 * scale, "the bound of the equality test above")
        // Turning the filter itself and running the forward must now disagree by far more.
        let turnedFilter = Tensor(shape: [144, 16], scalars: (0..<144 * 16).map { i in
            let (tap, rest) = (i / 256, i % 256)
            return matrix.scalars[(8 - tap) * 256 + rest]
        })
        let wrong = Winograd.forward(image: x, filter: turnedFilter, geometry)
        XCTAssertGreaterThan(zip(wrong.scalars, direct.scalars).map { abs($0 - $1) }.max()!, 0.1 * scale)
    }

    func testOnlyWideThreeByThreeStrideOneConvolutionsTakeThePath() {
        func geometry(kernel: Int = 3, stride: Int = 1, channels: Int = 64, padding: Int = 1) -> ConvolutionGeometry {
            .symmetric(inputHeight: 14, inputWidth: 14, inputChannels: channels, kernelHeight: kernel,
                       kernelWidth: kernel, stride: stride, padding: padding)
        }
        XCTAssertTrue(Winograd.applies(to: geometry(), outputChannels: 64))
        XCTAssertFalse(Winograd.applies(to: geometry(stride: 2), outputChannels: 64))
        XCTAssertFalse(Winograd.applies(to: geometry(kernel: 5, padding: 2), outputChannels: 64))
        XCTAssertFalse(Winograd.applies(to: geometry(channels: 1), outputChannels: 64), "Table 14's first layer")
        XCTAssertFalse(Winograd.applies(to: geometry(), outputChannels: 1), "Table 14's output layer")
        XCTAssertFalse(Winograd.applies(to: geometry(padding: 3), outputChannels: 64))
        XCTAssertFalse(Winograd.applies(to: geometry(channels: 18), outputChannels: 64), "not whole vectors")
        Winograd.isEnabled = false
        XCTAssertFalse(Winograd.applies(to: geometry(), outputChannels: 64))
    }

    func testWinogradLayerGradientsMatchFiniteDifferences() {
        var generator = SeededGenerator(seed: 34)
        let conv = Conv2D(kernelSize: 3, inputChannels: 16, outputChannels: 16, activation: .tanh, generator: &generator)
        let x = Tensor.randomNormal([2, 5, 4, 16], using: &generator)
        let r = GradientCheck.projection(like: conv(x))
        for result in GradientCheck.parameters(of: conv, loss: { ($0(x) * r).sum() }) {
            XCTAssertLessThan(result.relativeError, 5e-3, "\(result)")
        }
        XCTAssertLessThan(GradientCheck.input(of: { conv($0) }, at: x).relativeError, 5e-3)
    }
}
