import _Differentiation
import Randomness
import TensorCore
import XCTest
@testable import NeuralLayers

final class ConvolutionTests: XCTestCase {
    // MARK: Forward values

    func testConv2DForwardMatchesHandComputedValues() {
        // 3×3 image 1…9, 2×2 filter [[1, 2], [3, 4]], no padding: each output is
        // 1·x[i,j] + 2·x[i,j+1] + 3·x[i+1,j] + 4·x[i+1,j+1].
        let image = Tensor(shape: [1, 3, 3, 1], scalars: (1...9).map(Float.init))
        let filter = Tensor(shape: [2, 2, 1, 1], scalars: [1, 2, 3, 4])
        let output = conv2D(image, filter: filter, stride: 1, padding: 0)
        XCTAssertEqual(output.shape, [1, 2, 2, 1])
        XCTAssertEqual(output.scalars, [37, 47, 67, 77])
    }

    func testStridedPaddedConvolutionMixesChannelsAsTheFilterSays() {
        // Channel 1 is ten times channel 0. A 3×3 box filter, padding 1, stride 2 on a 3×3
        // image sums the 2×2 corners around centres (0,0), (0,2), (2,0), (2,2): 12, 16, 24, 28
        // for channel 0. Output 0 reads channel 0 plus half of channel 1, output 1 channel 1.
        let plane = (1...9).map(Float.init)
        let image = Tensor(shape: [1, 3, 3, 2], scalars: plane.flatMap { [$0, 10 * $0] })
        var taps = [Float]()
        for _ in 0..<9 { taps += [1, 0, 0.5, 1] }  // [cin][cout] per tap: (0,0) (0,1) (1,0) (1,1)
        let layer = Conv2D(filter: Tensor(shape: [3, 3, 2, 2], scalars: taps),
                           bias: Tensor(shape: [2], scalars: [0, -100]), stride: 2)
        let output = layer(image)
        XCTAssertEqual(output.shape, [1, 2, 2, 2])
        XCTAssertEqual(output.scalars, [72, 20, 96, 60, 144, 140, 168, 180])
    }

    func testTransposedConvolutionPlacesTheFilterAtTwiceEachInputPosition() {
        // Stride 2, k 3, padding 1, output padding 1: 2×2 → 4×4. Input (oy, ox) adds
        // y·w[ky, kx] at (2oy − 1 + ky, 2ox − 1 + kx). A 1 at (0, 0) writes w[1…2, 1…2] into
        // the top-left 2×2; a 2 at (1, 1) writes 2·w into rows and columns 1…3.
        let w = (1...9).map(Float.init)
        let input = Tensor(shape: [1, 2, 2, 1], scalars: [1, 0, 0, 2])
        let output = transposedConv2D(input, filter: Tensor(shape: [3, 3, 1, 1], scalars: w),
                                      stride: 2, padding: 1, outputPadding: 1)
        XCTAssertEqual(output.shape, [1, 4, 4, 1])
        var expected = [Float](repeating: 0, count: 16)
        for (iy, ix) in [(0, 0), (0, 1), (1, 0), (1, 1)] { expected[iy * 4 + ix] += w[(iy + 1) * 3 + ix + 1] }
        for ky in 0..<3 { for kx in 0..<3 { expected[(1 + ky) * 4 + 1 + kx] += 2 * w[ky * 3 + kx] } }
        XCTAssertEqual(output.scalars, expected)
    }

    func testCausalConvolutionReadsOnlyThePast() {
        // k 2, dilation 2: y[t] = 1·x[t − 2] + 10·x[t], with x before 0 reading zero.
        let input = Tensor(shape: [1, 5, 1], scalars: [1, 2, 3, 4, 5])
        let output = causalConv1D(input, filter: Tensor(shape: [2, 1, 1], scalars: [1, 10]), dilation: 2)
        XCTAssertEqual(output.shape, [1, 5, 1])
        XCTAssertEqual(output.scalars, [10, 20, 31, 42, 53])
    }

    func testPointwiseCausalConvolutionIsAMatrixProduct() {
        var generator = SeededGenerator(seed: 3)
        let layer = CausalConv1D(kernelSize: 1, inputChannels: 3, outputChannels: 4, generator: &generator)
        let input = Tensor.randomNormal([2, 5, 3], using: &generator)
        let expected = addingBias(matmul(input, layer.filter.reshaped(to: [3, 4])), layer.bias)
        XCTAssertEqual(layer(input).scalars, expected.scalars)
    }

