import TensorCore

/// The three products of a convolution with at most four output channels (a decoder's last
/// layer: Table 14's 64 → 1 Bernoulli logits), computed from the image itself instead of
/// through im2col.
///
/// Lowering pays when each column entry meets many filters: a 3×3 64 → 64 layer multiplies it
/// by 64. With one output channel each entry is used once, so writing the column matrix (nine
/// times the image: 180 MB for Table 14's last layer at batch 100) and OpenBLAS's packing of it
/// cost far more than the arithmetic (docs/DESIGN.md, "Convolutions"). Here every output
/// position reads its patch straight from the image, each tap's `cin` channels sixteen at a time.
///
/// With `P = kh·kw·cin` and the filter read as `[P, cout]`, as in `ConvolutionKernels`:
///
///     forward          y[n, oy, ox, o] = Σ_taps Σ_c x[n, iy, ix, c] · W[(tap, c), o]
///     input gradient   dx[n, iy, ix, c] = Σ_(positions reading it) Σ_o dy[n, oy, ox, o] · W[(tap, c), o]
///     filter gradient  dW[(tap, c), o] = Σ_n (Σ_(oy, ox) x[n, iy, ix, c] · dy[n, oy, ox, o])
///
/// Samples are split over the cores; each sample's values, and each sample's share of the filter
/// gradient, are computed by one thread in a fixed order, and the shares are added in sample
/// order, so every result is bit-identical for any thread count. With one output channel the
/// input gradient is also bit-identical to the lowered one (each column entry `dy · W` is a
/// single product, and each pixel takes its terms in the order col2im adds them); the forward
/// and the filter gradient add their terms in another order than OpenBLAS does, so their last
/// bits differ from the lowered products.
enum NarrowOutputConvolution {
    /// The widest output this path takes; wider layers reuse each column entry enough for
    /// lowering and one product to win.
    static let maximumOutputChannels = 4

    static func applies(_ g: ConvolutionGeometry, outputChannels: Int) -> Bool {
        // A pointwise geometry has no lowering to avoid: its image is its column matrix.
        outputChannels <= maximumOutputChannels && !g.isPointwise
    }

    /// image `[batch, H, W, cin]`, filter `[P, cout]` → `[batch, oH, oW, cout]`.
    static func forward(image: Tensor, filter: Tensor, _ g: ConvolutionGeometry) -> Tensor {
        let batch = image.count / g.inputImageSize, outputChannels = filter.columns
        let outputSize = g.outputPositions * outputChannels
        let filters = filtersByOutput(filter, g)
        return Tensor(shape: [batch, g.outputHeight, g.outputWidth, outputChannels], unsafeUninitialized: { out in
            image.scalars.withUnsafeBufferPointer { x in
                filters.withUnsafeBufferPointer { w in
                    ColumnLowering.forEachPart(of: batch) { samples in
                        for n in samples {
                            forward(sample: x.baseAddress! + n * g.inputImageSize, filters: w.baseAddress!,
                                    outputChannels: outputChannels, g, into: out.baseAddress! + n * outputSize)
                        }
                    }
                }
            }
        })
    }

    /// outputGradient `[batch, oH, oW, cout]`, filter `[P, cout]` → `[batch, H, W, cin]`.
    static func inputGradient(outputGradient: Tensor, filter: Tensor, _ g: ConvolutionGeometry) -> Tensor {
        let outputChannels = filter.columns, gradientSize = g.outputPositions * outputChannels
        let batch = outputGradient.count / gradientSize
        let filters = filtersByOutput(filter, g)
        let reaching = DirectConvolution.ReachingTaps(g)
        return Tensor(shape: [batch, g.inputHeight, g.inputWidth, g.inputChannels], unsafeUninitialized: { dx in
            outputGradient.scalars.withUnsafeBufferPointer { dy in
                filters.withUnsafeBufferPointer { w in
                    ColumnLowering.forEachPart(of: batch) { samples in
                        DirectConvolution.withTerms(capacity: g.kernelHeight * g.kernelWidth * outputChannels) { terms in
                            for n in samples {
                                inputGradient(gradient: dy.baseAddress! + n * gradientSize, filters: w.baseAddress!,
                                              outputChannels: outputChannels, g, reaching, terms: terms,
                                              into: dx.baseAddress! + n * g.inputImageSize)
                            }
                        }
                    }
                }
            }
        })
    }

