import CFloatingPoint
import COpenBLAS

/// Subnormal floats (magnitudes below 1.18e-38) read and written as zero, on every thread that
/// computes.
///
/// Training makes them by the million. RMSprop's average of squared gradients decays by ρ = 0.9
/// each step once a weight's gradients stop (the first layer's weights from pixels that are
/// blank in almost every image), and is subnormal some 700 steps later (from 1e-6); the
/// decoder's logits for such pixels fall until sigmoid(l) − x and its square are subnormal too. Arithmetic on
/// subnormals takes a microcode assist on x86-64 (the RMSprop sweep ran 30 times slower
/// over subnormal averages here), so a paper-profile SS_D epoch grew from 23 s to 31–51 s after the
/// first, with the optimiser sweep at a quarter of the samples (docs/DESIGN.md). TensorFlow,
/// which the paper's Keras models ran on, flushes subnormals to zero in every kernel and thread
/// pool for the same reason; here every executable does it at start-up (`NumericRuntime`).
///
/// The mode is per thread, and a new thread takes its creator's. So: the main thread sets it,
/// OpenBLAS's worker pool (started when the library loaded) is restarted from the main thread,
/// and our own parallel passes (`concurrentParts`) give each worker the caller's mode. The test
/// runner computes with subnormals, consistently on every thread; a section it runs in-process
/// flushes them, as the executable would, and hands the test runner's mode back when it ends
/// (`NumericRuntime.prepared`), so no test depends on which tests ran before it.
public enum SubnormalFlushing {
    /// Whether the calling thread flushes subnormals to zero.
    @inline(__always)
    public static var isOnForThisThread: Bool { vae_subnormals_flush_to_zero() != 0 }

    /// Sets the calling thread's mode.
    @inline(__always)
    public static func setForThisThread(_ on: Bool) { vae_set_subnormals_flush_to_zero(on ? 1 : 0) }

    /// Turns flushing on for the calling thread and restarts OpenBLAS's workers from it, then
    /// checks with a product that every thread of the pool flushes. Returns that check.
    @discardableResult
    public static func enableForProcess() -> Bool {
        setForProcess(true)
        return productFlushesOnEveryThread()
    }

    /// Sets the calling thread's mode and restarts OpenBLAS's workers in it: how a section run
    /// inside the test process hands back the mode it found (`NumericRuntime.prepared`).
    public static func setForProcess(_ on: Bool) {
        setForThisThread(on)
        restartOpenBLASWorkers()
    }

    /// Stops OpenBLAS's worker threads and starts new ones from the calling thread, whose
    /// floating-point mode they take.
    static func restartOpenBLASWorkers() {
        _ = blas_thread_shutdown_()
        _ = blas_thread_init()
    }

    /// A 256×256×256 product (large enough for OpenBLAS to split it over its threads) of a
    /// matrix of subnormals with a matrix of ones. A thread that reads subnormals as zero writes
    /// zeros; one that does not writes 256 × 1e-39, a normal number. So the product is all zeros
    /// exactly when every thread that computed a part of it flushes.
    public static func productFlushesOnEveryThread() -> Bool {
        let size = 256
        let subnormal = Float(bitPattern: 0x000A_E398)  // about 1.0e-39
        let a = [Float](repeating: subnormal, count: size * size)
        let b = [Float](repeating: 1, count: size * size)
        var c = [Float](repeating: -1, count: size * size)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(m: size, n: size, k: size, a.baseAddress!, lda: size, b.baseAddress!, ldb: size,
                              c.baseAddress!, ldc: size)
                }
            }
        }
        return c.allSatisfy { $0 == 0 }
    }
}
