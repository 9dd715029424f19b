import TensorCore

/// im2col and col2im for NHWC images: the reshuffles that turn a convolution into one matrix
/// product (docs/DESIGN.md, "Convolutions").
///
/// The column matrix has one row per output position of every sample, `[samples·oH·oW,
/// kh·kw·cin]`, each row holding the input patch under the kernel in `[ky, kx, cin]` order:
/// exactly the order of a filter `[kh, kw, cin, cout]` read as a `[kh·kw·cin, cout]` matrix,
/// and, because channels are last, runs of `cin` (or `kw·cin`) values are copied in one go.
enum ColumnLowering {
    /// How many threads the lowering uses. Work is split by whole output rows (im2col) or
    /// whole samples (col2im), so no two threads ever add into the same value and the result is
    /// bit-identical whatever the count.
    static var workerCount = 2

    /// columns[(n·oH + oy)·oW + ox, (ky·kw + kx)·cin + c] = image[n, iy, ix, c], or 0 where
    /// (iy, ix) falls into the padding.
    ///
    /// image: `[samples, H, W, cin]`; columns: `[samples·oH·oW, kh·kw·cin]`.
    static func im2col(_ image: UnsafePointer<Float>, samples: Int, _ g: ConvolutionGeometry,
                       into columns: UnsafeMutablePointer<Float>, splitOverCores: Bool = true) {
        let rowCount = samples * g.outputHeight
        forEachPart(of: rowCount, splitOverCores: splitOverCores) { rows in
            for imageRow in rows {
                let n = imageRow / g.outputHeight, oy = imageRow % g.outputHeight
                lowerRow(image + n * g.inputImageSize, oy: oy, g,
                         into: columns + imageRow * g.outputWidth * g.patchSize)
            }
        }
    }

    /// The adjoint of `im2col`: every column entry is added back onto the input pixel it was
    /// copied from; entries that came from padding are dropped.
    ///
    /// columns: `[samples·oH·oW, kh·kw·cin]`; image: `[samples, H, W, cin]`, accumulated into.
    static func col2im(_ columns: UnsafePointer<Float>, samples: Int, _ g: ConvolutionGeometry,
                       addingInto image: UnsafeMutablePointer<Float>, splitOverCores: Bool = true) {
        // Patches of one sample overlap, so a sample is never split between threads.
        forEachPart(of: samples, splitOverCores: splitOverCores) { sampleRange in
            for n in sampleRange {
                let sampleColumns = columns + n * g.outputPositions * g.patchSize
                for oy in 0..<g.outputHeight {
                    raiseRow(sampleColumns + oy * g.outputWidth * g.patchSize, oy: oy, g,
                             addingInto: image + n * g.inputImageSize)
                }
            }
        }
    }

    /// The column rows of output row `oy` of one sample: `[oW, kh·kw·cin]`.
    @inline(__always)
    private static func lowerRow(_ image: UnsafePointer<Float>, oy: Int, _ g: ConvolutionGeometry,
                                 into row: UnsafeMutablePointer<Float>) {
        let cin = g.inputChannels, rowStride = g.inputWidth * cin
        let tapSpan = g.kernelWidth * cin
        var destination = row
        for ox in 0..<g.outputWidth {
            let x0 = ox * g.strideWidth - g.padLeft
            for ky in 0..<g.kernelHeight {
                let iy = oy * g.strideHeight - g.padTop + ky * g.dilationHeight
                guard iy >= 0 && iy < g.inputHeight else {
                    destination.update(repeating: 0, count: tapSpan)
                    destination += tapSpan
                    continue
                }
                let imageRow = image + iy * rowStride
                if g.dilationWidth == 1 && x0 >= 0 && x0 + g.kernelWidth <= g.inputWidth {
                    // The whole kernel row lies inside the image: kw·cin contiguous values.
                    destination.update(from: imageRow + x0 * cin, count: tapSpan)
                    destination += tapSpan
                    continue
                }
                for kx in 0..<g.kernelWidth {
                    let ix = x0 + kx * g.dilationWidth
                    if ix >= 0 && ix < g.inputWidth {
                        destination.update(from: imageRow + ix * cin, count: cin)
                    } else {
                        destination.update(repeating: 0, count: cin)
                    }
                    destination += cin
                }
            }
        }
    }

