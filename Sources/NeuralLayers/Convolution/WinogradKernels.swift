import Dispatch
import TensorCore

/// Winograd's minimal filtering F(2×2, 3×3) (Lavin and Gray, "Fast Algorithms for
/// Convolutional Neural Networks", CVPR 2016) for the 3×3 stride-1 convolutions of Table 14:
/// a 2×2 block of outputs (a "tile") costs 16 multiplications per channel pair instead of 36.
///
/// With d the 4×4 input patch under a tile and g the 3×3 filter of one channel pair,
///
///     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A.
///
/// Summed over the input channels, the elementwise product becomes 16 matrix products, one per
/// position ξ of the transformed 4×4 tile:
///
///     M[ξ] = V[ξ] · U[ξ]        V[ξ] = (Bᵀ d B)[ξ]: [tiles, cin],  U[ξ] = (G g Gᵀ)[ξ]: [cin, cout]
///
/// The gradients are the adjoints of the same linear maps:
///
///     filter gradient   dU[ξ] = V[ξ]ᵀ · (A dY Aᵀ)[ξ],  then dg = Gᵀ dU G
///     input gradient    the correlation of dy with the filter turned by 180° and its channel
///                       axes swapped, which is again a 3×3 stride-1 convolution: the same
///                       products with U[ξ] of the turned filter, read transposed.
///
/// In exact arithmetic this is the direct convolution. In float32 the transforms add and
/// subtract neighbouring values before the products, so results move in the last bits, as
/// with another BLAS kernel family (docs/DESIGN.md); the tests bound the difference against the
/// direct products and PyTorch.
///
/// Tiles are laid out sample by sample, row by row; a tile that reaches past the image reads
/// zeros there and writes only the outputs that exist, so any image size works.
enum Winograd {
    /// Off, every convolution takes the direct products (for the A/B bench and the tests).
    static var isEnabled = true

    /// The transformed-input buffer aimed for per chunk of samples, in floats (8 MB): large
    /// enough that each of the 16 products has a few thousand rows, small enough to stay in
    /// this machine's 48 MB last-level cache together with the products' outputs.
    static var transformBudget = 1 << 21

    /// How many threads run the transforms. Work is split by whole tiles, each written by one
    /// thread, so the result is bit-identical whatever the count.
    static var workerCount = 2

    /// Whether a convolution with this geometry and output channel count takes this path: a
    /// 3×3 kernel at stride 1 without dilation, at most 2 zeros of padding before (so the input
    /// gradient's turned convolution has padding too), and at least 16 channels on both sides:
    /// with fewer, each of the 16 products is too thin for BLAS to run near its peak, and the
    /// direct product (one product with k = 9·cin) is faster.
    static func applies(to g: ConvolutionGeometry, outputChannels: Int) -> Bool {
        isEnabled && g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideHeight == 1 && g.strideWidth == 1
            && g.dilationHeight == 1 && g.dilationWidth == 1 && g.padTop <= 2 && g.padLeft <= 2
            && g.inputChannels >= 16 && outputChannels >= 16
    }

    /// The convolution whose output is `g`'s input gradient: it reads the output gradient
    /// `[n, oH, oW, cout]` with `2 − padding` zeros before and writes `[n, H, W, cin]`.
    static func inputGradientGeometry(_ g: ConvolutionGeometry, outputChannels: Int) -> ConvolutionGeometry {
        ConvolutionGeometry(inputHeight: g.outputHeight, inputWidth: g.outputWidth, inputChannels: outputChannels,
                            kernelHeight: 3, kernelWidth: 3, padTop: 2 - g.padTop, padLeft: 2 - g.padLeft,
                            outputHeight: g.inputHeight, outputWidth: g.inputWidth)
    }

    // MARK: The three products

    /// y = conv(x, W).
    ///
    /// image: `[batch, H, W, cin]`; filter: `[9·cin, cout]` (`[ky, kx, cin, cout]`); output:
    /// `[batch, oH, oW, cout]`.
    static func forward(image: Tensor, filter: Tensor, _ g: ConvolutionGeometry) -> Tensor {
        let batch = image.count / g.inputImageSize
        let transformed = transformFilter(filter, inputChannels: g.inputChannels, turned: false)
        return convolve(image, batch: batch, transformedFilter: transformed, readTransposed: false,
                        outputChannels: filter.columns, g)
    }

