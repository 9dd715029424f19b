// The dense layers' matrix products in sixteen-lane registers, without OpenBLAS's packing.
//
// This module is compiled with AVX-512F (Package.swift) and must only be called where the
// processor has it: `DenseProducts` in TensorCore checks that once and falls back to OpenBLAS.
//
// Why not OpenBLAS: a dense layer at batch 100 multiplies a [100, 1024] activation by a
// [1024, 1024] weight. OpenBLAS copies ("packs") the 4 MB weight into its panel layout for
// every product and zeroes each weight gradient before accumulating into it; at m = 100 that
// traffic is a fifth of the work, and `vae-bench --breakdown` timed its products inside the
// step at 88–155 GFLOP/s on two cores, against 226 for the cores' multiply-adds alone. These
// tiles read both operands as stored (rows of the weight are contiguous in the direction each
// product walks) and write each output once. docs/DESIGN.md has the measurements.
//
// Each output element is summed by one tile in a fixed order, whatever rows or columns a
// caller's thread is given, so the result does not depend on how the work is split.

import CStreamingStores

/// Sixteen lanes of `pointer`, unaligned.
@inline(__always)
private func lanes(_ pointer: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always)
private func store(_ value: SIMD16<Float>, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD16<Float>.self)
}

@inline(__always)
private func store(_ value: SIMD4<Float>, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD4<Float>.self)
}

/// The sums of the lanes of four vectors, in one: halves added pairwise, three times, the
/// four vectors side by side (a dozen shuffles and adds, where four separate sums take
/// sixteen of each).
@inline(__always)
private func lanesSummed(_ s0: SIMD16<Float>, _ s1: SIMD16<Float>, _ s2: SIMD16<Float>, _ s3: SIMD16<Float>) -> SIMD4<Float> {
    let eights01 = SIMD16(lowHalf: s0.lowHalf + s0.highHalf, highHalf: s1.lowHalf + s1.highHalf)
    let eights23 = SIMD16(lowHalf: s2.lowHalf + s2.highHalf, highHalf: s3.lowHalf + s3.highHalf)
    let fours = SIMD16(lowHalf: eights01.evenHalf + eights01.oddHalf, highHalf: eights23.evenHalf + eights23.oddHalf)
    let twos = fours.evenHalf + fours.oddHalf
    return twos.evenHalf + twos.oddHalf
}

/// `C[i, j] = Σ_p A[i, p] · B[j, p]` (C = A·Bᵀ) for `i` in `rows` and `j` in `columns`: the input
/// gradient of a dense layer, `dOut · Wᵀ`, where both operands' rows run along the sum.
///
/// Tiles of four rows by four columns keep sixteen dot products in registers, each sixteen
/// lanes wide, and sum their lanes at the end (`lanesSummed`); `depth` need not be a multiple of sixteen (the
/// rest is added after the lanes' sum). `rows` and `columns` must hold multiples of four.
public func dotProductTiles(_ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                            _ c: UnsafeMutablePointer<Float>, ldc: Int,
                            rows: Range<Int>, columns: Range<Int>, depth: Int) {
    precondition(rows.count % 4 == 0 && columns.count % 4 == 0, "dotProductTiles: rows and columns in fours")
    let laneDepth = depth - depth % 16
    var j = columns.lowerBound
    while j < columns.upperBound {
        let b0 = b + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb
        var i = rows.lowerBound
        while i < rows.upperBound {
            let a0 = a + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda
            var s00 = SIMD16<Float>(), s01 = SIMD16<Float>(), s02 = SIMD16<Float>(), s03 = SIMD16<Float>()
            var s10 = SIMD16<Float>(), s11 = SIMD16<Float>(), s12 = SIMD16<Float>(), s13 = SIMD16<Float>()
            var s20 = SIMD16<Float>(), s21 = SIMD16<Float>(), s22 = SIMD16<Float>(), s23 = SIMD16<Float>()
            var s30 = SIMD16<Float>(), s31 = SIMD16<Float>(), s32 = SIMD16<Float>(), s33 = SIMD16<Float>()
            var p = 0
            while p < laneDepth {
                let x0 = lanes(a0 + p), x1 = lanes(a1 + p), x2 = lanes(a2 + p), x3 = lanes(a3 + p)
                let w0 = lanes(b0 + p), w1 = lanes(b1 + p), w2 = lanes(b2 + p), w3 = lanes(b3 + p)
                s00.addProduct(x0, w0); s01.addProduct(x0, w1); s02.addProduct(x0, w2); s03.addProduct(x0, w3)
                s10.addProduct(x1, w0); s11.addProduct(x1, w1); s12.addProduct(x1, w2); s13.addProduct(x1, w3)
                s20.addProduct(x2, w0); s21.addProduct(x2, w1); s22.addProduct(x2, w2); s23.addProduct(x2, w3)
                s30.addProduct(x3, w0); s31.addProduct(x3, w1); s32.addProduct(x3, w2); s33.addProduct(x3, w3)
                p += 16
            }
            let out = c + i * ldc + j
            store(lanesSummed(s00, s01, s02, s03), out)
            store(lanesSummed(s10, s11, s12, s13), out + ldc)
            store(lanesSummed(s20, s21, s22, s23), out + 2 * ldc)
            store(lanesSummed(s30, s31, s32, s33), out + 3 * ldc)
            if laneDepth < depth {
                for r in 0..<4 {
                    for q in 0..<4 {
                        var sum = out[r * ldc + q]
                        for p in laneDepth..<depth { sum += a[(i + r) * lda + p] * b[(j + q) * ldb + p] }
                        out[r * ldc + q] = sum
                    }
                }
            }
            i += 4
        }
        j += 4
    }
}