    /// image `[batch, H, W, cin]`, outputGradient `[batch, oH, oW, cout]` → `[P, cout]`.
    static func filterGradient(image: Tensor, outputGradient: Tensor, _ g: ConvolutionGeometry) -> Tensor {
        let batch = image.count / g.inputImageSize, outputChannels = outputGradient.columns
        let gradientSize = g.outputPositions * outputChannels, shareSize = outputChannels * g.patchSize
        // Each sample's share, laid out [cout, P].
        var shares = [Float](repeating: 0, count: batch * shareSize)
        shares.withUnsafeMutableBufferPointer { share in
            image.scalars.withUnsafeBufferPointer { x in
                outputGradient.scalars.withUnsafeBufferPointer { dy in
                    ColumnLowering.forEachPart(of: batch) { samples in
                        DirectConvolution.withTerms(capacity: g.outputPositions) { terms in
                            for n in samples {
                                filterGradientShare(sample: x.baseAddress! + n * g.inputImageSize,
                                                    gradient: dy.baseAddress! + n * gradientSize,
                                                    outputChannels: outputChannels, g, terms: terms,
                                                    into: share.baseAddress! + n * shareSize)
                            }
                        }
                    }
                }
            }
        }
        // The shares' sum is laid out [cout, P]; the filter gradient is [P, cout].
        let total = DirectConvolution.sumOfShares(shares, samples: batch, size: shareSize)
        return Tensor(shape: [g.patchSize, outputChannels], unsafeUninitialized: { dW in
            for p in 0..<g.patchSize {
                for o in 0..<outputChannels { dW[p * outputChannels + o] = total[o * g.patchSize + p] }
            }
        })
    }

    // MARK: One sample

    /// Each output is the dot product of the patch under the kernel with its filter, the taps in
    /// `(ky, kx)` order, sixteen channels per lane vector.
    private static func forward(sample: UnsafePointer<Float>, filters: UnsafePointer<Float>, outputChannels: Int,
                                _ g: ConvolutionGeometry, into output: UnsafeMutablePointer<Float>) {
        var output = output
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                for o in 0..<outputChannels {
                    let filter = filters + o * g.patchSize
                    var lanes = SIMD16<Float>(), tail: Float = 0
                    DirectConvolution.forEachTap(oy: oy, ox: ox, g) { tap, pixel in
                        DirectConvolution.dot(sample + pixel * g.inputChannels, filter + tap * g.inputChannels,
                                              count: g.inputChannels, lanes: &lanes, tail: &tail)
                    }
                    output[o] = lanes.sum() + tail
                }
                output += outputChannels
            }
        }
    }

    /// Gathered pixel by pixel: each input pixel sums the filter runs of the taps that land on
    /// it, each scaled by the gradient of the output position that reads it through that tap,
    /// in the order of those positions (`(oy, ox)` ascending), which is the order col2im adds
    /// them in.
    private static func inputGradient(gradient: UnsafePointer<Float>, filters: UnsafePointer<Float>,
                                      outputChannels: Int, _ g: ConvolutionGeometry,
                                      _ reaching: DirectConvolution.ReachingTaps,
                                      terms: UnsafeMutablePointer<DirectConvolution.Term>,
                                      into target: UnsafeMutablePointer<Float>) {
        let cin = g.inputChannels
        var target = target
        for iy in 0..<g.inputHeight {
            for ix in 0..<g.inputWidth {
                var count = 0
                reaching.forEach(iy: iy, ix: ix) { tap, position in
                    for o in 0..<outputChannels {
                        terms[count] = .init(offset: o * g.patchSize + tap * cin,
                                             scale: gradient[position * outputChannels + o])
                        count += 1
                    }
                }
                DirectConvolution.sumOfScaledRuns(filters, terms, count: count, length: cin, into: target)
                target += cin
            }
        }
    }

    /// Tap by tap and output by output: the filter run is the sum of the image under the tap
    /// over the sample's output positions (ascending), each scaled by that position's gradient.
    private static func filterGradientShare(sample: UnsafePointer<Float>, gradient: UnsafePointer<Float>,
                                            outputChannels: Int, _ g: ConvolutionGeometry,
                                            terms: UnsafeMutablePointer<DirectConvolution.Term>,
                                            into share: UnsafeMutablePointer<Float>) {
        let cin = g.inputChannels
        for tap in 0..<(g.kernelHeight * g.kernelWidth) {
            for o in 0..<outputChannels {
                var count = 0
                DirectConvolution.forEachPosition(tap: tap, g) { position, pixel in
                    terms[count] = .init(offset: pixel * cin, scale: gradient[position * outputChannels + o])
                    count += 1
                }
                DirectConvolution.sumOfScaledRuns(sample, terms, count: count, length: cin,
                                                  into: share + o * g.patchSize + tap * cin)
            }
        }
    }

    /// The filter `[P, cout]` as `cout` contiguous rows of `P`, so that a tap's channels for one
    /// output are adjacent.
    private static func filtersByOutput(_ filter: Tensor, _ g: ConvolutionGeometry) -> [Float] {
        let outputChannels = filter.columns
        var rows = [Float](repeating: 0, count: outputChannels * g.patchSize)
        for p in 0..<g.patchSize {
            for o in 0..<outputChannels { rows[o * g.patchSize + p] = filter.scalars[p * outputChannels + o] }
        }
        return rows
    }
}
