import Dispatch
import Synchronization

/// Wall time spent inside OpenBLAS's matrix products while it runs, summed over every
/// `BLAS.gemm` call: how `vae-bench --breakdown` splits a training step into the products and
/// everything else (our passes, AD's bookkeeping). Off unless a measurement is under way; then
/// each product costs two clock reads. Products called from several threads at once (the
/// t-SNE's neighbour search) are summed, so their total can exceed the wall time.
public enum ProductClock {
    private static let isRunning = Atomic<Bool>(false)
    private static let nanoseconds = Atomic<UInt64>(0)
    private static let calls = Atomic<Int>(0)

    /// Runs `body` with the clock on; returns the products' summed time and their number.
    public static func measuring(_ body: () throws -> Void) rethrows -> (milliseconds: Double, calls: Int) {
        nanoseconds.store(0, ordering: .relaxed)
        calls.store(0, ordering: .relaxed)
        isRunning.store(true, ordering: .sequentiallyConsistent)
        defer { isRunning.store(false, ordering: .sequentiallyConsistent) }
        try body()
        return (Double(nanoseconds.load(ordering: .relaxed)) / 1e6, calls.load(ordering: .relaxed))
    }

    /// Runs one product, timing it when a measurement is under way.
    @inline(__always)
    static func time(_ product: () -> Void) {
        guard isRunning.load(ordering: .relaxed) else { return product() }
        let start = DispatchTime.now().uptimeNanoseconds
        product()
        nanoseconds.add(DispatchTime.now().uptimeNanoseconds - start, ordering: .relaxed)
        calls.add(1, ordering: .relaxed)
    }
}
