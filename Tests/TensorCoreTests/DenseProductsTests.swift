import _Differentiation
import AVX512Products
import Randomness
import XCTest
@testable import TensorCore

/// The dense layers' AVX-512 product tiles against exact sums and against OpenBLAS, and the
/// choice between the two.
final class DenseProductsTests: XCTestCase {
    /// The tiles are compiled for AVX-512F: on a processor without it they are never called.
    private func skipWithoutAVX512() throws {
        try XCTSkipUnless(DenseProducts.hasAVX512(cpuFlags: OpenBLASCore.cpuFlags()), "this processor has no AVX-512F")
    }

    /// A [rows, columns] matrix of small integers: every product and partial sum below is an
    /// integer under 2²⁴, so any summation order gives the exact value.
    private func integers(_ rows: Int, _ columns: Int, _ generator: inout SeededGenerator) -> [Float] {
        (0..<(rows * columns)).map { _ in Float(generator.uniformInt(below: 9)) - 4 }
    }

    private func random(_ rows: Int, _ columns: Int, _ generator: inout SeededGenerator) -> [Float] {
        (0..<(rows * columns)).map { _ in generator.uniformFloat() * 2 - 1 }
    }

    /// C = op(A)·op(B) summed in Double, A stored [m, k] (or [k, m] read transposed), B [k, n]
    /// (or [n, k] read transposed).
    private func reference(_ a: [Float], _ b: [Float], transposeA: Bool, transposeB: Bool,
                           m: Int, n: Int, k: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let x = transposeA ? a[p * m + i] : a[i * k + p]
                    let y = transposeB ? b[j * k + p] : b[p * n + j]
                    sum += Double(x) * Double(y)
                }
                c[i * n + j] = sum
            }
        }
        return c
    }

    private func tiles(_ a: [Float], _ b: [Float], transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                       rows: Range<Int>? = nil, columns: Range<Int>? = nil, into c: inout [Float]) {
        let rows = rows ?? 0..<m, columns = columns ?? 0..<n
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    switch (transposeA, transposeB) {
                    case (false, true):
                        dotProductTiles(a.baseAddress!, lda: k, b.baseAddress!, ldb: k, c.baseAddress!, ldc: n,
                                        rows: rows, columns: columns, depth: k)
                    case (false, false):
                        rowCombinationTiles(a.baseAddress!, rowStride: k, depthStride: 1, b.baseAddress!, ldb: n,
                                            c.baseAddress!, ldc: n, rows: rows, columns: columns, depth: k)
                    case (true, false):
                        rowCombinationTiles(a.baseAddress!, rowStride: 1, depthStride: m, b.baseAddress!, ldb: n,
                                            c.baseAddress!, ldc: n, rows: rows, columns: columns, depth: k)
                    case (true, true):
                        XCTFail("no tiles for Aᵀ·Bᵀ")
                    }
                }
            }
        }
    }

    /// Shapes with a depth that is not a multiple of sixteen (the dot products' scalar rest) and
    /// column counts that leave sixteen-wide strips after the sixty-four-wide tiles.
    private let shapes: [(m: Int, n: Int, k: Int)] = [(4, 16, 16), (8, 80, 37), (12, 48, 100), (100, 144, 784)]

    func testEachTileFormGivesTheExactSumOfIntegerMatrices() throws {
        try skipWithoutAVX512()
        var generator = SeededGenerator(seed: 11)
        for (transposeA, transposeB) in [(false, true), (false, false), (true, false)] {
            for (m, n, k) in shapes {
                let a = integers(m, k, &generator), b = integers(k, n, &generator)
                var c = [Float](repeating: .nan, count: m * n)
                tiles(a, b, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, into: &c)
                let exact = reference(a, b, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k)
                XCTAssertEqual(c, exact.map(Float.init), "op(A)ᵀ \(transposeA), op(B)ᵀ \(transposeB), \(m)×\(n)×\(k)")
            }
        }
    }

    func testRandomProductsAgreeWithOpenBLASToRoundingAndDoNotDependOnTheSplit() throws {
        try skipWithoutAVX512()
        var generator = SeededGenerator(seed: 12)
        let (m, n, k) = (100, 1040, 784)
        for (transposeA, transposeB) in [(false, true), (false, false), (true, false)] {
            let a = random(m, k, &generator), b = random(k, n, &generator)
            var whole = [Float](repeating: .nan, count: m * n)
            tiles(a, b, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, into: &whole)
            var blas = [Float](repeating: .nan, count: m * n)
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    blas.withUnsafeMutableBufferPointer { c in
                        BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                  a.baseAddress!, lda: transposeA ? m : k, b.baseAddress!, ldb: transposeB ? k : n,
                                  c.baseAddress!, ldc: n)
                    }
                }
            }
            // Float's rounding over 784 terms of magnitude below 1: a few units in the last place of the sum of magnitudes.
            let worst = zip(whole, blas).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(worst, 784 * 1e-6, "op(A)ᵀ \(transposeA), op(B)ᵀ \(transposeB)")
            XCTAssertGreaterThan(whole.map(abs).max()!, 1, "a product of random matrices, not zeros")
            // The same product in two pieces, split as two cores would split it: the same bits.
            var split = [Float](repeating: .nan, count: m * n)
            if transposeA {
                tiles(a, b, transposeA: true, transposeB: false, m: m, n: n, k: k, rows: 0..<48, into: &split)
                tiles(a, b, transposeA: true, transposeB: false, m: m, n: n, k: k, rows: 48..<100, into: &split)
            } else {
                tiles(a, b, transposeA: false, transposeB: transposeB, m: m, n: n, k: k, columns: 0..<528, into: &split)
                tiles(a, b, transposeA: false, transposeB: transposeB, m: m, n: n, k: k, columns: 528..<1040, into: &split)
            }
            XCTAssertEqual(split.map(\.bitPattern), whole.map(\.bitPattern))
        }
    }

    func testFittingProductsGoToTheTilesAndTheRestToOpenBLAS() throws {
        try skipWithoutAVX512()
        var generator = SeededGenerator(seed: 13)
        func routed(_ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int) -> Bool {
            let a = random(m, k, &generator), b = random(k, n, &generator)
            var c = [Float](repeating: 0, count: m * n)
            return a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        DenseProducts.tilesProduct(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                                   a.baseAddress!, lda: transposeA ? m : k, b.baseAddress!,
                                                   ldb: transposeB ? k : n, c.baseAddress!, ldc: n)
                    }
                }
            }
        }
        // A dense layer 1024 → 1024 at batch 100: forward, input gradient, weight gradient.
        XCTAssertTrue(routed(false, false, 100, 1024, 1024))
        XCTAssertTrue(routed(false, true, 100, 1024, 1024))
        XCTAssertTrue(routed(true, false, 1024, 1024, 100))
        // A classifier head 1024 → 10 and a 2-D latent's layer: small, through transposed copies.
        XCTAssertTrue(routed(false, false, 100, 10, 1024))
        XCTAssertTrue(routed(false, true, 100, 1024, 10))
        XCTAssertTrue(routed(true, false, 1024, 10, 100))
        XCTAssertTrue(routed(false, true, 100, 1024, 2))
        XCTAssertFalse(routed(false, false, 100, 10, 12544), "a large narrow product stays with OpenBLAS's threads")
        XCTAssertFalse(routed(false, true, 100, 10, 2), "short depth and a narrow output")
        XCTAssertFalse(routed(false, false, 98, 1024, 1024), "98 rows are not whole tiles")
        XCTAssertFalse(routed(true, true, 128, 128, 512), "Aᵀ·Bᵀ has no tiles")
    }

    func testTheTilesNeedAVX512FAndWhatItImplies() {
        XCTAssertTrue(DenseProducts.hasAVX512(cpuFlags: ["sse2", "avx2", "fma", "f16c", "avx512f", "avx512bw"]))
        XCTAssertFalse(DenseProducts.hasAVX512(cpuFlags: ["sse2", "avx2", "fma", "f16c"]))
        XCTAssertFalse(DenseProducts.hasAVX512(cpuFlags: []))
    }
}