    // MARK: Shapes of the papers' layers

    func testStridesGiveTheShapesOfTables14And16() {
        var generator = SeededGenerator(seed: 1)
        let shapes: [(layer: Conv2D, input: [Int], output: [Int])] = [
            (Conv2D(kernelSize: 3, inputChannels: 1, outputChannels: 4, generator: &generator), [2, 28, 28, 1], [2, 28, 28, 4]),
            (Conv2D(kernelSize: 3, inputChannels: 4, outputChannels: 4, stride: 2, generator: &generator), [2, 28, 28, 4], [2, 14, 14, 4]),
            (Conv2D(kernelSize: 7, inputChannels: 2, outputChannels: 3, stride: 2, generator: &generator), [1, 96, 96, 2], [1, 48, 48, 3]),
            (Conv2D(kernelSize: 7, inputChannels: 3, outputChannels: 3, stride: 2, generator: &generator), [1, 12, 12, 3], [1, 6, 6, 3]),
        ]
        for (layer, input, output) in shapes {
            XCTAssertEqual(layer(Tensor.zeros(input)).shape, output)
        }
        let transposedShapes: [(layer: ConvTranspose2D, input: [Int], output: [Int])] = [
            (ConvTranspose2D(kernelSize: 3, inputChannels: 4, outputChannels: 4, generator: &generator), [2, 14, 14, 4], [2, 14, 14, 4]),
            (ConvTranspose2D(kernelSize: 3, inputChannels: 4, outputChannels: 3, stride: 2, generator: &generator), [2, 14, 14, 4], [2, 28, 28, 3]),
            (ConvTranspose2D(kernelSize: 7, inputChannels: 3, outputChannels: 2, stride: 2, generator: &generator), [1, 6, 6, 3], [1, 12, 12, 2]),
            (ConvTranspose2D(kernelSize: 7, inputChannels: 3, outputChannels: 2, stride: 2, generator: &generator), [1, 48, 48, 3], [1, 96, 96, 2]),
            (ConvTranspose2D(kernelSize: 7, inputChannels: 3, outputChannels: 2, generator: &generator), [1, 96, 96, 3], [1, 96, 96, 2]),
        ]
        for (layer, input, output) in transposedShapes {
            XCTAssertEqual(layer(Tensor.zeros(input)).shape, output)
        }
    }

    func testGlorotLimitUsesKernelAreaTimesChannels() {
        var generator = SeededGenerator(seed: 2)
        let layer = Conv2D(kernelSize: 3, inputChannels: 4, outputChannels: 8, generator: &generator)
        let limit = (6 / Float(9 * 4 + 9 * 8)).squareRoot()
        let largest = layer.filter.scalars.map(abs).max()!
        XCTAssertLessThanOrEqual(largest, limit)
        XCTAssertGreaterThan(largest, 0.9 * limit)
        XCTAssertEqual(layer.bias.scalars, [Float](repeating: 0, count: 8))
    }

    // MARK: Adjoint

    func testTransposedConvolutionIsTheAdjointOfConvolution() {
        // ⟨conv(x), y⟩ = ⟨x, convᵀ(y)⟩ with the same filter, for every stride, kernel and size
        // used (including an odd size, where output padding 0 maps 4 back onto 7).
        var generator = SeededGenerator(seed: 5)
        let cases: [(size: Int, kernel: Int, stride: Int, outputPadding: Int)] = [
            (6, 3, 1, 0), (8, 3, 2, 1), (7, 3, 2, 0), (12, 7, 2, 1), (9, 7, 1, 0),
        ]
        for (size, kernel, stride, outputPadding) in cases {
            let padding = (kernel - 1) / 2
            let x = Tensor.randomNormal([2, size, size, 3], using: &generator)
            let filter = Tensor.randomNormal([kernel, kernel, 3, 4], using: &generator)
            let convolved = conv2D(x, filter: filter, stride: stride, padding: padding)
            let y = Tensor.randomNormal(convolved.shape, using: &generator)
            let adjoint = transposedConv2D(y, filter: filter, stride: stride, padding: padding,
                                           outputPadding: outputPadding)
            XCTAssertEqual(adjoint.shape, x.shape)
            let lhs = dot(convolved, y), rhs = dot(x, adjoint)
            XCTAssertEqual(lhs, rhs, accuracy: 1e-5 * max(abs(lhs), 1), "size \(size) k \(kernel) s \(stride)")
        }
    }