/// `C[i, j] = Σ_p a(i, p) · B[p, j]` for `i` in `rows` and `j` in `columns`, where
/// `a(i, p) = a[i · rowStride + p · depthStride]`: with strides `(lda, 1)` the product A·B (a
/// dense layer's forward, `x · W`), with `(1, lda)` the product Aᵀ·B (its weight gradient,
/// `xᵀ · dOut`, summed over the batch).
///
/// Tiles of four rows by sixty-four columns: each step of the sum broadcasts four elements of
/// `a` and multiplies them with four sixteen-lane slices of a row of B; the last columns are
/// taken sixteen at a time. The output is taken `rowBlock` rows at a time, and within them the
/// sum runs over `depthBlock` rows of B at a time, so that the values of `a` a block reads and
/// the slice of B a column of tiles reads (64 columns × 256 rows, 64 KB) stay in the core's
/// cache while they are reused. A tile's sums are stored between depth blocks and resumed from
/// memory, which leaves the order of the additions, and so the result, as without blocks.
/// Nothing is zeroed first. `rows` must hold a multiple of four and `columns` of sixteen.
///
/// `streamingOutput` writes the finished sums with streaming stores, which neither read C's
/// cache lines first nor keep them: for a weight gradient, which nothing reads until the
/// optimiser sweeps every gradient after the backward pass, by when it has left the core's
/// caches anyway. That halves the product's memory traffic for C (docs/DESIGN.md). The values
/// are those of ordinary stores. C must then be 16-byte aligned with `ldc` a multiple of four
/// (as a Swift array's elements are); otherwise the stores are ordinary.
public func rowCombinationTiles(_ a: UnsafePointer<Float>, rowStride: Int, depthStride: Int,
                                _ b: UnsafePointer<Float>, ldb: Int,
                                _ c: UnsafeMutablePointer<Float>, ldc: Int,
                                rows: Range<Int>, columns: Range<Int>, depth: Int,
                                streamingOutput: Bool = false) {
    precondition(rows.count % 4 == 0 && columns.count % 16 == 0, "rowCombinationTiles: rows in fours, columns in sixteens")
    let streams = streamingOutput && Int(bitPattern: c) % 16 == 0 && ldc % 4 == 0
    defer { if streams { vae_streaming_stores_fence() } }
    var firstRow = rows.lowerBound
    while firstRow < rows.upperBound {
        let lastRow = min(firstRow + rowBlock, rows.upperBound)
        var start = 0
        repeat {
            let end = min(start + depthBlock, depth)
            rowCombinationBlock(a, rowStride: rowStride, depthStride: depthStride, b, ldb: ldb, c, ldc: ldc,
                                rows: firstRow..<lastRow, columns: columns, depths: start..<end,
                                streams: streams && end == depth)
            start = end
        } while start < depth
        firstRow = lastRow
    }
}

/// The rows of B a tile of `rowCombinationTiles` walks before moving on.
let depthBlock = 256

/// The output rows whose values of `a` (at most 128 × 256 of them, 128 KB) are reused from the
/// cache across every column of tiles: a weight gradient of 12544 rows would otherwise read its
/// 5 MB `xᵀ` once for every 64 columns.
let rowBlock = 128