    /// dx of `y = conv(x, W)`: the turned filter's convolution of dy.
    ///
    /// outputGradient: `[batch, oH, oW, cout]`; filter: `[9·cin, cout]`; result: `[batch, H, W, cin]`.
    static func inputGradient(outputGradient: Tensor, filter: Tensor, _ g: ConvolutionGeometry) -> Tensor {
        let outputChannels = filter.columns
        let batch = outputGradient.count / (g.outputPositions * outputChannels)
        let dual = inputGradientGeometry(g, outputChannels: outputChannels)
        // U of the turned filter in the filter's own [cin, cout] layout; the products read it
        // transposed, [cout, cin], which is the swap of channel axes.
        let transformed = transformFilter(filter, inputChannels: g.inputChannels, turned: true)
        return convolve(outputGradient, batch: batch, transformedFilter: transformed, readTransposed: true,
                        outputChannels: g.inputChannels, dual)
    }

    /// dW of `y = conv(x, W)`, and optionally `conv(x, W)` itself, sharing x's transform (the
    /// backward pass of a transposed convolution needs both).
    ///
    /// image: `[batch, H, W, cin]`; outputGradient: `[batch, oH, oW, cout]`; filter (only with
    /// `alsoForward`): `[9·cin, cout]`. Returns dW `[9·cin, cout]` and the product.
    static func filterGradient(image: Tensor, outputGradient: Tensor, filter: Tensor? = nil,
                               _ g: ConvolutionGeometry) -> (filterGradient: Tensor, product: Tensor?) {
        let batch = image.count / g.inputImageSize, cin = g.inputChannels
        let cout = outputGradient.count / (batch * g.outputPositions)
        let layout = TileLayout(g)
        let chunk = samplesPerChunk(layout, channels: max(cin, cout), batch: batch)
        let chunkTiles = chunk * layout.tilesPerSample
        let transformedFilter = filter.map { transformFilter($0, inputChannels: cin, turned: false) }
        var product = filter.map { _ in Tensor(shape: [batch, g.outputHeight, g.outputWidth, cout], repeating: 0) }
        let transformedGradient = Tensor(shape: [16, cin, cout], unsafeUninitialized: { dU in
            let v = UnsafeMutablePointer<Float>.allocate(capacity: 16 * chunkTiles * cin)
            let e = UnsafeMutablePointer<Float>.allocate(capacity: 16 * chunkTiles * cout)
            defer { v.deallocate(); e.deallocate() }
            image.scalars.withUnsafeBufferPointer { x in
                outputGradient.scalars.withUnsafeBufferPointer { dy in
                    var first = 0
                    while first < batch {
                        let count = min(chunk, batch - first), tiles = count * layout.tilesPerSample
                        transformInput(x.baseAddress! + first * g.inputImageSize, samples: count, layout,
                                       channels: cin, into: v)
                        transformOutputGradient(dy.baseAddress! + first * g.outputPositions * cout,
                                                samples: count, layout, channels: cout, into: e)
                        for xi in 0..<16 {
                            BLAS.gemm(transposeA: true, m: cin, n: cout, k: tiles,
                                      v + xi * tiles * cin, lda: cin, e + xi * tiles * cout, ldb: cout,
                                      beta: first == 0 ? 0 : 1, dU.baseAddress! + xi * cin * cout, ldc: cout)
                        }
                        if let u = transformedFilter {
                            product!.scalars.withUnsafeMutableBufferPointer { out in
                                multiplyAndTransformOutput(v, tiles: tiles, u, readTransposed: false, cin: cin,
                                                           cout: cout, samples: count, layout,
                                                           into: out.baseAddress! + first * g.outputPositions * cout,
                                                           scratch: e)
                            }
                        }
                        first += count
                    }
                }
            }
        })
        return (untransformFilterGradient(transformedGradient, inputChannels: cin, outputChannels: cout), product)
    }

