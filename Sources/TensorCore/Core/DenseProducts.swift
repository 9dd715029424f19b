import AVX512Products
import Foundation

/// The matrix products of a dense layer (`matmul` and its two gradients): our AVX-512 tiles
/// (the `AVX512Products` module) where the processor has AVX-512F and the product is large and
/// fits their tiles, OpenBLAS otherwise.
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

    /// Products below this many multiply-adds stay with OpenBLAS: the heads and small layers,
    /// where a thread hand-off would cost more than the packing the tiles save.
    public static let minimumMultiplyAdds = 1 << 22

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

    /// The product with the AVX-512 tiles, split over the cores; false (and nothing written)
    /// where the product is small, does not fit the tiles, or is Aᵀ·Bᵀ. Each output element is
    /// summed on one thread in an order that does not depend on the split, so the result is the
    /// same on any number of cores.
    static func tilesProduct(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                             _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                             _ c: UnsafeMutablePointer<Float>, ldc: Int, streamingOutput: Bool = false) -> Bool {
        guard m * n * k >= minimumMultiplyAdds, m % 4 == 0 else { return false }
        let shape = ProductShape(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k)
        switch (transposeA, transposeB) {
        case (false, true):     // dOut · Wᵀ: the columns split in fours
            guard n % 4 == 0 else { return false }
            ProductClock.time(shape) {
                splitting(units: n / 4) { parts in
                    dotProductTiles(a, lda: lda, b, ldb: ldb, c, ldc: ldc, rows: 0..<m,
                                    columns: parts.lowerBound * 4..<parts.upperBound * 4, depth: k)
                }
            }
        case (false, false):    // x · W: the columns split in sixteens
            guard n % 16 == 0 else { return false }
            ProductClock.time(shape) {
                splitting(units: n / 16) { parts in
                    rowCombinationTiles(a, rowStride: lda, depthStride: 1, b, ldb: ldb, c, ldc: ldc, rows: 0..<m,
                                        columns: parts.lowerBound * 16..<parts.upperBound * 16, depth: k)
                }
            }
        case (true, false):     // xᵀ · dOut: the rows split in fours
            guard n % 16 == 0 else { return false }
            ProductClock.time(shape) {
                splitting(units: m / 4) { parts in
                    rowCombinationTiles(a, rowStride: 1, depthStride: lda, b, ldb: ldb, c, ldc: ldc,
                                        rows: parts.lowerBound * 4..<parts.upperBound * 4, columns: 0..<n, depth: k,
                                        streamingOutput: streamingOutput)
                }
            }
        case (true, true):
            return false
        }
        return true
    }

    /// `body` on consecutive runs of `0..<units`, one per core (`concurrentParts`, which hands
    /// one part per core to `ProductWorkers`).
    private static func splitting(units: Int, _ body: (Range<Int>) -> Void) {
        let parts = min(ParallelismConfiguration.threads, units)
        guard parts > 1 else { return body(0..<units) }
        concurrentParts(parts) { part in body(units * part / parts..<units * (part + 1) / parts) }
    }
}
