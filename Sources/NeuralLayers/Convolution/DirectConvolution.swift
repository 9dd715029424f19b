import TensorCore

/// The pieces of a convolution computed from its image instead of through im2col
/// (`NarrowOutputConvolution`): where kernel taps land, and the vector loops. Samples are split
/// over the cores by `ColumnLowering.forEachPart`, as col2im splits them.
///
/// Taps, pixels and positions are indices: tap `ky·kw + kx`, input pixel `iy·W + ix`, output
/// position `oy·oW + ox`; a caller scales them by its channel counts. Every loop adds its terms
/// to a zero in a fixed order, each product rounded and then added (no fused multiply-add: the
/// package is built for the baseline instruction set, where a vector fused multiply-add would be
/// a library call per lane).
enum DirectConvolution {
    /// A run of values starting at `offset`, to be scaled by `scale`.
    struct Term {
        var offset: Int
        var scale: Float
    }

    /// Calls `body(tap, pixel)` for each kernel tap of output position `(oy, ox)` that lands
    /// inside the image, in `(ky, kx)` order.
    @inline(__always)
    static func forEachTap(oy: Int, ox: Int, _ g: ConvolutionGeometry, _ body: (Int, Int) -> Void) {
        for ky in 0..<g.kernelHeight {
            let iy = oy * g.strideHeight - g.padTop + ky * g.dilationHeight
            guard iy >= 0 && iy < g.inputHeight else { continue }
            for kx in 0..<g.kernelWidth {
                let ix = ox * g.strideWidth - g.padLeft + kx * g.dilationWidth
                guard ix >= 0 && ix < g.inputWidth else { continue }
                body(ky * g.kernelWidth + kx, iy * g.inputWidth + ix)
            }
        }
    }

    /// Calls `body(position, pixel)` for each output position whose tap `tap` lands inside the
    /// image, positions ascending.
    @inline(__always)
    static func forEachPosition(tap: Int, _ g: ConvolutionGeometry, _ body: (Int, Int) -> Void) {
        let (ky, kx) = (tap / g.kernelWidth, tap % g.kernelWidth)
        for oy in 0..<g.outputHeight {
            let iy = oy * g.strideHeight - g.padTop + ky * g.dilationHeight
            guard iy >= 0 && iy < g.inputHeight else { continue }
            for ox in 0..<g.outputWidth {
                let ix = ox * g.strideWidth - g.padLeft + kx * g.dilationWidth
                guard ix >= 0 && ix < g.inputWidth else { continue }
                body(oy * g.outputWidth + ox, iy * g.inputWidth + ix)
            }
        }
    }

    /// The taps that land on each input pixel, and the output position that reads the pixel
    /// through each: the adjoint of `forEachTap`, for gathering an input gradient.
    struct ReachingTaps {
        /// Per input row, (kernel row, output row) pairs, kernel row descending (output row
        /// ascending); `columns` the same per input column.
        private let rows: [[(kernel: Int, output: Int)]]
        private let columns: [[(kernel: Int, output: Int)]]
        private let kernelWidth: Int
        private let outputWidth: Int

        init(_ g: ConvolutionGeometry) {
            rows = Self.reaching(input: g.inputHeight, output: g.outputHeight, kernel: g.kernelHeight,
                                 step: g.strideHeight, dilation: g.dilationHeight, padding: g.padTop)
            columns = Self.reaching(input: g.inputWidth, output: g.outputWidth, kernel: g.kernelWidth,
                                    step: g.strideWidth, dilation: g.dilationWidth, padding: g.padLeft)
            kernelWidth = g.kernelWidth
            outputWidth = g.outputWidth
        }

        /// Calls `body(tap, position)` for each tap that lands on input pixel `(iy, ix)`, in
        /// ascending order of the positions `(oy, ox)`: the order in which col2im adds them.
        @inline(__always)
        func forEach(iy: Int, ix: Int, _ body: (Int, Int) -> Void) {
            for (ky, oy) in rows[iy] {
                for (kx, ox) in columns[ix] { body(ky * kernelWidth + kx, oy * outputWidth + ox) }
            }
        }

        private static func reaching(input: Int, output: Int, kernel: Int, step: Int, dilation: Int,
                                     padding: Int) -> [[(kernel: Int, output: Int)]] {
            (0..<input).map { i in
                stride(from: kernel - 1, through: 0, by: -1).compactMap { k -> (kernel: Int, output: Int)? in
                    let offset = i + padding - k * dilation
                    guard offset >= 0 && offset % step == 0 && offset / step < output else { return nil }
                    return (k, offset / step)
                }
            }
        }
    }

    /// lanes += a[0..<count] · b[0..<count], sixteen products per step, the rest into `tail`.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int,
                    lanes: inout SIMD16<Float>, tail: inout Float) {
        var i = 0
        while i + 16 <= count {
            lanes = lanes + load(a + i, width: 16) * load(b + i, width: 16)
            i += 16
        }
        while i < count {
            tail = tail + a[i] * b[i]
            i += 1
        }
    }

    /// result[c] = Σ_t base[terms[t].offset + c] · terms[t].scale for c < length, the terms added
    /// in order to a zero, sixteen values of c at a time in registers.
    @inline(__always)
    static func sumOfScaledRuns(_ base: UnsafePointer<Float>, _ terms: UnsafePointer<Term>, count: Int,
                                length: Int, into result: UnsafeMutablePointer<Float>) {
        var block = 0
        while block < length {
            let width = min(16, length - block)
            var lanes = SIMD16<Float>()
            if width == 16 {
                // The whole vector: the common case, kept free of the partial load's branch.
                for t in 0..<count {
                    lanes = lanes + load(base + terms[t].offset + block, width: 16) * SIMD16(repeating: terms[t].scale)
                }
            } else {
                for t in 0..<count {
                    lanes = lanes + load(base + terms[t].offset + block, width: width) * SIMD16(repeating: terms[t].scale)
                }
            }
            store(lanes, to: result + block, width: width)
            block += 16
        }
    }

    /// The first `width` (1…16) values at `p` in a vector, the other lanes zero (their products
    /// are never stored).
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, width: Int) -> SIMD16<Float> {
        if width == 16 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self) }
        var lanes = SIMD16<Float>()
        for i in 0..<width { lanes[i] = p[i] }
        return lanes
    }

    /// Stores the first `width` (1…16) lanes at `p`.
    @inline(__always)
    static func store(_ lanes: SIMD16<Float>, to p: UnsafeMutablePointer<Float>, width: Int) {
        if width == 16 {
            UnsafeMutableRawPointer(p).storeBytes(of: lanes, as: SIMD16<Float>.self)
        } else {
            for i in 0..<width { p[i] = lanes[i] }
        }
    }

    /// Room for `capacity` terms, one buffer per thread.
    @inline(__always)
    static func withTerms(capacity: Int, _ body: (UnsafeMutablePointer<Term>) -> Void) {
        withUnsafeTemporaryAllocation(of: Term.self, capacity: max(capacity, 1)) { body($0.baseAddress!) }
    }

    /// Σ_n shares[n·size + i] for i < size, added in sample order to a zero: a filter gradient
    /// from its samples' shares, bit-identical however the samples were split.
    static func sumOfShares(_ shares: [Float], samples: Int, size: Int) -> [Float] {
        var total = [Float](repeating: 0, count: size)
        total.withUnsafeMutableBufferPointer { sum in
            shares.withUnsafeBufferPointer { share in
                for n in 0..<samples {
                    let row = share.baseAddress! + n * size
                    for i in 0..<size { sum[i] = sum[i] + row[i] }
                }
            }
        }
        return total
    }
}
