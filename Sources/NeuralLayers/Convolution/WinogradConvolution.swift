import TensorCore

/// Winograd's minimal filtering F(4×4, 3×3) (Lavin and Gray, "Fast Algorithms for
/// Convolutional Neural Networks", CVPR 2016) for the wide 3×3 stride-1 convolutions of Table 14:
/// a 4×4 block of outputs (a "tile") costs 36 multiplications per channel pair instead of 144.
///
/// With d the 6×6 input patch under a tile and g the 3×3 filter of one channel pair,
///
///     Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A.
///
/// Summed over the input channels, the elementwise product becomes 36 matrix products, one per
/// position ξ of the transformed 6×6 tile:
///
///     M[ξ] = V[ξ] · U[ξ]        V[ξ] = (Bᵀ d B)[ξ]: [tiles, cin],  U[ξ] = (G g Gᵀ)[ξ]: [cin, cout]
///
/// The gradients are the adjoints of the same linear maps:
///
///     filter gradient   dU[ξ] = V[ξ]ᵀ · (A dY Aᵀ)[ξ],  then dg = Gᵀ dU G
///     input gradient    the correlation of dy with the filter turned by 180° and its channel
///                       axes swapped, which is again a 3×3 stride-1 convolution: the same
///                       products with U[ξ] of the turned filter, transposed.
///
/// The matrices, for the interpolation points 0, ±1, ±2 and ∞:
///
///     Bᵀ = [ 4  0 −5  0  1  0 ]     G = [  1/4     0     0  ]     Aᵀ = [ 1  1  1  1  1  0 ]
///          [ 0 −4 −4  1  1  0 ]         [ −1/6  −1/6  −1/6  ]          [ 0  1 −1  2 −2  0 ]
///          [ 0  4 −4 −1  1  0 ]         [ −1/6   1/6  −1/6  ]          [ 0  1  1  4  4  0 ]
///          [ 0 −2 −1  2  1  0 ]         [ 1/24  1/12   1/6  ]          [ 0  1 −1  8 −8  1 ]
///          [ 0  2 −1 −2  1  0 ]         [ 1/24 −1/12   1/6  ]
///          [ 0  4  0 −5  0  1 ]         [    0     0     1  ]
///
/// In exact arithmetic this is the direct convolution. In float32 the transforms scale and add
/// neighbouring values before the products, so results move in the last bits, more than with
/// another BLAS kernel family but within the golden bounds; the tests bound the difference
/// against the direct products and PyTorch, and docs/DESIGN.md holds it to the rerun rule.
///
/// Tiles are laid out sample by sample, row by row; a tile that reaches past the image reads
/// zeros there and writes only the outputs that exist, so any image size works.
///
/// The forward and the input gradient write each output from one chunk of samples. The batch
/// is cut into small chunks, and each core takes its own run of them through all three stages
/// (transform, the 36 products on one BLAS thread, transform back), so a chunk's transformed
/// tiles are multiplied by the core that wrote them while they are still in its cache, and the
/// cores meet once per convolution (`ColumnLowering.forEachRun`). The filter gradient sums over
/// every chunk: its chunks follow one another in batch order, each stage split over the cores.
/// Every value is written by one thread and every product sums in BLAS's own order, so results
/// are bit-identical for any thread count.
enum Winograd {
    /// Off, every convolution takes the lowered products (for the A/B bench and the tests).
    static var isEnabled = true

    /// The forward's and the input gradient's transformed-input buffer per chunk of samples, in
    /// floats (1 MB, about half a core's level-2 cache here); a chunk is at least one sample.
    /// Table 14's 28×28 64 → 64 layer then takes two samples a chunk, its 14×14 layers seven.
    /// Chunks of 4 MB split over the cores stage by stage (aeff383) ran the products at 49–65
    /// GFLOP/s a core inside the training step, where a product whose operands are in cache
    /// runs at about 95 (docs/DESIGN.md, "Convolutions").
    static var transformBudget = 1 << 18

    /// The filter gradient's transformed-input buffer per chunk, in floats (4 MB: chunks of 4 and
    /// 8 MB tied; one chunk of the whole batch, 45 MB for the 28×28 layer, took two to three
    /// times as long, its buffers above the allocator's mmap threshold, `Allocator`).
    static var sharedTransformBudget = 1 << 20

