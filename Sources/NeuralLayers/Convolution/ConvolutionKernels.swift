import TensorCore

/// The three matrix products of a convolution, each one `BLAS.gemm` per chunk of samples.
///
/// With `cols = im2col(x)` of shape `[rows = n·oH·oW, P = kh·kw·cin]` and the filter read as
/// `W: [P, cout]`:
///
///     forward          y  = cols · W                    [rows, cout], already NHWC
///     filter gradient  dW = Σ_chunks colsᵀ · dy          [P, cout]
///     input gradient   dx = col2im(dy · Wᵀ)              [n, H, W, cin]
///
/// A transposed convolution is the same geometry run backwards: its forward is the input
/// gradient and its input gradient is the forward.
///
/// The batch is processed in chunks of whole samples: the whole batch's column matrix would not
/// fit in memory (Table 14's second layer needs 1.8 MB per sample, 180 MB at batch 100).
/// - The forward and the input gradient write each output from one chunk. Each core takes its
///   own run of small chunks (`coreColumnBudget`), lowering and multiplying them with OpenBLAS
///   on one thread, so a chunk's columns are multiplied by the core that wrote them while they
///   are still in its cache (`ColumnLowering.forEachRun`).
/// - The filter gradient sums over every chunk. Its chunks (`columnBudget`) follow one another,
///   each product on all of OpenBLAS's threads, so the order of the sums does not depend on
///   the core count.
/// Either way each value is summed in BLAS's own order and the chunks do not depend on the
/// core count (`ColumnLowering.runCount`): results are bit-identical for 1 or 2 workers.
///
/// A layer with at most four output channels (a decoder's last layer) uses each column entry
/// too few times for the lowering to pay; `NarrowOutputConvolution` computes its three products
/// from the image instead. Wide 3×3 stride-1 layers take Winograd's F(4×4, 3×3)
/// (`Winograd.applies(to:outputChannels:)`): the same three products with a quarter of the
/// multiplications.
enum ConvolutionKernels {
    /// The filter gradient's column buffer, in floats (4 MB); a chunk is at least one sample.
    static var columnBudget = 1 << 20

    /// The column buffer of each core for the forward and the input gradient, in floats (1 MB,
    /// about half a core's level-2 cache here; at least one sample). Table 14's stride-2 layers
    /// then take two samples a chunk (docs/DESIGN.md, "Convolutions").
    static var coreColumnBudget = 1 << 18

    /// Whether layers with at most four output channels skip the lowering
    /// (`NarrowOutputConvolution`); the tests turn it off to compare the two.
    static var narrowOutputsSkipLowering = true

    static func samplesPerCoreChunk(_ g: ConvolutionGeometry, batch: Int) -> Int {
        ColumnLowering.samplesPerChunk(batch: batch, floatsPerSample: g.outputPositions * g.patchSize,
                                       budget: coreColumnBudget)
    }

    static func samplesPerChunk(_ g: ConvolutionGeometry, batch: Int) -> Int {
        ColumnLowering.samplesPerSharedChunk(batch: batch, floatsPerSample: g.outputPositions * g.patchSize,
                                             budget: columnBudget)
    }

    /// y = im2col(x) · W.
    ///
    /// image: `[batch, H, W, cin]`; filter: `[P, cout]`; output: `[batch, oH, oW, cout]`.
    static func forward(image: Tensor, filter: Tensor, _ g: ConvolutionGeometry) -> Tensor {
        if Winograd.applies(to: g, outputChannels: filter.columns) {
            return Winograd.forward(image: image, filter: filter, g)
        }
        if skipsLowering(g, outputChannels: filter.columns) {
            return NarrowOutputConvolution.forward(image: image, filter: filter, g)
        }
        let batch = image.count / g.inputImageSize, outputChannels = filter.columns
        return Tensor(shape: [batch, g.outputHeight, g.outputWidth, outputChannels], unsafeUninitialized: { out in
            image.scalars.withUnsafeBufferPointer { x in
                filter.scalars.withUnsafeBufferPointer { w in
                    forEachLoweredChunk(x.baseAddress!, batch: batch, g, onEachCore: true) { columns, first, count in
                        let rows = count * g.outputPositions
                        BLAS.gemm(m: rows, n: outputChannels, k: g.patchSize,
                                  columns, lda: g.patchSize, w.baseAddress!, ldb: outputChannels,
                                  out.baseAddress! + first * g.outputPositions * outputChannels,
                                  ldc: outputChannels)
                    }
                }
            }
        })
    }

