import AVX512Products
import Foundation

/// The matrix products of a dense layer (`matmul` and its two gradients): our AVX-512 tiles
/// (the `AVX512Products` module) where the processor has AVX-512F and the product fits their
/// tiles (directly, or for small products through a transposed copy of a narrow operand),
/// OpenBLAS otherwise.
///
/// The tiles read the weight as stored where OpenBLAS packs it again for every product; at a
/// batch of 100 they ran the dense step's large products at 135–155 GFLOP/s inside the step
/// where OpenBLAS ran them at 117–146 in the same minutes (docs/DESIGN.md, "Dense layers'
/// products"). Their sums are ordered differently from OpenBLAS's, so a run's numbers change
/// within floating-point reassociation; each run file records which kernels ran
/// (`machine.denseProducts`), and `VAE_DENSE_PRODUCTS=openblas` in the environment keeps every
/// product in OpenBLAS (to reproduce a run made without the tiles bit for bit, or to compare).
public enum DenseProducts {
    public enum Kernels: String, Sendable {
        case avx512Tiles = "AVX-512 tiles"
        case openBLAS = "OpenBLAS"
    }

    /// The kernels this process uses for large dense products, decided once: OpenBLAS where
    /// `VAE_DENSE_PRODUCTS` is `openblas` or the processor lacks AVX-512F, the tiles otherwise
    /// (`VAE_DENSE_PRODUCTS=tiles` or unset). Any other value stops the process with a message.
    public static let kernels: Kernels = {
        let setting = ProcessInfo.processInfo.environment["VAE_DENSE_PRODUCTS"]
        let choice = setting?.lowercased()
        guard choice == nil || choice == "tiles" || choice == "openblas" else {
            fputs("error: VAE_DENSE_PRODUCTS=\(setting!) is neither 'tiles' nor 'openblas'\n", stderr)
            exit(2)
        }
        #if arch(x86_64)
        return choice != "openblas" && hasAVX512(cpuFlags: OpenBLASCore.cpuFlags()) ? .avx512Tiles : .openBLAS
        #else
        return .openBLAS
        #endif
    }()

    /// Whether /proc/cpuinfo's flags include what `AVX512Products` is compiled for (AVX-512F
    /// and the AVX2, FMA and F16C it implies). Linux lists AVX-512 only where the kernel also
    /// saves the wide registers, so the flags cover the operating system's side too.
    public static func hasAVX512(cpuFlags: Set<String>) -> Bool {
        ["avx512f", "avx2", "fma", "f16c"].allSatisfy(cpuFlags.contains)
    }

    /// Products with a side narrower than the tiles go through a transposed copy of that
    /// operand on the calling thread below this many multiply-adds (the heads, a 2-D latent's
    /// layers); from it on they stay with OpenBLAS, whose threads split them.
    public static let narrowCopyMultiplyAdds = 1 << 22