    func testTransposedConv1DIsTheAdjointOfConv1DAndClosesTheStridedLengths() {
        // ⟨conv(x), y⟩ = ⟨x, convᵀ(y)⟩; stride 2 with output padding 1 doubles a length, 0 maps
        // an odd length back (9 → 5 → 9).
        var generator = SeededGenerator(seed: 6)
        for (length, kernel, stride, outputPadding) in [(8, 3, 2, 1), (9, 3, 2, 0), (10, 5, 1, 0)] {
            let padding = (kernel - 1) / 2
            let x = Tensor.randomNormal([2, length, 3], using: &generator)
            let filter = Tensor.randomNormal([kernel, 3, 4], using: &generator)
            let convolved = conv1D(x, filter: filter, stride: stride, padding: padding)
            XCTAssertEqual(convolved.shape, [2, (length + 2 * padding - kernel) / stride + 1, 4])
            let y = Tensor.randomNormal(convolved.shape, using: &generator)
            let adjoint = transposedConv1D(y, filter: filter, stride: stride, padding: padding, outputPadding: outputPadding)
            XCTAssertEqual(adjoint.shape, x.shape)
            let lhs = dot(convolved, y), rhs = dot(x, adjoint)
            XCTAssertEqual(lhs, rhs, accuracy: 1e-5 * max(abs(lhs), 1), "length \(length) k \(kernel) s \(stride)")
        }
        // Six doublings of the Arrhythmia decoder: 4 → 256.
        var length = 4
        for _ in 0..<6 {
            let layer = ConvTranspose1D(kernelSize: 3, inputChannels: 1, outputChannels: 1, stride: 2, generator: &generator)
            XCTAssertEqual(layer.outputLength(forInput: length), 2 * length)
            length *= 2
        }
        XCTAssertEqual(length, 256)
    }

    func testConv1DForwardMatchesHandComputedValues() {
        // x = [1, 2, 3, 4], filter [1, 0, −1], stride 2, padding 1: windows [0,1,2] and [2,3,4]
        // give 0·1 + 1·0 + 2·(−1) = −2 and 2 − 4 = −2; bias 0.5.
        let layer = Conv1D(filter: Tensor(shape: [3, 1, 1], scalars: [1, 0, -1]), bias: Tensor(shape: [1], scalars: [0.5]),
                           stride: 2)
        XCTAssertEqual(layer(Tensor(shape: [1, 4, 1], scalars: [1, 2, 3, 4])).scalars, [-1.5, -1.5])
    }

    // MARK: Causality

    func testCausalConvolutionOutputsDoNotDependOnLaterInputs() {
        var generator = SeededGenerator(seed: 9)
        for dilation in [1, 2, 4] {
            let layer = CausalConv1D(kernelSize: 4, inputChannels: 2, outputChannels: 3, dilation: dilation,
                                     generator: &generator)
            let input = Tensor.randomNormal([2, 20, 2], using: &generator)
            let output = layer(input)
            for t in [0, 5, 13] {
                var changed = input
                for step in (t + 1)..<20 { for c in 0..<2 { for n in 0..<2 { changed.scalars[(n * 20 + step) * 2 + c] += 3 } } }
                let changedOutput = layer(changed)
                for n in 0..<2 {
                    let upToT = (n * 20 * 3)..<((n * 20 + t + 1) * 3)
                    XCTAssertEqual(Array(changedOutput.scalars[upToT]), Array(output.scalars[upToT]), "d \(dilation) t \(t)")
                }
                // The step right after t does change: the check can fail.
                let next = (t + 1) * 3
                XCTAssertNotEqual(Array(changedOutput.scalars[next..<(next + 3)]), Array(output.scalars[next..<(next + 3)]))
            }
            // Step t sees exactly (k − 1)·d + 1 steps back: a change there reaches it, one further does not.
            let t = 15
            var atEdge = input, beyondEdge = input
            atEdge.scalars[(t - 3 * dilation) * 2] += 1
            beyondEdge.scalars[(t - 3 * dilation - 1) * 2] += 1
            XCTAssertNotEqual(layer(atEdge).scalars[t * 3], output.scalars[t * 3])
            XCTAssertEqual(layer(beyondEdge).scalars[t * 3], output.scalars[t * 3])
        }
    }

    // MARK: Gradients