    /// dW = Σ_chunks im2col(x)ᵀ · dy.
    ///
    /// image: `[batch, H, W, cin]`; outputGradient: `[batch, oH, oW, cout]`; result: `[P, cout]`
    /// (the caller reshapes it to the filter's shape).
    static func filterGradient(image: Tensor, outputGradient: Tensor, _ g: ConvolutionGeometry) -> Tensor {
        if Winograd.applies(to: g, outputChannels: outputGradient.columns) {
            return Winograd.filterGradient(image: image, outputGradient: outputGradient, g).filterGradient
        }
        if skipsLowering(g, outputChannels: outputGradient.columns) {
            return NarrowOutputConvolution.filterGradient(image: image, outputGradient: outputGradient, g)
        }
        let batch = image.count / g.inputImageSize, outputChannels = outputGradient.columns
        return Tensor(shape: [g.patchSize, outputChannels], unsafeUninitialized: { dW in
            image.scalars.withUnsafeBufferPointer { x in
                outputGradient.scalars.withUnsafeBufferPointer { dy in
                    forEachLoweredChunk(x.baseAddress!, batch: batch, g, onEachCore: false) { columns, first, count in
                        accumulateFilterGradient(columns, dy.baseAddress! + first * g.outputPositions * outputChannels,
                                                 rows: count * g.outputPositions, outputChannels: outputChannels,
                                                 isFirstChunk: first == 0, g, into: dW.baseAddress!)
                    }
                }
            }
        })
    }