    /// Whether a convolution with this geometry and output channel count takes this path: a
    /// 3×3 kernel at stride 1 without dilation, at most 2 zeros of padding before (so the input
    /// gradient's turned convolution has padding too), and at least 16 channels on both sides,
    /// in multiples of four (the transforms' vector width). With fewer channels each of the 36
    /// products (k = cin, n = cout) would be too thin for BLAS, where the lowered product has
    /// k = 9·cin. Table 14's first and last layers (one channel on one side) stay lowered or
    /// narrow; no layer of the project has between two and fifteen channels and a 3×3 stride-1
    /// kernel, so the bound of 16 is not tuned.
    static func applies(to g: ConvolutionGeometry, outputChannels: Int) -> Bool {
        isEnabled && g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideHeight == 1 && g.strideWidth == 1
            && g.dilationHeight == 1 && g.dilationWidth == 1 && g.padTop <= 2 && g.padLeft <= 2
            && g.inputChannels >= 16 && outputChannels >= 16
            && g.inputChannels % Lanes.scalarCount == 0 && outputChannels % Lanes.scalarCount == 0
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
        return convolve(image, batch: batch, transformedFilter: transformed, outputChannels: filter.columns, g)
    }

    /// dx of `y = conv(x, W)`: the turned filter's convolution of dy.
    ///
    /// outputGradient: `[batch, oH, oW, cout]`; filter: `[9·cin, cout]`; result: `[batch, H, W, cin]`.
    static func inputGradient(outputGradient: Tensor, filter: Tensor, _ g: ConvolutionGeometry) -> Tensor {
        let outputChannels = filter.columns
        let batch = outputGradient.count / (g.outputPositions * outputChannels)
        let dual = inputGradientGeometry(g, outputChannels: outputChannels)
        // U of the turned filter with its channel axes swapped, [36, cout, cin]: the turned
        // convolution's own layout, so its products read it as stored. Read transposed from the
        // [cin, cout] layout instead, the same products ran at about 60 GFLOP/s a core inside the
        // training step against about 95 for the forward's (`vae-bench --breakdown`, by shape).
        let transformed = transformFilter(filter, inputChannels: g.inputChannels, turned: true).transposedLastTwoAxes()
        return convolve(outputGradient, batch: batch, transformedFilter: transformed, outputChannels: g.inputChannels,
                        dual)
    }