    func testConv2DGradientsMatchFiniteDifferences() {
        var generator = SeededGenerator(seed: 11)
        for stride in [1, 2] {
            let layer = Conv2D(kernelSize: 3, inputChannels: 3, outputChannels: 4, stride: stride,
                               activation: .tanh, generator: &generator)
            let x = Tensor.randomNormal([2, 7, 6, 3], using: &generator)
            assertGradientsMatch(layer, at: x, label: "Conv2D stride \(stride)")
        }
    }

    func testConvTranspose2DGradientsMatchFiniteDifferences() {
        var generator = SeededGenerator(seed: 12)
        for stride in [1, 2] {
            let layer = ConvTranspose2D(kernelSize: 3, inputChannels: 3, outputChannels: 2, stride: stride,
                                        activation: .tanh, generator: &generator)
            let x = Tensor.randomNormal([2, 4, 5, 3], using: &generator)
            assertGradientsMatch(layer, at: x, label: "ConvTranspose2D stride \(stride)")
        }
    }

    func testCausalConv1DGradientsMatchFiniteDifferences() {
        var generator = SeededGenerator(seed: 13)
        for dilation in [2, 4] {
            let layer = CausalConv1D(kernelSize: 4, inputChannels: 3, outputChannels: 5, dilation: dilation,
                                     activation: .tanh, generator: &generator)
            let x = Tensor.randomNormal([2, 16, 3], using: &generator)
            assertGradientsMatch(layer, at: x, label: "CausalConv1D dilation \(dilation)")
        }
    }

    func testConv1DAndConvTranspose1DGradientsMatchFiniteDifferences() {
        var generator = SeededGenerator(seed: 15)
        for stride in [1, 2] {
            let conv = Conv1D(kernelSize: 3, inputChannels: 3, outputChannels: 4, stride: stride, activation: .tanh,
                              generator: &generator)
            assertGradientsMatch(conv, at: Tensor.randomNormal([2, 9, 3], using: &generator), label: "Conv1D stride \(stride)")
            let transposed = ConvTranspose1D(kernelSize: 3, inputChannels: 3, outputChannels: 2, stride: stride,
                                             activation: .tanh, generator: &generator)
            assertGradientsMatch(transposed, at: Tensor.randomNormal([2, 5, 3], using: &generator),
                                 label: "ConvTranspose1D stride \(stride)")
        }
    }

    func testAGradientCheckCatchesAFlippedFilter() {
        // The checks above must be able to fail: the gradient of the filter flipped in space
        // is the gradient of the wrong (true-convolution) ordering of taps.
        var generator = SeededGenerator(seed: 14)
        let x = Tensor.randomNormal([1, 5, 5, 2], using: &generator)
        let filter = Tensor.randomNormal([3, 3, 2, 2], using: &generator)
        let r = GradientCheck.projection(like: conv2D(x, filter: filter, padding: 1))
        let right = gradient(at: filter) { (conv2D(x, filter: $0, padding: 1) * r).sum() }
        let flipped = Tensor(shape: right.shape, unsafeUninitialized: { out in
            for ky in 0..<3 { for kx in 0..<3 { for j in 0..<4 {
                out[(ky * 3 + kx) * 4 + j] = right.scalars[((2 - ky) * 3 + (2 - kx)) * 4 + j]
            } } }
        })
        let wrong = GradientCheck.compare(analytic: flipped, at: filter, step: 1e-2, maxElements: 36, label: "flipped") {
            (conv2D(x, filter: $0, padding: 1) * r).sum().scalar
        }
        XCTAssertGreaterThan(wrong.relativeError, 0.1)
    }

    // MARK: Chunking and threads

    func testCol2imEqualsTheNaiveScatterAddBitForBit() {
        // The adjoint of im2col written out value by value, visiting the column entries in the
        // same (sample, oy, ox, ky, kx, channel) order: the vectorised col2im must match it
        // exactly, with 20 channels (a vector of 16 and a tail of 4) and border taps.
        var generator = SeededGenerator(seed: 21)
        for stride in [1, 2] {
            let g = ConvolutionGeometry.symmetric(inputHeight: 7, inputWidth: 6, inputChannels: 20,
                                                  kernelHeight: 3, kernelWidth: 3, stride: stride, padding: 1)
            let samples = 2
            let columns = Tensor.randomNormal([samples * g.outputPositions, g.patchSize], using: &generator)
            var expected = [Float](repeating: 0, count: samples * g.inputImageSize)
            var entry = 0
            for n in 0..<samples {
                for oy in 0..<g.outputHeight {
                    for ox in 0..<g.outputWidth {
                        for ky in 0..<3 {
                            for kx in 0..<3 {
                                let (iy, ix) = (oy * stride - 1 + ky, ox * stride - 1 + kx)
                                for c in 0..<20 {
                                    if iy >= 0 && iy < 7 && ix >= 0 && ix < 6 {
                                        expected[n * g.inputImageSize + (iy * 6 + ix) * 20 + c] += columns.scalars[entry]
                                    }
                                    entry += 1
                                }
                            }
                        }
                    }
                }
            }
            var image = [Float](repeating: 0, count: samples * g.inputImageSize)
            columns.scalars.withUnsafeBufferPointer { source in
                image.withUnsafeMutableBufferPointer { target in
                    ColumnLowering.col2im(source.baseAddress!, samples: samples, g, addingInto: target.baseAddress!)
                }
            }
            XCTAssertEqual(image, expected, "stride \(stride)")
        }
    }