extension DenseProductsTests {
    /// A dense layer's forward and weight gradient add their terms in the order of the sum,
    /// one fused multiply-add after another, whatever the depth blocks: the same bits as that
    /// chain written out, for random values (not only for integers, whose sums any order gets).
    func testRowCombinationsAreTheChainOfFusedMultiplyAddsInOrder() throws {
        try skipWithoutAVX512()
        var generator = SeededGenerator(seed: 14)
        let (m, n, k) = (136, 80, 600)  // two row blocks and three depth blocks, the last ones short
        for transposeA in [false, true] {
            let a = random(m, k, &generator), b = random(k, n, &generator)
            var c = [Float](repeating: .nan, count: m * n)
            tiles(a, b, transposeA: transposeA, transposeB: false, m: m, n: n, k: k, into: &c)
            for i in 0..<m {
                for j in 0..<n {
                    var chain: Float = 0
                    for p in 0..<k { chain.addProduct(transposeA ? a[p * m + i] : a[i * k + p], b[p * n + j]) }
                    XCTAssertEqual(c[i * n + j].bitPattern, chain.bitPattern, "(\(i), \(j)), Aᵀ \(transposeA)")
                }
            }
        }
    }

    /// Small products with a side narrower than the tiles (a head's forward and gradients, a
    /// short depth) go through a transposed copy of the narrow operand: the exact sums of
    /// integer matrices, for widths that leave a zero-padded row or column, and C with a row
    /// stride wider than its columns (its other values untouched).
    func testNarrowProductsGiveTheExactSumsThroughTransposedCopies() throws {
        try skipWithoutAVX512()
        var generator = SeededGenerator(seed: 17)
        let cases: [(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int)] = [
            (false, true, 12, 48, 3), (false, true, 100, 1024, 2), (false, true, 8, 16, 10),
            (false, false, 12, 10, 37), (false, false, 8, 2, 64), (false, false, 100, 7, 1024),
            (true, false, 32, 10, 20), (true, false, 1024, 2, 100), (true, false, 48, 5, 7),
        ]
        for (transposeA, transposeB, m, n, k) in cases {
            let a = integers(m, k, &generator), b = integers(k, n, &generator)
            let ldc = n + 3
            var c = [Float](repeating: .nan, count: m * ldc)
            let routed = a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        DenseProducts.tilesProduct(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                                   a.baseAddress!, lda: transposeA ? m : k, b.baseAddress!,
                                                   ldb: transposeB ? k : n, c.baseAddress!, ldc: ldc)
                    }
                }
            }
            let name = "op(A)ᵀ \(transposeA), op(B)ᵀ \(transposeB), \(m)×\(n)×\(k)"
            XCTAssertTrue(routed, name)
            let exact = reference(a, b, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k)
            for i in 0..<m {
                XCTAssertEqual(Array(c[(i * ldc)..<(i * ldc + n)]), exact[(i * n)..<(i * n + n)].map(Float.init), "\(name), row \(i)")
                XCTAssertTrue(c[(i * ldc + n)..<(i * ldc + ldc)].allSatisfy(\.isNaN), "\(name), row \(i): past the columns")
            }
        }
    }

    /// Streaming stores (a weight gradient's) write the same bits as ordinary ones: over three
    /// depth blocks, of which only the last is streamed and the first two are resumed from C,
    /// with the sixteen-wide strips after the sixty-four-wide tiles, and at a C that is not
    /// 16-byte aligned (where the tiles fall back to ordinary stores).
    func testStreamedOutputsAreTheBitsOfStoredOnes() throws {
        try skipWithoutAVX512()
        var generator = SeededGenerator(seed: 16)
        let (m, n, k) = (136, 80, 600)
        for transposeA in [false, true] {
            let a = random(m, k, &generator), b = random(k, n, &generator)
            var stored = [Float](repeating: .nan, count: m * n)
            tiles(a, b, transposeA: transposeA, transposeB: false, m: m, n: n, k: k, into: &stored)
            for misalignment in [0, 1] {
                var streamed = [Float](repeating: .nan, count: m * n + 1)
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        streamed.withUnsafeMutableBufferPointer { c in
                            let output = c.baseAddress! + misalignment
                            if misalignment == 0 {
                                XCTAssertEqual(Int(bitPattern: output) % 16, 0, "an array's elements: the streamed path")
                            }
                            rowCombinationTiles(a.baseAddress!, rowStride: transposeA ? 1 : k, depthStride: transposeA ? m : 1,
                                                b.baseAddress!, ldb: n, output, ldc: n, rows: 0..<m, columns: 0..<n,
                                                depth: k, streamingOutput: true)
                        }
                    }
                }
                XCTAssertEqual(Array(streamed[misalignment..<(misalignment + m * n)]).map(\.bitPattern), stored.map(\.bitPattern),
                               "Aᵀ \(transposeA), C misaligned by \(misalignment) floats")
            }
        }
    }

    /// `matmul` and both its gradients at the size of a dense layer, through the tiles, against
    /// OpenBLAS's products of the same operands.
    func testADenseLayerAndItsGradientsThroughTheTilesMatchOpenBLAS() throws {
        try skipWithoutAVX512()
        var generator = SeededGenerator(seed: 15)
        let (batch, inputs, outputs) = (100, 256, 192)
        let x = Tensor(shape: [batch, inputs], scalars: random(batch, inputs, &generator))
        let w = Tensor(shape: [inputs, outputs], scalars: random(inputs, outputs, &generator))
        let upstream = Tensor(shape: [batch, outputs], scalars: random(batch, outputs, &generator))
        let (y, pullback) = valueWithPullback(at: x, w) { matmul($0, $1) }
        let (dx, dw) = pullback(upstream)
        func blas(_ transposeA: Bool, _ transposeB: Bool, _ a: Tensor, _ b: Tensor, m: Int, n: Int, k: Int) -> [Float] {
            var c = [Float](repeating: .nan, count: m * n)
            a.scalars.withUnsafeBufferPointer { a in
                b.scalars.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                  a.baseAddress!, lda: transposeA ? m : k, b.baseAddress!, ldb: transposeB ? k : n,
                                  c.baseAddress!, ldc: n)
                    }
                }
            }
            return c
        }
        let products = ProductClock.measuring { _ = pullback(upstream) }
        XCTAssertEqual(products.calls, 2)
        for (ours, theirs, name) in [(y.scalars, blas(false, false, x, w, m: batch, n: outputs, k: inputs), "x·W"),
                                     (dx.scalars, blas(false, true, upstream, w, m: batch, n: inputs, k: outputs), "dOut·Wᵀ"),
                                     (dw.scalars, blas(true, false, x, upstream, m: inputs, n: outputs, k: batch), "xᵀ·dOut")] {
            XCTAssertEqual(ours.count, theirs.count, name)
            XCTAssertLessThan(zip(ours, theirs).map { abs($0 - $1) }.max()!, 1e-4, name)
            XCTAssertGreaterThan(ours.map(abs).max()!, 1, name)
        }
    }
}