    // MARK: Chunked convolution

    /// The forward products over the batch, chunk by chunk: transform the input, 16 products,
    /// transform back into the output.
    private static func convolve(_ image: Tensor, batch: Int, transformedFilter u: Tensor, readTransposed: Bool,
                                 outputChannels cout: Int, _ g: ConvolutionGeometry) -> Tensor {
        let cin = g.inputChannels, layout = TileLayout(g)
        let chunk = samplesPerChunk(layout, channels: max(cin, cout), batch: batch)
        let chunkTiles = chunk * layout.tilesPerSample
        return Tensor(shape: [batch, g.outputHeight, g.outputWidth, cout], unsafeUninitialized: { out in
            let v = UnsafeMutablePointer<Float>.allocate(capacity: 16 * chunkTiles * cin)
            let m = UnsafeMutablePointer<Float>.allocate(capacity: 16 * chunkTiles * cout)
            defer { v.deallocate(); m.deallocate() }
            image.scalars.withUnsafeBufferPointer { x in
                var first = 0
                while first < batch {
                    let count = min(chunk, batch - first)
                    transformInput(x.baseAddress! + first * g.inputImageSize, samples: count, layout,
                                   channels: cin, into: v)
                    multiplyAndTransformOutput(v, tiles: count * layout.tilesPerSample, u,
                                               readTransposed: readTransposed, cin: cin, cout: cout,
                                               samples: count, layout,
                                               into: out.baseAddress! + first * g.outputPositions * cout, scratch: m)
                    first += count
                }
            }
        })
    }

    /// M[ξ] = V[ξ] · U[ξ] (or `· U[ξ]ᵀ`) for the 16 positions, then Y = Aᵀ M A into `out`.
    private static func multiplyAndTransformOutput(_ v: UnsafePointer<Float>, tiles: Int, _ u: Tensor,
                                                   readTransposed: Bool, cin: Int, cout: Int, samples: Int,
                                                   _ layout: TileLayout, into out: UnsafeMutablePointer<Float>,
                                                   scratch m: UnsafeMutablePointer<Float>) {
        u.scalars.withUnsafeBufferPointer { u in
            for xi in 0..<16 {
                BLAS.gemm(transposeB: readTransposed, m: tiles, n: cout, k: cin,
                          v + xi * tiles * cin, lda: cin, u.baseAddress! + xi * cin * cout,
                          ldb: readTransposed ? cin : cout, m + xi * tiles * cout, ldc: cout)
            }
        }
        transformOutput(m, samples: samples, layout, channels: cout, into: out)
    }

    private static func samplesPerChunk(_ layout: TileLayout, channels: Int, batch: Int) -> Int {
        min(batch, max(1, transformBudget / (16 * layout.tilesPerSample * channels)))
    }

    // MARK: Filter transforms

    /// U[ξ] = (G g Gᵀ)[ξ] for every channel pair, `[16, cin, cout]`; `turned` transforms the
    /// filter turned by 180° (`g[2 − ky, 2 − kx]`).
    ///
    /// G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]].
    static func transformFilter(_ filter: Tensor, inputChannels cin: Int, turned: Bool) -> Tensor {
        let pairs = filter.count / 9
        precondition(pairs == cin * filter.columns, "Winograd: filter \(filter.shape) is not 3×3×\(cin)×cout")
        return Tensor(shape: [16, cin, filter.columns], unsafeUninitialized: { u in
            filter.scalars.withUnsafeBufferPointer { w in
                for pair in 0..<pairs {
                    func tap(_ ky: Int, _ kx: Int) -> Float {
                        turned ? w[((2 - ky) * 3 + (2 - kx)) * pairs + pair] : w[(ky * 3 + kx) * pairs + pair]
                    }
                    // h = G g (4×3), then U = h Gᵀ (4×4).
                    for row in 0..<4 {
                        var h = (Float(0), Float(0), Float(0))
                        for kx in 0..<3 {
                            let (g0, g1, g2) = (tap(0, kx), tap(1, kx), tap(2, kx))
                            let value: Float
                            switch row {
                            case 0: value = g0
                            case 1: value = 0.5 * (g0 + g1 + g2)
                            case 2: value = 0.5 * (g0 - g1 + g2)
                            default: value = g2
                            }
                            switch kx { case 0: h.0 = value; case 1: h.1 = value; default: h.2 = value }
                        }
                        u[(row * 4 + 0) * pairs + pair] = h.0
                        u[(row * 4 + 1) * pairs + pair] = 0.5 * (h.0 + h.1 + h.2)
                        u[(row * 4 + 2) * pairs + pair] = 0.5 * (h.0 - h.1 + h.2)
                        u[(row * 4 + 3) * pairs + pair] = h.2
                    }
                }
            }
        })
    }