    func testChunkingAndThreadsLeaveTheResultsUnchanged() {
        // The chunk size changes only the rounding: of the filter gradient's sums, and, with
        // OpenBLAS's Haswell and Zen kernels, of every product (their sums depend on a
        // product's row count). The thread count changes nothing (the chunks do not depend on
        // it, and col2im never lets two threads add into the same value), and repeated runs are
        // bit-identical. Six output channels, so the lowering runs rather than
        // `NarrowOutputConvolution`.
        var generator = SeededGenerator(seed: 15)
        let x = Tensor.randomNormal([5, 9, 8, 3], using: &generator)
        let filter = Tensor.randomNormal([3, 3, 3, 6], using: &generator)
        let r = GradientCheck.projection(like: conv2D(x, filter: filter, stride: 2, padding: 1))
        func run() -> [Tensor] {
            let (value, pullback) = valueWithPullback(at: x, filter) { x, filter in
                (conv2D(x, filter: filter, stride: 2, padding: 1) * r).sum()
            }
            let (dx, dFilter) = pullback(Tensor(1))
            let transposedValue = transposedConv2D(r, filter: filter, stride: 2, padding: 1, outputPadding: 0)
            return [conv2D(x, filter: filter, stride: 2, padding: 1), value, dx, transposedValue, dFilter]
        }
        let saved = (ConvolutionKernels.columnBudget, ConvolutionKernels.coreColumnBudget, ColumnLowering.workerCount)
        defer { (ConvolutionKernels.columnBudget, ConvolutionKernels.coreColumnBudget, ColumnLowering.workerCount) = saved }
        let geometry = ConvolutionGeometry.symmetric(inputHeight: 9, inputWidth: 8, inputChannels: 3,
                                                     kernelHeight: 3, kernelWidth: 3, stride: 2, padding: 1)
        XCTAssertFalse(ConvolutionKernels.skipsLowering(geometry, outputChannels: 6))
        let perSample = 5 * 4 * 27
        XCTAssertEqual(geometry.outputPositions * geometry.patchSize, perSample)
        var wholeBatch: [Tensor]?
        for budget in [perSample, 2 * perSample, 1 << 24] {
            (ConvolutionKernels.columnBudget, ConvolutionKernels.coreColumnBudget) = (budget, budget)
            XCTAssertEqual(ConvolutionKernels.samplesPerChunk(geometry, batch: 5), min(5, budget / perSample))
            XCTAssertEqual(ConvolutionKernels.samplesPerCoreChunk(geometry, batch: 5), min(3, budget / perSample),
                           "at least two chunks")
            ColumnLowering.workerCount = 1
            let serial = run()
            ColumnLowering.workerCount = 2
            XCTAssertEqual(run(), serial, "budget \(budget)")
            XCTAssertEqual(run(), serial, "budget \(budget), second run")
            if let reference = wholeBatch {
                for (chunked, whole) in zip(serial, reference) {
                    let gap = zip(chunked.scalars, whole.scalars).map { abs($0 - $1) }.max()!
                    XCTAssertLessThan(gap, 1e-4, "budget \(budget)")
                }
            } else {
                wholeBatch = serial
            }
        }
    }

    // MARK: Narrow outputs