    /// dW of `y = conv(x, W)`, and optionally `conv(x, W)` itself, sharing x's transform (the
    /// backward pass of a transposed convolution needs both).
    ///
    /// image: `[batch, H, W, cin]`; outputGradient: `[batch, oH, oW, cout]`; filter (given when
    /// the product is wanted): `[9·cin, cout]`. Returns dW `[9·cin, cout]` and the product.
    static func filterGradient(image: Tensor, outputGradient: Tensor, filter: Tensor? = nil,
                               _ g: ConvolutionGeometry) -> (filterGradient: Tensor, product: Tensor?) {
        let batch = image.count / g.inputImageSize, cin = g.inputChannels
        let cout = outputGradient.count / (batch * g.outputPositions)
        let layout = TileLayout(g)
        let chunk = samplesPerSharedChunk(layout, channels: max(cin, cout), batch: batch)
        let chunkTiles = chunk * layout.tilesPerSample
        let transformedFilter = filter.map { transformFilter($0, inputChannels: cin, turned: false) }
        var product = filter.map { _ in Tensor(shape: [batch, g.outputHeight, g.outputWidth, cout], repeating: 0) }
        let transformedGradient = Tensor(shape: [36, cin, cout], unsafeUninitialized: { dU in
            let v = UnsafeMutablePointer<Float>.allocate(capacity: 36 * chunkTiles * cin)
            let e = UnsafeMutablePointer<Float>.allocate(capacity: 36 * chunkTiles * cout)
            defer { v.deallocate(); e.deallocate() }
            image.scalars.withUnsafeBufferPointer { x in
                outputGradient.scalars.withUnsafeBufferPointer { dy in
                    var first = 0
                    while first < batch {
                        let count = min(chunk, batch - first), tiles = count * layout.tilesPerSample
                        transformInput(x.baseAddress! + first * g.inputImageSize, samples: count, layout,
                                       channels: cin, into: v, splitOverCores: true)
                        transformOutputGradient(dy.baseAddress! + first * g.outputPositions * cout,
                                                samples: count, layout, channels: cout, into: e, splitOverCores: true)
                        forEachPosition(splitOverCores: true) { xi in
                            BLAS.gemm(transposeA: true, m: cin, n: cout, k: tiles,
                                      v + xi * tiles * cin, lda: cin, e + xi * tiles * cout, ldb: cout,
                                      beta: first == 0 ? 0 : 1, dU.baseAddress! + xi * cin * cout, ldc: cout)
                        }
                        if let u = transformedFilter {
                            product!.scalars.withUnsafeMutableBufferPointer { out in
                                multiplyAndTransformOutput(v, tiles: tiles, u, cin: cin,
                                                           cout: cout, samples: count, layout,
                                                           into: out.baseAddress! + first * g.outputPositions * cout,
                                                           scratch: e, splitOverCores: true)
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

    /// The forward products over the batch, each core taking its own run of chunks
    /// (`ColumnLowering.forEachRun`) and each chunk all three stages on that core: transform
    /// the input, 36 products, transform back into the output.
    private static func convolve(_ image: Tensor, batch: Int, transformedFilter u: Tensor, outputChannels cout: Int,
                                 _ g: ConvolutionGeometry) -> Tensor {
        let cin = g.inputChannels, layout = TileLayout(g)
        let chunk = samplesPerChunk(layout, channels: max(cin, cout), batch: batch)
        let chunkTiles = chunk * layout.tilesPerSample, chunks = (batch + chunk - 1) / chunk
        return Tensor(shape: [batch, g.outputHeight, g.outputWidth, cout], unsafeUninitialized: { out in
            image.scalars.withUnsafeBufferPointer { x in
                ColumnLowering.forEachRun(of: chunks) { _, chunkRange in
                    let v = UnsafeMutablePointer<Float>.allocate(capacity: 36 * chunkTiles * cin)
                    let m = UnsafeMutablePointer<Float>.allocate(capacity: 36 * chunkTiles * cout)
                    defer { v.deallocate(); m.deallocate() }
                    for index in chunkRange {
                        let first = index * chunk, count = min(chunk, batch - first)
                        transformInput(x.baseAddress! + first * g.inputImageSize, samples: count, layout,
                                       channels: cin, into: v, splitOverCores: false)
                        multiplyAndTransformOutput(v, tiles: count * layout.tilesPerSample, u, cin: cin, cout: cout,
                                                   samples: count, layout,
                                                   into: out.baseAddress! + first * g.outputPositions * cout,
                                                   scratch: m, splitOverCores: false)
                    }
                }
            }
        })
    }

    /// M[ξ] = V[ξ] · U[ξ] for the 36 positions, then Y = Aᵀ M A into `out`; `splitOverCores`
    /// splits the products by position and the transform by tiles.
    private static func multiplyAndTransformOutput(_ v: UnsafePointer<Float>, tiles: Int, _ u: Tensor,
                                                   cin: Int, cout: Int, samples: Int,
                                                   _ layout: TileLayout, into out: UnsafeMutablePointer<Float>,
                                                   scratch m: UnsafeMutablePointer<Float>, splitOverCores: Bool) {
        u.scalars.withUnsafeBufferPointer { u in
            forEachPosition(splitOverCores: splitOverCores) { xi in
                BLAS.gemm(m: tiles, n: cout, k: cin, v + xi * tiles * cin, lda: cin, u.baseAddress! + xi * cin * cout,
                          ldb: cout, m + xi * tiles * cout, ldc: cout)
            }
        }
        transformOutput(m, samples: samples, layout, channels: cout, into: out, splitOverCores: splitOverCores)
    }

    /// Runs `body(ξ)` for the 36 positions of the transformed tile, on this thread or split
    /// over the cores (`ColumnLowering.workerCount` runs of positions), each product on one BLAS
    /// thread either way: OpenBLAS divides a product with k = 64 between two threads poorly
    /// (docs/DESIGN.md). Each product sums in BLAS's own order, so the split changes nothing.
    private static func forEachPosition(splitOverCores: Bool, _ body: (Int) -> Void) {
        guard splitOverCores && ColumnLowering.workerCount > 1 else {
            for xi in 0..<36 { body(xi) }
            return
        }
        let blasThreads = BLAS.threadCount
        BLAS.setThreadCount(1)
        defer { BLAS.setThreadCount(blasThreads) }
        ColumnLowering.forEachPart(of: 36) { positions in
            for xi in positions { body(xi) }
        }
    }

    private static func samplesPerChunk(_ layout: TileLayout, channels: Int, batch: Int) -> Int {
        ColumnLowering.samplesPerChunk(batch: batch, floatsPerSample: 36 * layout.tilesPerSample * channels,
                                       budget: transformBudget)
    }

    private static func samplesPerSharedChunk(_ layout: TileLayout, channels: Int, batch: Int) -> Int {
        ColumnLowering.samplesPerSharedChunk(batch: batch, floatsPerSample: 36 * layout.tilesPerSample * channels,
                                             budget: sharedTransformBudget)
    }

    // MARK: Filter transforms

    /// U[ξ] = (G g Gᵀ)[ξ] for every channel pair, `[36, cin, cout]`; `turned` transforms the
    /// filter turned by 180° (`g[2 − ky, 2 − kx]`).
    static func transformFilter(_ filter: Tensor, inputChannels cin: Int, turned: Bool) -> Tensor {
        let pairs = filter.count / 9
        precondition(pairs == cin * filter.columns && pairs % Lanes.scalarCount == 0,
                     "Winograd: filter \(filter.shape) is not 3×3×\(cin)×cout with cout a multiple of 4")
        return Tensor(shape: [36, cin, filter.columns], unsafeUninitialized: { u in
            filter.scalars.withUnsafeBufferPointer { w in
                let u = u.baseAddress!, w = w.baseAddress!
                let h = UnsafeMutablePointer<Float>.allocate(capacity: 18 * Lanes.scalarCount)
                defer { h.deallocate() }
                for pair in stride(from: 0, to: pairs, by: Lanes.scalarCount) {
                    func tap(_ ky: Int, _ kx: Int) -> Lanes {
                        Lanes.load(w + (turned ? (2 - ky) * 3 + (2 - kx) : ky * 3 + kx) * pairs + pair)
                    }
                    // h = G g (6×3), column by column, then U = h Gᵀ (6×6), row by row.
                    for kx in 0..<3 {
                        store(filterTransform(tap(0, kx), tap(1, kx), tap(2, kx)),
                              to: h + kx * Lanes.scalarCount, stride: 3 * Lanes.scalarCount)
                    }
                    for row in 0..<6 {
                        let at = h + row * 3 * Lanes.scalarCount
                        store(filterTransform(Lanes.load(at), Lanes.load(at + 4), Lanes.load(at + 8)),
                              to: u + row * 6 * pairs + pair, stride: pairs)
                    }
                }
            }
        })
    }

    /// dg = Gᵀ dU G for every channel pair: `[36, cin, cout]` → `[9·cin, cout]` (`[ky, kx, cin, cout]`).
    static func untransformFilterGradient(_ dU: Tensor, inputChannels cin: Int, outputChannels cout: Int) -> Tensor {
        let pairs = cin * cout
        return Tensor(shape: [9 * cin, cout], unsafeUninitialized: { dg in
            dU.scalars.withUnsafeBufferPointer { d in
                let d = d.baseAddress!, dg = dg.baseAddress!
                let k = UnsafeMutablePointer<Float>.allocate(capacity: 18 * Lanes.scalarCount)
                defer { k.deallocate() }
                for pair in stride(from: 0, to: pairs, by: Lanes.scalarCount) {
                    // k = Gᵀ dU (3×6), column by column, then dg = k G (3×3), row by row.
                    for b in 0..<6 {
                        func at(_ a: Int) -> Lanes { Lanes.load(d + (a * 6 + b) * pairs + pair) }
                        store(filterGradientTransform(at(0), at(1), at(2), at(3), at(4), at(5)),
                              to: k + b * Lanes.scalarCount, stride: 6 * Lanes.scalarCount)
                    }
                    for ky in 0..<3 {
                        func at(_ b: Int) -> Lanes { Lanes.load(k + (ky * 6 + b) * Lanes.scalarCount) }
                        store(filterGradientTransform(at(0), at(1), at(2), at(3), at(4), at(5)),
                              to: dg + ky * 3 * pairs + pair, stride: pairs)
                    }
                }
            }
        })
    }

    /// G·(g0, g1, g2).
    @inline(__always)
    private static func filterTransform(_ g0: Lanes, _ g1: Lanes, _ g2: Lanes)
        -> (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes) {
        let outer = g0 + g2, sideways = g0 * (1 / 24) + g2 * (1 / 6), middle = g1 * (1 / 12)
        return (g0 * 0.25, (outer + g1) * (-1 / 6), (outer - g1) * (-1 / 6), sideways + middle, sideways - middle, g2)
    }

    /// Gᵀ·(e0, …, e5).
    @inline(__always)
    private static func filterGradientTransform(_ e0: Lanes, _ e1: Lanes, _ e2: Lanes, _ e3: Lanes, _ e4: Lanes,
                                                _ e5: Lanes) -> (Lanes, Lanes, Lanes) {
        let sum12 = e1 + e2, sum34 = e3 + e4
        return (e0 * 0.25 - sum12 * (1 / 6) + sum34 * (1 / 24),
                (e2 - e1) * (1 / 6) + (e3 - e4) * (1 / 12),
                (sum34 - sum12) * (1 / 6) + e5)
    }

    // MARK: Tile transforms

    /// Where the tiles of one sample sit: `tileRows × tileColumns` tiles of 4×4 outputs, tile
    /// (ty, tx) reading the 6×6 input patch from `(4ty − padTop, 4tx − padLeft)`.
    struct TileLayout {
        let geometry: ConvolutionGeometry
        let tileRows: Int
        let tileColumns: Int

        init(_ g: ConvolutionGeometry) {
            geometry = g
            tileRows = (g.outputHeight + 3) / 4
            tileColumns = (g.outputWidth + 3) / 4
        }

        var tilesPerSample: Int { tileRows * tileColumns }

        /// The sample of `tile` and the first output row and column it covers.
        @inline(__always)
        func origin(of tile: Int) -> (sample: Int, y: Int, x: Int) {
            let within = tile % tilesPerSample
            return (tile / tilesPerSample, 4 * (within / tileColumns), 4 * (within % tileColumns))
        }
    }

    /// Runs `body(tile, patch, scratch)` for every tile of `samples` samples of an
    /// `[samples, height, width, channels]` image, the tiles split over the cores (each core with
    /// `scratchFloats` floats of scratch). `patch[r·patchSize + c]` points at the channels of pixel
    /// `(y − padTop + r, x − padLeft + c)` of the tile's sample, (y, x) the tile's first output, or
    /// at a row of zeros where that pixel lies outside the image, so the transforms have no
    /// branches.
    private static func forEachTile(of image: UnsafePointer<Float>, samples: Int, _ layout: TileLayout,
                                    patchSize: Int, height: Int, width: Int, padTop: Int, padLeft: Int,
                                    channels: Int, scratchFloats: Int, splitOverCores: Bool,
                                    _ body: (Int, UnsafePointer<UnsafePointer<Float>>,
                                             UnsafeMutablePointer<Float>) -> Void) {
        let zeros = UnsafeMutablePointer<Float>.allocate(capacity: channels)
        zeros.initialize(repeating: 0, count: channels)
        defer { zeros.deallocate() }
        ColumnLowering.forEachPart(of: samples * layout.tilesPerSample, splitOverCores: splitOverCores) { tileRange in
            let patch = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: patchSize * patchSize)
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchFloats)
            defer { patch.deallocate(); scratch.deallocate() }
            for tile in tileRange {
                let (n, y, x) = layout.origin(of: tile)
                let sample = image + n * height * width * channels
                for r in 0..<patchSize {
                    let row = y - padTop + r
                    for c in 0..<patchSize {
                        let column = x - padLeft + c
                        let inside = row >= 0 && row < height && column >= 0 && column < width
                        patch[r * patchSize + c] = inside ? sample + (row * width + column) * channels
                                                          : UnsafePointer(zeros)
                    }
                }
                body(tile, patch, scratch)
            }
        }
    }

    /// V = Bᵀ d B for every tile and channel, written `[36, samples·tiles, cin]`.
    static func transformInput(_ image: UnsafePointer<Float>, samples: Int, _ layout: TileLayout, channels: Int,
                               into v: UnsafeMutablePointer<Float>, splitOverCores: Bool) {
        let g = layout.geometry, plane = samples * layout.tilesPerSample * channels
        forEachTile(of: image, samples: samples, layout, patchSize: 6, height: g.inputHeight, width: g.inputWidth,
                    padTop: g.padTop, padLeft: g.padLeft, channels: channels,
                    scratchFloats: 36 * Lanes.scalarCount, splitOverCores: splitOverCores) { tile, source, rows in
            let target = v + tile * channels
            for c in stride(from: 0, to: channels, by: Lanes.scalarCount) {
                // Bᵀ d (6×6), column by column, then V = (Bᵀ d) B, row by row, into the 36 planes.
                for column in 0..<6 {
                    func at(_ row: Int) -> Lanes { Lanes.load(source[row * 6 + column] + c) }
                    store(inputTransform(at(0), at(1), at(2), at(3), at(4), at(5)),
                          to: rows + column * Lanes.scalarCount, stride: 6 * Lanes.scalarCount)
                }
                for row in 0..<6 {
                    func at(_ column: Int) -> Lanes { Lanes.load(rows + (row * 6 + column) * Lanes.scalarCount) }
                    store(inputTransform(at(0), at(1), at(2), at(3), at(4), at(5)),
                          to: target + c + row * 6 * plane, stride: plane)
                }
            }
        }
    }

    /// Bᵀ·(d0, …, d5).
    @inline(__always)
    private static func inputTransform(_ d0: Lanes, _ d1: Lanes, _ d2: Lanes, _ d3: Lanes, _ d4: Lanes, _ d5: Lanes)
        -> (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes) {
        let four = Lanes(repeating: 4), five = Lanes(repeating: 5)
        let a = d4 - four * d2, b = d3 - four * d1
        let c = d4 - d2, e = (d3 - d1) + (d3 - d1)
        return (four * d0 - five * d2 + d4, a + b, a - b, c + e, c - e, four * d1 - five * d3 + d5)
    }

    /// Y = Aᵀ M A for every tile and channel: M `[36, samples·tiles, cout]` → the outputs of
    /// those samples `[samples, oH, oW, cout]` (only the positions inside the image).
    static func transformOutput(_ m: UnsafePointer<Float>, samples: Int, _ layout: TileLayout, channels: Int,
                                into output: UnsafeMutablePointer<Float>, splitOverCores: Bool) {
        let g = layout.geometry, tiles = samples * layout.tilesPerSample
        let plane = tiles * channels
        ColumnLowering.forEachPart(of: tiles, splitOverCores: splitOverCores) { tileRange in
            let columns = UnsafeMutablePointer<Float>.allocate(capacity: 24 * Lanes.scalarCount)
            defer { columns.deallocate() }
            for tile in tileRange {
                let (n, y0, x0) = layout.origin(of: tile)
                let sample = output + n * g.outputPositions * channels
                let source = m + tile * channels
                let rows = min(4, g.outputHeight - y0), width = min(4, g.outputWidth - x0)
                for c in stride(from: 0, to: channels, by: Lanes.scalarCount) {
                    // Aᵀ M (4×6), column by column, then Y = (Aᵀ M) A, row by row, keeping the
                    // outputs inside the image.
                    for column in 0..<6 {
                        func at(_ row: Int) -> Lanes { Lanes.load(source + c + (row * 6 + column) * plane) }
                        let values = outputTransform(at(0), at(1), at(2), at(3), at(4), at(5))
                        store((values.0, values.1, values.2, values.3),
                              to: columns + column * Lanes.scalarCount, stride: 6 * Lanes.scalarCount)
                    }
                    for row in 0..<rows {
                        func at(_ column: Int) -> Lanes { Lanes.load(columns + (row * 6 + column) * Lanes.scalarCount) }
                        let values = outputTransform(at(0), at(1), at(2), at(3), at(4), at(5))
                        let out = sample + ((y0 + row) * g.outputWidth + x0) * channels + c
                        values.0.store(to: out)
                        if width > 1 { values.1.store(to: out + channels) }
                        if width > 2 { values.2.store(to: out + 2 * channels) }
                        if width > 3 { values.3.store(to: out + 3 * channels) }
                    }
                }
            }
        }
    }

    /// Aᵀ·(m0, …, m5).
    @inline(__always)
    private static func outputTransform(_ m0: Lanes, _ m1: Lanes, _ m2: Lanes, _ m3: Lanes, _ m4: Lanes,
                                        _ m5: Lanes) -> (Lanes, Lanes, Lanes, Lanes) {
        let sum12 = m1 + m2, difference12 = m1 - m2, sum34 = m3 + m4, difference34 = m3 - m4
        let two = Lanes(repeating: 2), four = Lanes(repeating: 4), eight = Lanes(repeating: 8)
        return (m0 + sum12 + sum34, difference12 + two * difference34, sum12 + four * sum34,
                difference12 + eight * difference34 + m5)
    }

    /// E = A dY Aᵀ for every tile and channel (the adjoint of `transformOutput`): the output
    /// gradient `[samples, oH, oW, cout]` → `[36, samples·tiles, cout]`, reading zeros past the image.
    static func transformOutputGradient(_ dy: UnsafePointer<Float>, samples: Int, _ layout: TileLayout,
                                        channels: Int, into e: UnsafeMutablePointer<Float>, splitOverCores: Bool) {
        let g = layout.geometry, plane = samples * layout.tilesPerSample * channels
        forEachTile(of: dy, samples: samples, layout, patchSize: 4, height: g.outputHeight, width: g.outputWidth,
                    padTop: 0, padLeft: 0, channels: channels,
                    scratchFloats: 24 * Lanes.scalarCount, splitOverCores: splitOverCores) { tile, source, columns in
            let target = e + tile * channels
            for c in stride(from: 0, to: channels, by: Lanes.scalarCount) {
                // A dY (6×4), column by column, then E = (A dY) Aᵀ, row by row, into the 36 planes.
                for column in 0..<4 {
                    func at(_ row: Int) -> Lanes { Lanes.load(source[row * 4 + column] + c) }
                    store(outputGradientTransform(at(0), at(1), at(2), at(3)),
                          to: columns + column * Lanes.scalarCount, stride: 4 * Lanes.scalarCount)
                }
                for row in 0..<6 {
                    func at(_ column: Int) -> Lanes { Lanes.load(columns + (row * 4 + column) * Lanes.scalarCount) }
                    store(outputGradientTransform(at(0), at(1), at(2), at(3)),
                          to: target + c + row * 6 * plane, stride: plane)
                }
            }
        }
    }

    /// A·(y0, y1, y2, y3), the adjoint of `outputTransform`.
    @inline(__always)
    private static func outputGradientTransform(_ y0: Lanes, _ y1: Lanes, _ y2: Lanes, _ y3: Lanes)
        -> (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes) {
        let even = y0 + y2, odd = y1 + y3
        let two = Lanes(repeating: 2), four = Lanes(repeating: 4), eight = Lanes(repeating: 8)
        let evenScaled = y0 + four * y2, oddScaled = two * y1 + eight * y3
        return (y0, even + odd, even - odd, evenScaled + oddScaled, evenScaled - oddScaled, y3)
    }

    // MARK: Helpers

    /// The transforms' vector: four channels (one register of the baseline instruction set, so
    /// a column of six stays in registers).
    typealias Lanes = SIMD4<Float>

    /// Stores the values at `p`, `p + stride`, `p + 2·stride`, … (strides in floats).
    @inline(__always)
    private static func store(_ values: (Lanes, Lanes, Lanes), to p: UnsafeMutablePointer<Float>, stride: Int) {
        values.0.store(to: p)
        values.1.store(to: p + stride)
        values.2.store(to: p + 2 * stride)
    }

    @inline(__always)
    private static func store(_ values: (Lanes, Lanes, Lanes, Lanes), to p: UnsafeMutablePointer<Float>, stride: Int) {
        store((values.0, values.1, values.2), to: p, stride: stride)
        values.3.store(to: p + 3 * stride)
    }

    @inline(__always)
    private static func store(_ values: (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes), to p: UnsafeMutablePointer<Float>,
                              stride: Int) {
        store((values.0, values.1, values.2), to: p, stride: stride)
        store((values.3, values.4, values.5), to: p + 3 * stride, stride: stride)
    }
}

extension SIMD4 where Scalar == Float {
    @inline(__always)
    fileprivate static func load(_ p: UnsafePointer<Float>) -> Self {
        UnsafeRawPointer(p).loadUnaligned(as: Self.self)
    }

    @inline(__always)
    fileprivate static func load(_ p: UnsafeMutablePointer<Float>) -> Self {
        load(UnsafePointer(p))
    }

    @inline(__always)
    fileprivate func store(to p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: self, as: Self.self)
    }
}
