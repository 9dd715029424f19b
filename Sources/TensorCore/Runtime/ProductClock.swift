import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall time spent inside OpenBLAS's matrix products while it runs, summed over every
/// `BLAS.gemm` call: how `vae-bench --breakdown` splits a training step into the products and
/// everything else (our passes, AD's bookkeeping). Off unless a measurement is under way; each
/// product then costs two clock reads, and otherwise one uncontended lock (tens of
/// nanoseconds against a product's microseconds or more). Products called from several threads
/// at once (the t-SNE's neighbour search) are summed, so their total can exceed the wall time.
///
/// A mutex rather than `Synchronization.Atomic`, which needs macOS 15 (the package supports 14).
public enum ProductClock {
    private static let state = State()

    /// Runs `body` with the clock on; returns the products' summed time and their number.
    public static func measuring(_ body: () throws -> Void) rethrows -> (milliseconds: Double, calls: Int) {
        state.locked { $0 = Tally(isRunning: true) }
        defer { state.locked { $0.isRunning = false } }
        try body()
        let tally = state.locked { $0 }
        return (Double(tally.nanoseconds) / 1e6, tally.calls)
    }

    /// Runs one product, timing it when a measurement is under way.
    @inline(__always)
    static func time(_ product: () -> Void) {
        guard state.locked({ $0.isRunning }) else { return product() }
        let start = DispatchTime.now().uptimeNanoseconds
        product()
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        state.locked {
            $0.nanoseconds += elapsed
            $0.calls += 1
        }
    }

    private struct Tally {
        var isRunning = false
        var nanoseconds: UInt64 = 0
        var calls = 0
    }

    /// The tally behind a pthread mutex.
    private final class State: @unchecked Sendable {
        private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private var tally = Tally()

        init() { pthread_mutex_init(mutex, nil) }

        func locked<Result>(_ body: (inout Tally) -> Result) -> Result {
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            return body(&tally)
        }
    }
}