    /// dg = Gᵀ dU G for every channel pair: `[16, cin, cout]` → `[9·cin, cout]` (`[ky, kx, cin, cout]`).
    static func untransformFilterGradient(_ dU: Tensor, inputChannels cin: Int, outputChannels cout: Int) -> Tensor {
        let pairs = cin * cout
        return Tensor(shape: [9 * cin, cout], unsafeUninitialized: { dg in
            dU.scalars.withUnsafeBufferPointer { d in
                for pair in 0..<pairs {
                    func at(_ a: Int, _ b: Int) -> Float { d[(a * 4 + b) * pairs + pair] }
                    // k = Gᵀ dU (3×4), then dg = k G (3×3).
                    for ky in 0..<3 {
                        var k = (Float(0), Float(0), Float(0), Float(0))
                        for b in 0..<4 {
                            let (d0, d1, d2, d3) = (at(0, b), at(1, b), at(2, b), at(3, b))
                            let value: Float
                            switch ky {
                            case 0: value = d0 + 0.5 * (d1 + d2)
                            case 1: value = 0.5 * (d1 - d2)
                            default: value = 0.5 * (d1 + d2) + d3
                            }
                            switch b { case 0: k.0 = value; case 1: k.1 = value; case 2: k.2 = value; default: k.3 = value }
                        }
                        dg[(ky * 3 + 0) * pairs + pair] = k.0 + 0.5 * (k.1 + k.2)
                        dg[(ky * 3 + 1) * pairs + pair] = 0.5 * (k.1 - k.2)
                        dg[(ky * 3 + 2) * pairs + pair] = 0.5 * (k.1 + k.2) + k.3
                    }
                }
            }
        })
    }

    // MARK: Tile transforms

    /// Where the tiles of one sample sit: `tileRows × tileColumns` tiles of 2×2 outputs, tile
    /// (ty, tx) reading the 4×4 input patch from `(2ty − padTop, 2tx − padLeft)`.
    struct TileLayout {
        let geometry: ConvolutionGeometry
        let tileRows: Int
        let tileColumns: Int

        init(_ g: ConvolutionGeometry) {
            geometry = g
            tileRows = (g.outputHeight + 1) / 2
            tileColumns = (g.outputWidth + 1) / 2
        }

        var tilesPerSample: Int { tileRows * tileColumns }
    }