/// `rowCombinationTiles` over `depths` only: adds their terms to C, or writes C where `depths`
/// starts at zero; the 64-column tiles with streaming stores where `streams` (the last block).
@inline(__always)
private func rowCombinationBlock(_ a: UnsafePointer<Float>, rowStride: Int, depthStride: Int,
                                 _ b: UnsafePointer<Float>, ldb: Int,
                                 _ c: UnsafeMutablePointer<Float>, ldc: Int,
                                 rows: Range<Int>, columns: Range<Int>, depths: Range<Int>, streams: Bool) {
    let resumes = depths.lowerBound > 0
    @inline(__always) func resumed(_ pointer: UnsafeMutablePointer<Float>) -> SIMD16<Float> {
        resumes ? lanes(pointer) : SIMD16<Float>()
    }
    /// A 64-column tile's sums, streamed past the caches where `streams`.
    @inline(__always) func finish(_ value: SIMD16<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        if streams { vae_stream_store16(pointer, value) } else { store(value, pointer) }
    }
    var j = columns.lowerBound
    while j + 64 <= columns.upperBound {
        var i = rows.lowerBound
        while i < rows.upperBound {
            let a0 = a + i * rowStride, a1 = a0 + rowStride, a2 = a1 + rowStride, a3 = a2 + rowStride
            let c0 = c + i * ldc + j, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
            var s00 = resumed(c0), s01 = resumed(c0 + 16), s02 = resumed(c0 + 32), s03 = resumed(c0 + 48)
            var s10 = resumed(c1), s11 = resumed(c1 + 16), s12 = resumed(c1 + 32), s13 = resumed(c1 + 48)
            var s20 = resumed(c2), s21 = resumed(c2 + 16), s22 = resumed(c2 + 32), s23 = resumed(c2 + 48)
            var s30 = resumed(c3), s31 = resumed(c3 + 16), s32 = resumed(c3 + 32), s33 = resumed(c3 + 48)
            var row = b + depths.lowerBound * ldb + j
            var offset = depths.lowerBound * depthStride
            for _ in depths {
                let w0 = lanes(row), w1 = lanes(row + 16), w2 = lanes(row + 32), w3 = lanes(row + 48)
                let x0 = SIMD16<Float>(repeating: a0[offset]), x1 = SIMD16<Float>(repeating: a1[offset])
                let x2 = SIMD16<Float>(repeating: a2[offset]), x3 = SIMD16<Float>(repeating: a3[offset])
                s00.addProduct(x0, w0); s01.addProduct(x0, w1); s02.addProduct(x0, w2); s03.addProduct(x0, w3)
                s10.addProduct(x1, w0); s11.addProduct(x1, w1); s12.addProduct(x1, w2); s13.addProduct(x1, w3)
                s20.addProduct(x2, w0); s21.addProduct(x2, w1); s22.addProduct(x2, w2); s23.addProduct(x2, w3)
                s30.addProduct(x3, w0); s31.addProduct(x3, w1); s32.addProduct(x3, w2); s33.addProduct(x3, w3)
                row += ldb
                offset += depthStride
            }
            finish(s00, c0); finish(s01, c0 + 16); finish(s02, c0 + 32); finish(s03, c0 + 48)
            finish(s10, c1); finish(s11, c1 + 16); finish(s12, c1 + 32); finish(s13, c1 + 48)
            finish(s20, c2); finish(s21, c2 + 16); finish(s22, c2 + 32); finish(s23, c2 + 48)
            finish(s30, c3); finish(s31, c3 + 16); finish(s32, c3 + 32); finish(s33, c3 + 48)
            i += 4
        }
        j += 64
    }
    while j < columns.upperBound {
        var i = rows.lowerBound
        while i < rows.upperBound {
            let a0 = a + i * rowStride, a1 = a0 + rowStride, a2 = a1 + rowStride, a3 = a2 + rowStride
            let out = c + i * ldc + j
            var s0 = resumed(out), s1 = resumed(out + ldc), s2 = resumed(out + 2 * ldc), s3 = resumed(out + 3 * ldc)
            var row = b + depths.lowerBound * ldb + j
            var offset = depths.lowerBound * depthStride
            for _ in depths {
                let w = lanes(row)
                s0.addProduct(SIMD16<Float>(repeating: a0[offset]), w)
                s1.addProduct(SIMD16<Float>(repeating: a1[offset]), w)
                s2.addProduct(SIMD16<Float>(repeating: a2[offset]), w)
                s3.addProduct(SIMD16<Float>(repeating: a3[offset]), w)
                row += ldb
                offset += depthStride
            }
            store(s0, out); store(s1, out + ldc); store(s2, out + 2 * ldc); store(s3, out + 3 * ldc)
            i += 4
        }
        j += 16
    }
}