    /// Adds the column rows of output row `oy` of one sample back onto that sample's image.
    @inline(__always)
    private static func raiseRow(_ row: UnsafePointer<Float>, oy: Int, _ g: ConvolutionGeometry,
                                 addingInto image: UnsafeMutablePointer<Float>) {
        let cin = g.inputChannels, rowStride = g.inputWidth * cin
        let tapSpan = g.kernelWidth * cin
        var source = row
        for ox in 0..<g.outputWidth {
            let x0 = ox * g.strideWidth - g.padLeft
            for ky in 0..<g.kernelHeight {
                let iy = oy * g.strideHeight - g.padTop + ky * g.dilationHeight
                guard iy >= 0 && iy < g.inputHeight else {
                    source += tapSpan
                    continue
                }
                let imageRow = image + iy * rowStride
                if g.dilationWidth == 1 && x0 >= 0 && x0 + g.kernelWidth <= g.inputWidth {
                    let target = imageRow + x0 * cin
                    for i in 0..<tapSpan { target[i] += source[i] }
                    source += tapSpan
                    continue
                }
                for kx in 0..<g.kernelWidth {
                    let ix = x0 + kx * g.dilationWidth
                    if ix >= 0 && ix < g.inputWidth {
                        let target = imageRow + ix * cin
                        for c in 0..<cin { target[c] += source[c] }
                    }
                    source += cin
                }
            }
        }
    }

    /// Runs `body` on `workerCount` contiguous, disjoint parts of `0..<count` (inline when
    /// there is one part). `NarrowOutputConvolution` splits its samples the same way.
    static func forEachPart(of count: Int, splitOverCores: Bool = true, _ body: (Range<Int>) -> Void) {
        let parts = splitOverCores ? min(workerCount, count) : 1
        if parts <= 1 {
            body(0..<count)
            return
        }
        concurrentParts(parts) { part in
            body((part * count / parts)..<((part + 1) * count / parts))
        }
    }

    /// How many runs `forEachRun` cuts a batch's chunks into (fewer where there are fewer
    /// chunks), and so the fewest chunks a batch is cut into where it has the samples. A fixed
    /// number rather than the core count, so that no chunk size and no order of sums depends on
    /// the machine: with OpenBLAS's Haswell and Zen kernels even a product's rows come out
    /// differently when the product has more or fewer of them.
    static let runCount = 2

    /// Runs `body(run, chunks)` for `runCount` contiguous runs of `0..<chunks`, side by side on
    /// the cores (`workerCount`), each with OpenBLAS on one thread: a core then multiplies the
    /// chunks it lowered or transformed itself, while they are still in its cache, and the
    /// cores meet once per call. With one worker the same runs follow one another.
    static func forEachRun(of chunks: Int, _ body: (Int, Range<Int>) -> Void) {
        let runs = min(runCount, chunks)
        guard runs > 0 else { return }
        let blasThreads = BLAS.threadCount
        BLAS.setThreadCount(1)
        defer { BLAS.setThreadCount(blasThreads) }
        let range = { (run: Int) in (run * chunks / runs)..<((run + 1) * chunks / runs) }
        if workerCount > 1 && runs > 1 {
            concurrentParts(runs) { run in body(run, range(run)) }
        } else {
            for run in 0..<runs { body(run, range(run)) }
        }
    }

    /// Samples per chunk: about `budget` floats of `floatsPerSample` each, at least one sample,
    /// and at least `runCount` chunks where the batch has the samples, so that a small batch
    /// keeps both cores busy too.
    static func samplesPerChunk(batch: Int, floatsPerSample: Int, budget: Int) -> Int {
        let perRun = (batch + runCount - 1) / runCount
        return max(1, min(perRun, budget / max(floatsPerSample, 1)))
    }

    /// Samples per chunk of the shared layout (chunks one after the other, each stage on all
    /// cores): about `budget` floats of `floatsPerSample` each, at least one sample, at most
    /// the batch.
    static func samplesPerSharedChunk(batch: Int, floatsPerSample: Int, budget: Int) -> Int {
        min(batch, max(1, budget / max(floatsPerSample, 1)))
    }
}