    /// V = Bᵀ d B for every tile and channel, written `[16, samples·tiles, cin]`.
    ///
    /// Bᵀ = [[1, 0, −1, 0], [0, 1, 1, 0], [0, −1, 1, 0], [0, 1, 0, −1]].
    static func transformInput(_ image: UnsafePointer<Float>, samples: Int, _ layout: TileLayout, channels: Int,
                               into v: UnsafeMutablePointer<Float>) {
        let g = layout.geometry, tiles = samples * layout.tilesPerSample
        let plane = tiles * channels
        // Patch positions outside the image read this row of zeros, so the loop has no branches.
        let zeros = UnsafeMutablePointer<Float>.allocate(capacity: channels)
        zeros.initialize(repeating: 0, count: channels)
        defer { zeros.deallocate() }
        forEachPart(of: tiles) { tileRange in
            let source = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: 16)
            defer { source.deallocate() }
            for tile in tileRange {
                let n = tile / layout.tilesPerSample, within = tile % layout.tilesPerSample
                let y0 = 2 * (within / layout.tileColumns) - g.padTop
                let x0 = 2 * (within % layout.tileColumns) - g.padLeft
                let sample = image + n * g.inputImageSize
                for r in 0..<4 {
                    let y = y0 + r
                    for c in 0..<4 {
                        let x = x0 + c
                        let inside = y >= 0 && y < g.inputHeight && x >= 0 && x < g.inputWidth
                        source[r * 4 + c] = inside ? sample + (y * g.inputWidth + x) * channels : UnsafePointer(zeros)
                    }
                }
                let target = v + tile * channels
                forEachChannelBlock(channels) { c, width in
                    // Row i of Bᵀ d combines two rows of the patch; each is then multiplied by B.
                    transformInputRow(source, c, width, first: 0, second: 2, adding: false, into: target + c, plane)
                    transformInputRow(source, c, width, first: 1, second: 2, adding: true,
                                      into: target + c + 4 * plane, plane)
                    transformInputRow(source, c, width, first: 2, second: 1, adding: false,
                                      into: target + c + 8 * plane, plane)
                    transformInputRow(source, c, width, first: 1, second: 3, adding: false,
                                      into: target + c + 12 * plane, plane)
                }
            }
        }
    }

    /// One row of V = (Bᵀ d) B: t = d[first] ± d[second] (a row of Bᵀ d), then
    /// V[row] = (t0 − t2, t1 + t2, t2 − t1, t1 − t3).
    @inline(__always)
    private static func transformInputRow(_ source: UnsafePointer<UnsafePointer<Float>>, _ c: Int, _ width: Int,
                                          first: Int, second: Int, adding: Bool,
                                          into out: UnsafeMutablePointer<Float>, _ plane: Int) {
        func t(_ column: Int) -> Lanes {
            let a = Lanes.load(source[first * 4 + column] + c, width)
            let b = Lanes.load(source[second * 4 + column] + c, width)
            return adding ? a + b : a - b
        }
        let (t0, t1, t2, t3) = (t(0), t(1), t(2), t(3))
        (t0 - t2).store(to: out, width)
        (t1 + t2).store(to: out + plane, width)
        (t2 - t1).store(to: out + 2 * plane, width)
        (t1 - t3).store(to: out + 3 * plane, width)
    }

    /// Y = Aᵀ M A for every tile and channel: M `[16, samples·tiles, cout]` → the outputs of
    /// those samples `[samples, oH, oW, cout]` (only the positions inside the image).
    ///
    /// Aᵀ = [[1, 1, 1, 0], [0, 1, −1, −1]].
    static func transformOutput(_ m: UnsafePointer<Float>, samples: Int, _ layout: TileLayout, channels: Int,
                                into output: UnsafeMutablePointer<Float>) {
        let g = layout.geometry, tiles = samples * layout.tilesPerSample
        let plane = tiles * channels
        forEachPart(of: tiles) { tileRange in
            for tile in tileRange {
                let n = tile / layout.tilesPerSample, within = tile % layout.tilesPerSample
                let y0 = 2 * (within / layout.tileColumns), x0 = 2 * (within % layout.tileColumns)
                let sample = output + n * g.outputPositions * channels
                let source = m + tile * channels
                let rows = min(2, g.outputHeight - y0), hasRight = x0 + 1 < g.outputWidth
                forEachChannelBlock(channels) { c, width in
                    for i in 0..<rows {
                        let (left, right) = transformOutputRow(source + c, width, plane, lower: i == 1)
                        let out = sample + ((y0 + i) * g.outputWidth + x0) * channels + c
                        left.store(to: out, width)
                        if hasRight { right.store(to: out + channels, width) }
                    }
                }
            }
        }
    }

    /// One row of Y = (Aᵀ M) A: s = M0 + M1 + M2 (upper) or M1 − M2 − M3 (lower), taken over
    /// the rows Mk of the transformed tile; then (s0 + s1 + s2, s1 − s2 − s3).
    @inline(__always)
    private static func transformOutputRow(_ source: UnsafePointer<Float>, _ width: Int, _ plane: Int,
                                           lower: Bool) -> (Lanes, Lanes) {
        func s(_ column: Int) -> Lanes {
            let m1 = Lanes.load(source + (4 + column) * plane, width)
            let m2 = Lanes.load(source + (8 + column) * plane, width)
            if lower { return m1 - m2 - Lanes.load(source + (12 + column) * plane, width) }
            return Lanes.load(source + column * plane, width) + m1 + m2
        }
        let (s0, s1, s2, s3) = (s(0), s(1), s(2), s(3))
        return (s0 + s1 + s2, s1 - s2 - s3)
    }

    /// E = A dY Aᵀ for every tile and channel (the adjoint of `transformOutput`): the output
    /// gradient `[samples, oH, oW, cout]` → `[16, samples·tiles, cout]`, reading zeros past the image.
    static func transformOutputGradient(_ dy: UnsafePointer<Float>, samples: Int, _ layout: TileLayout,
                                        channels: Int, into e: UnsafeMutablePointer<Float>) {
        let g = layout.geometry, tiles = samples * layout.tilesPerSample
        let plane = tiles * channels
        forEachPart(of: tiles) { tileRange in
            for tile in tileRange {
                let n = tile / layout.tilesPerSample, within = tile % layout.tilesPerSample
                let y0 = 2 * (within / layout.tileColumns), x0 = 2 * (within % layout.tileColumns)
                let sample = dy + n * g.outputPositions * channels
                let inside = (y0 + 1 < g.outputHeight, x0 + 1 < g.outputWidth)
                let first = sample + (y0 * g.outputWidth + x0) * channels
                let below = first + g.outputWidth * channels
                let target = e + tile * channels
                forEachChannelBlock(channels) { c, width in
                    // dY of the tile, zero past the image's last row or column.
                    let d0 = Lanes.load(first + c, width)
                    let d1 = inside.1 ? Lanes.load(first + channels + c, width) : Lanes()
                    let d2 = inside.0 ? Lanes.load(below + c, width) : Lanes()
                    let d3 = inside.0 && inside.1 ? Lanes.load(below + channels + c, width) : Lanes()
                    // A = [[1, 0], [1, 1], [1, −1], [0, −1]]: r = A dY (4×2), then E = r Aᵀ.
                    func store(row a: Int, _ r0: Lanes, _ r1: Lanes) {
                        let out = target + c + a * 4 * plane
                        r0.store(to: out, width)
                        (r0 + r1).store(to: out + plane, width)
                        (r0 - r1).store(to: out + 2 * plane, width)
                        (-r1).store(to: out + 3 * plane, width)
                    }
                    store(row: 0, d0, d1)
                    store(row: 1, d0 + d2, d1 + d3)
                    store(row: 2, d0 - d2, d1 - d3)
                    store(row: 3, -d2, -d3)
                }
            }
        }
    }

    // MARK: Helpers

    typealias Lanes = SIMD8<Float>

    /// Calls `body(firstChannel, width)` for blocks of eight channels and the tail.
    @inline(__always)
    private static func forEachChannelBlock(_ channels: Int, _ body: (Int, Int) -> Void) {
        var c = 0
        while c < channels {
            body(c, min(Lanes.scalarCount, channels - c))
            c += Lanes.scalarCount
        }
    }

    /// Runs `body` on `workerCount` contiguous, disjoint parts of `0..<count`.
    private static func forEachPart(of count: Int, _ body: (Range<Int>) -> Void) {
        let parts = min(workerCount, count)
        if parts <= 1 {
            body(0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            body((part * count / parts)..<((part + 1) * count / parts))
        }
    }
}

extension SIMD8 where Scalar == Float {
    /// `width` floats from `p` (the rest zero).
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ width: Int) -> Self {
        if width == scalarCount { return UnsafeRawPointer(p).loadUnaligned(as: Self.self) }
        var lanes = Self()
        for i in 0..<width { lanes[i] = p[i] }
        return lanes
    }

    /// Stores the first `width` lanes at `p`.
    @inline(__always)
    func store(to p: UnsafeMutablePointer<Float>, _ width: Int) {
        if width == Self.scalarCount {
            UnsafeMutableRawPointer(p).storeBytes(of: self, as: Self.self)
            return
        }
        for i in 0..<width { p[i] = self[i] }
    }
}