    /// C = op(A) · op(B) with op as in `BLAS.gemm` (alpha 1, beta 0: C is overwritten).
    ///
    /// `streamingOutput` says C will not be read soon (a weight gradient, which waits for the
    /// optimiser until the backward pass is over): the tiles then write Aᵀ·B with streaming
    /// stores that bypass the caches (`rowCombinationTiles`). The values are the same either way.
    public static func gemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                            _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                            _ c: UnsafeMutablePointer<Float>, ldc: Int, streamingOutput: Bool = false) {
        if kernels == .avx512Tiles,
           tilesProduct(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                        a, lda: lda, b, ldb: ldb, c, ldc: ldc, streamingOutput: streamingOutput) {
            return
        }
        BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                  a, lda: lda, b, ldb: ldb, c, ldc: ldc)
    }

    /// The product with the AVX-512 tiles; false (and nothing written) where it does not fit
    /// them (below) or is Aᵀ·Bᵀ. Products that fit are split over the cores (`ProductWorkers`'
    /// spinning helpers take a part within microseconds, so even the small ones are split).
    /// Each output element is summed on one thread in an order that does not depend on the
    /// split, so the result is the same on any number of cores.
    ///
    /// The tiles take rows in fours and columns in sixteens (fours for A·Bᵀ, whose sums run
    /// sixteen lanes deep). A small product with a side narrower than that (a classifier's
    /// 10 columns, a 2-D latent's 2) goes through a transposed copy of its narrow operand, a
    /// few thousand values, on the calling thread: in OpenBLAS these heads ran at 3–20 GFLOP/s inside the dense step
    /// and took about as long as two of its 1024 × 1024 products.
    static func tilesProduct(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                             _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                             _ c: UnsafeMutablePointer<Float>, ldc: Int, streamingOutput: Bool = false) -> Bool {
        let narrowCopyFits = m * n * k < narrowCopyMultiplyAdds
        let shape = ProductShape(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k)
        switch (transposeA, transposeB) {
        case (false, true) where m % 4 == 0 && n % 4 == 0 && k >= 16:
            // dOut · Wᵀ: dot products along the rows of both; the columns split in fours
            ProductClock.time(shape) {
                splitting(units: n / 4) { parts in
                    dotProductTiles(a, lda: lda, b, ldb: ldb, c, ldc: ldc, rows: 0..<m,
                                    columns: parts.lowerBound * 4..<parts.upperBound * 4, depth: k)
                }
            }
        case (false, true) where narrowCopyFits && m % 4 == 0 && n % 16 == 0:
            // Too short for sixteen-lane dot products (the input gradient of a narrow layer):
            // A · (Bᵀ), with Bᵀ written out as k rows of n.
            ProductClock.time(shape) {
                withScratch(k * n) { bt in
                    transpose(b, ld: ldb, rows: n, columns: k, into: bt, ld: n)
                    rowCombinationTiles(a, rowStride: lda, depthStride: 1, bt, ldb: n, c, ldc: ldc,
                                        rows: 0..<m, columns: 0..<n, depth: k)
                }
            }
        case (false, false) where m % 4 == 0 && n % 16 == 0:
            // x · W: rows of W combined; the columns split in sixteens
            ProductClock.time(shape) {
                splitting(units: n / 16) { parts in
                    rowCombinationTiles(a, rowStride: lda, depthStride: 1, b, ldb: ldb, c, ldc: ldc, rows: 0..<m,
                                        columns: parts.lowerBound * 16..<parts.upperBound * 16, depth: k)
                }
            }
        case (false, false) where narrowCopyFits && m % 4 == 0 && k >= 16:
            // Fewer columns than a strip (a head's forward): dot products of A's rows with B's
            // columns, written out as rows (zero rows up to a multiple of four), into a padded C.
            let width = (n + 3) / 4 * 4
            ProductClock.time(shape) {
                withScratch(width * k + m * width) { scratch in
                    let bt = scratch, padded = scratch + width * k
                    transpose(b, ld: ldb, rows: k, columns: n, into: bt, ld: k)
                    bt.advanced(by: n * k).update(repeating: 0, count: (width - n) * k)
                    dotProductTiles(a, lda: lda, bt, ldb: k, padded, ldc: width, rows: 0..<m, columns: 0..<width, depth: k)
                    for i in 0..<m { (c + i * ldc).update(from: padded + i * width, count: n) }
                }
            }
        case (true, false) where m % 4 == 0 && n % 16 == 0:
            // xᵀ · dOut: the rows split in fours
            ProductClock.time(shape) {
                splitting(units: m / 4) { parts in
                    rowCombinationTiles(a, rowStride: 1, depthStride: lda, b, ldb: ldb, c, ldc: ldc,
                                        rows: parts.lowerBound * 4..<parts.upperBound * 4, columns: 0..<n, depth: k,
                                        streamingOutput: streamingOutput)
                }
            }
        case (true, false) where narrowCopyFits && m % 16 == 0:
            // Fewer columns than a strip (a head's weight gradient): Cᵀ = Bᵀ·A, B's columns
            // (zero ones up to a multiple of four) as the tiles' rows, then Cᵀ transposed. Each
            // sum is the same chain of fused multiply-adds as C's own (the factors swapped).
            let width = (n + 3) / 4 * 4
            ProductClock.time(shape) {
                withScratch(k * width + width * m) { scratch in
                    let padded = scratch, ct = scratch + k * width
                    for p in 0..<k {
                        (padded + p * width).update(from: b + p * ldb, count: n)
                        (padded + p * width + n).update(repeating: 0, count: width - n)
                    }
                    rowCombinationTiles(padded, rowStride: 1, depthStride: width, a, ldb: lda, ct, ldc: m,
                                        rows: 0..<width, columns: 0..<m, depth: k)
                    transpose(ct, ld: m, rows: n, columns: m, into: c, ld: ldc)
                }
            }
        default:
            return false
        }
        return true
    }

    /// `target[j, i] = source[i, j]` for a `rows` × `columns` source.
    private static func transpose(_ source: UnsafePointer<Float>, ld: Int, rows: Int, columns: Int,
                                  into target: UnsafeMutablePointer<Float>, ld targetLD: Int) {
        for i in 0..<rows {
            for j in 0..<columns { target[j * targetLD + i] = source[i * ld + j] }
        }
    }

    private static func withScratch(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) {
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { scratch.deallocate() }
        body(scratch)
    }

    /// `body` on consecutive runs of `0..<units`, one per core (`concurrentParts`, which hands
    /// one part per core to `ProductWorkers`).
    private static func splitting(units: Int, _ body: (Range<Int>) -> Void) {
        let parts = min(ParallelismConfiguration.threads, units)
        guard parts > 1 else { return body(0..<units) }
        concurrentParts(parts) { part in body(units * part / parts..<units * (part + 1) / parts) }
    }
}