    func testNarrowOutputsMatchTheLoweredProducts() {
        // Layers with at most four output channels skip im2col (`NarrowOutputConvolution`). Their
        // three products must agree with the lowered ones: the input gradient bit for bit with one
        // output channel (one term per column entry, added in col2im's order), otherwise within
        // float rounding (the terms are added in another order than OpenBLAS's). Twenty or
        // seventeen input channels are a vector of sixteen and a tail; the geometries cover
        // padding, a stride, and a dilated causal one padded on one side only.
        var generator = SeededGenerator(seed: 23)
        let image7x6 = { (channels: Int, stride: Int) in
            ConvolutionGeometry.symmetric(inputHeight: 7, inputWidth: 6, inputChannels: channels, kernelHeight: 3,
                                          kernelWidth: 3, stride: stride, padding: 1)
        }
        let cases: [(ConvolutionGeometry, outputChannels: Int)] = [
            (image7x6(20, 1), 1),
            (image7x6(20, 2), 3),
            (.causal(length: 11, inputChannels: 17, kernelSize: 3, dilation: 2), 4),
        ]
        let saved = (ConvolutionKernels.narrowOutputsSkipLowering, ColumnLowering.workerCount)
        defer { (ConvolutionKernels.narrowOutputsSkipLowering, ColumnLowering.workerCount) = saved }
        for (g, outputChannels) in cases {
            let label = "\(g.inputHeight)×\(g.inputWidth)×\(g.inputChannels) → \(outputChannels)"
            ConvolutionKernels.narrowOutputsSkipLowering = true
            XCTAssertTrue(ConvolutionKernels.skipsLowering(g, outputChannels: outputChannels), label)
            let batch = 3
            let image = Tensor.randomNormal([batch, g.inputHeight, g.inputWidth, g.inputChannels], using: &generator)
            let filter = Tensor.randomNormal([g.patchSize, outputChannels], using: &generator)
            let dy = Tensor.randomNormal([batch, g.outputHeight, g.outputWidth, outputChannels], using: &generator)
            func products() -> [Tensor] {
                [ConvolutionKernels.forward(image: image, filter: filter, g),
                 ConvolutionKernels.inputGradient(outputGradient: dy, filter: filter, g),
                 ConvolutionKernels.filterGradient(image: image, outputGradient: dy, g)]
            }
            ConvolutionKernels.narrowOutputsSkipLowering = false
            let lowered = products()
            ConvolutionKernels.narrowOutputsSkipLowering = true
            ColumnLowering.workerCount = 1
            let direct = products()
            ColumnLowering.workerCount = 2
            XCTAssertEqual(products(), direct, "\(label): the thread count changes nothing")
            for (name, (ours, reference)) in zip(["forward", "input gradient", "filter gradient"], zip(direct, lowered)) {
                XCTAssertEqual(ours.shape, reference.shape, "\(label) \(name)")
                let gap = zip(ours.scalars, reference.scalars).map { abs($0 - $1) }.max()!
                let scale = max(1, reference.scalars.map(abs).max()!)
                XCTAssertLessThanOrEqual(gap, 1e-5 * scale, "\(label) \(name)")
            }
            if outputChannels == 1 {
                XCTAssertEqual(direct[1], lowered[1], "\(label): input gradient bit for bit")
            }
        }
        // Wider outputs (a first layer's narrow input included), and pointwise layers (no
        // lowering to skip), keep the product.
        XCTAssertFalse(ConvolutionKernels.skipsLowering(image7x6(8, 1), outputChannels: 5))
        XCTAssertFalse(ConvolutionKernels.skipsLowering(image7x6(1, 1), outputChannels: 64))
        let pointwise = ConvolutionGeometry.symmetric(inputHeight: 5, inputWidth: 5, inputChannels: 8, kernelHeight: 1,
                                                      kernelWidth: 1, stride: 1, padding: 0)
        XCTAssertFalse(ConvolutionKernels.skipsLowering(pointwise, outputChannels: 1))
    }

    // MARK: Helpers

    private func dot(_ a: Tensor, _ b: Tensor) -> Double {
        zip(a.scalars, b.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    private func assertGradientsMatch<L: Layer>(_ layer: L, at x: Tensor, label: String,
                                                file: StaticString = #filePath, line: UInt = #line)
        where L.Input == Tensor, L.Output == Tensor {
        let r = GradientCheck.projection(like: layer(x))
        for result in GradientCheck.parameters(of: layer, loss: { ($0(x) * r).sum() }) {
            XCTAssertLessThan(result.relativeError, 5e-3, "\(label) \(result)", file: file, line: line)
        }
        let inputCheck = GradientCheck.input(of: { layer($0) }, at: x)
        XCTAssertLessThan(inputCheck.relativeError, 5e-3, "\(label) \(inputCheck)", file: file, line: line)
    }
}