    /// The forward product and the filter gradient of one image that share its lowering:
    /// the backward pass of a transposed convolution (`dInput = conv(dOut, W)`,
    /// `dW = im2col(dOut)ᵀ · input`).
    ///
    /// image: `[batch, H, W, cin]`; filter: `[P, cout]`; outputGradient: `[batch, oH, oW, cout]`.
    static func forwardAndFilterGradient(image: Tensor, filter: Tensor, outputGradient: Tensor,
                                         _ g: ConvolutionGeometry) -> (product: Tensor, filterGradient: Tensor) {
        if Winograd.applies(to: g, outputChannels: filter.columns) {
            let (filterGradient, product) = Winograd.filterGradient(image: image, outputGradient: outputGradient,
                                                                    filter: filter, g)
            return (product!, filterGradient)
        }
        if skipsLowering(g, outputChannels: filter.columns) {
            // No lowering to share.
            return (NarrowOutputConvolution.forward(image: image, filter: filter, g),
                    NarrowOutputConvolution.filterGradient(image: image, outputGradient: outputGradient, g))
        }
        let batch = image.count / g.inputImageSize, outputChannels = filter.columns
        var product = Tensor(shape: [batch, g.outputHeight, g.outputWidth, outputChannels], repeating: 0)
        var filterGradient = Tensor(shape: [g.patchSize, outputChannels], repeating: 0)
        product.scalars.withUnsafeMutableBufferPointer { out in
            filterGradient.scalars.withUnsafeMutableBufferPointer { dW in
                image.scalars.withUnsafeBufferPointer { x in
                    filter.scalars.withUnsafeBufferPointer { w in
                        outputGradient.scalars.withUnsafeBufferPointer { dy in
                            forEachLoweredChunk(x.baseAddress!, batch: batch, g, onEachCore: false) { columns, first, count in
                                let rows = count * g.outputPositions
                                let offset = first * g.outputPositions * outputChannels
                                BLAS.gemm(m: rows, n: outputChannels, k: g.patchSize,
                                          columns, lda: g.patchSize, w.baseAddress!, ldb: outputChannels,
                                          out.baseAddress! + offset, ldc: outputChannels)
                                accumulateFilterGradient(columns, dy.baseAddress! + offset, rows: rows,
                                                         outputChannels: outputChannels, isFirstChunk: first == 0,
                                                         g, into: dW.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        return (product, filterGradient)
    }

    /// dx = col2im(dy · Wᵀ).
    ///
    /// outputGradient: `[batch, oH, oW, cout]`; filter: `[P, cout]`; result: `[batch, H, W, cin]`.
    static func inputGradient(outputGradient: Tensor, filter: Tensor, _ g: ConvolutionGeometry) -> Tensor {
        if Winograd.applies(to: g, outputChannels: filter.columns) {
            return Winograd.inputGradient(outputGradient: outputGradient, filter: filter, g)
        }
        if skipsLowering(g, outputChannels: filter.columns) {
            return NarrowOutputConvolution.inputGradient(outputGradient: outputGradient, filter: filter, g)
        }
        let outputChannels = filter.columns
        let batch = outputGradient.count / (g.outputPositions * outputChannels)
        let imageShape = [batch, g.inputHeight, g.inputWidth, g.inputChannels]
        if g.isPointwise {
            // col2im is the identity: one product straight into the result.
            return Tensor(shape: imageShape, unsafeUninitialized: { dx in
                outputGradient.scalars.withUnsafeBufferPointer { dy in
                    filter.scalars.withUnsafeBufferPointer { w in
                        BLAS.gemm(transposeB: true, m: batch * g.outputPositions, n: g.patchSize, k: outputChannels,
                                  dy.baseAddress!, lda: outputChannels, w.baseAddress!, ldb: outputChannels,
                                  dx.baseAddress!, ldc: g.patchSize)
                    }
                }
            })
        }
        var inputGradient = Tensor(shape: imageShape, repeating: 0)
        let chunk = samplesPerCoreChunk(g, batch: batch), chunks = (batch + chunk - 1) / chunk
        // Wᵀ `[cout, P]`, so that each chunk's product reads it as stored, as Winograd's input
        // gradient does (docs/DESIGN.md: there it bought a third of the products' time; here,
        // Table 14's stride-2 layer, about 1.5 ms of its 24 ms backward).
        let filterTransposed = filter.transposedLastTwoAxes()
        inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
            outputGradient.scalars.withUnsafeBufferPointer { dy in
                filterTransposed.scalars.withUnsafeBufferPointer { wt in
                    ColumnLowering.forEachRun(of: chunks) { _, chunkRange in
                        let columns = UnsafeMutablePointer<Float>.allocate(capacity: chunk * g.outputPositions * g.patchSize)
                        defer { columns.deallocate() }
                        for index in chunkRange {
                            let first = index * chunk, count = min(chunk, batch - first)
                            BLAS.gemm(m: count * g.outputPositions, n: g.patchSize, k: outputChannels,
                                      dy.baseAddress! + first * g.outputPositions * outputChannels, lda: outputChannels,
                                      wt.baseAddress!, ldb: g.patchSize, columns, ldc: g.patchSize)
                            ColumnLowering.col2im(columns, samples: count, g,
                                                  addingInto: dx.baseAddress! + first * g.inputImageSize,
                                                  splitOverCores: false)
                        }
                    }
                }
            }
        }
        return inputGradient
    }

    /// Whether a layer computes its products from its image (`NarrowOutputConvolution`).
    static func skipsLowering(_ g: ConvolutionGeometry, outputChannels: Int) -> Bool {
        narrowOutputsSkipLowering && NarrowOutputConvolution.applies(g, outputChannels: outputChannels)
    }

    /// dW (+)= colsᵀ · dy for one chunk; the first chunk overwrites, later ones accumulate.
    @inline(__always)
    private static func accumulateFilterGradient(_ columns: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                                                 rows: Int, outputChannels: Int, isFirstChunk: Bool,
                                                 _ g: ConvolutionGeometry, into dW: UnsafeMutablePointer<Float>) {
        BLAS.gemm(transposeA: true, m: g.patchSize, n: outputChannels, k: rows,
                  columns, lda: g.patchSize, dy, ldb: outputChannels,
                  beta: isFirstChunk ? 0 : 1, dW, ldc: outputChannels)
    }

    /// Calls `body(columns, firstSample, sampleCount)` for each chunk of the batch, with
    /// `columns = im2col(those samples)`. A pointwise geometry needs no lowering: the image is
    /// already its column matrix, so the whole batch is one chunk, on all threads.
    ///
    /// `onEachCore`: each core lowers its own run of small chunks (`coreColumnBudget`,
    /// `ColumnLowering.forEachRun`) and `body` runs on that core with OpenBLAS on one thread, for
    /// products whose every output comes from one chunk (the forward). Otherwise the chunks
    /// (`columnBudget`) follow one another in batch order, each lowered and multiplied on all
    /// cores, for a sum over the chunks (the filter gradient) that must not depend on the cores.
    private static func forEachLoweredChunk(_ image: UnsafePointer<Float>, batch: Int, _ g: ConvolutionGeometry,
                                            onEachCore: Bool, _ body: (UnsafePointer<Float>, Int, Int) -> Void) {
        if g.isPointwise {
            body(image, 0, batch)
            return
        }
        let chunk = onEachCore ? samplesPerCoreChunk(g, batch: batch) : samplesPerChunk(g, batch: batch)
        let chunks = (batch + chunk - 1) / chunk
        func lower(_ chunkRange: Range<Int>) {
            let columns = UnsafeMutablePointer<Float>.allocate(capacity: chunk * g.outputPositions * g.patchSize)
            defer { columns.deallocate() }
            for index in chunkRange {
                let first = index * chunk, count = min(chunk, batch - first)
                ColumnLowering.im2col(image + first * g.inputImageSize, samples: count, g, into: columns,
                                      splitOverCores: !onEachCore)
                body(UnsafePointer(columns), first, count)
            }
        }
        if onEachCore {
            ColumnLowering.forEachRun(of: chunks) { _, chunkRange in lower(chunkRange) }
        } else {
            lower(0..<chunks)
        }
    }
}
