#if os(Linux)
import Glibc
import Synchronization
#endif
import Foundation

/// Threads that run the parts of every pass split one part per core (`concurrentParts`: the
/// dense layers' products, the optimisers' sweeps, the convolutions' per-core runs) beside the
/// calling thread, and spin for a while after each part before they sleep.
///
/// Why not libdispatch (`concurrentPerform`): its worker sleeps between calls, and on this
/// shared machine the calling thread often ran both halves of a product itself before the
/// woken worker started, so that the median product ran at about one core's rate (a 100 × 1024
/// × 784 product: medians of 72–103 GFLOP/s through `concurrentPerform` against 140–192 on a
/// spinning helper, the same tiles; docs/DESIGN.md). OpenBLAS's own workers spin between
/// products for the same reason. A worker here spins (yielding the core to any other runnable
/// thread) for `spinWindow` after its last part, which covers the gaps between the products of
/// a training step, then waits on a condition variable until the next part.
///
/// One caller at a time: `run` from a second thread while a run is under way runs all the
/// parts on that thread instead (the products' results do not depend on who runs the parts).
final class ProductWorkers: @unchecked Sendable {
    /// The workers stay awake this long after a part.
    static let spinWindow: UInt64 = 2_000_000  // ns

    /// Workers for `ParallelismConfiguration.threads` − 1 parts beside the caller's.
    static let shared = ProductWorkers(helpers: ParallelismConfiguration.threads - 1)

    let helpers: Int
    #if os(Linux)
    private let generation = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wakeUp = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// The parts of the run under way, and whether its caller flushes subnormals; written
    /// before `generation` is raised and read after it is seen raised.
    private nonisolated(unsafe) var part: ((Int) -> Void)?
    private nonisolated(unsafe) var flushesSubnormals = false

    private init(helpers: Int) {
        self.helpers = max(0, helpers)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wakeUp, nil)
        for index in 0..<self.helpers {
            let thread = Thread { [unowned self] in self.work(index: index + 1) }
            thread.name = "dense-products-\(index + 1)"
            thread.start()
        }
    }

    /// `body(0)`, …, `body(helpers)`: part 0 on the calling thread, the others on the workers;
    /// returns when all have run.
    func run(_ body: (Int) -> Void) {
        guard helpers > 0, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for index in 0...helpers { body(index) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            part = body
            flushesSubnormals = SubnormalFlushing.isOnForThisThread
            finished.store(0, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            // Always under the mutex, after the raise: a worker checks the generation under it
            // before it waits, so it either sees the raise or is waiting when this wakes it.
            pthread_mutex_lock(mutex)
            pthread_cond_broadcast(wakeUp)
            pthread_mutex_unlock(mutex)
            body(0)
            // Yielding: where the scheduler has put a worker on this core (another tenant or
            // OpenBLAS's spinning worker holding the other), a bare spin would keep it waiting
            // for the rest of this thread's time slice.
            while finished.load(ordering: .acquiring) < helpers { sched_yield() }
            part = nil
        }
    }

    private func work(index: Int) {
        var seen = 0
        var awakeUntil = DispatchTime.now().uptimeNanoseconds + Self.spinWindow
        while true {
            var polls = 0
            while generation.load(ordering: .acquiring) == seen {
                polls += 1
                if polls % 64 == 0, DispatchTime.now().uptimeNanoseconds > awakeUntil {
                    pthread_mutex_lock(mutex)
                    while generation.load(ordering: .acquiring) == seen { pthread_cond_wait(wakeUp, mutex) }
                    pthread_mutex_unlock(mutex)
                } else {
                    sched_yield()
                }
            }
            seen = generation.load(ordering: .acquiring)
            if SubnormalFlushing.isOnForThisThread != flushesSubnormals { SubnormalFlushing.setForThisThread(flushesSubnormals) }
            part!(index)
            finished.add(1, ordering: .releasing)
            awakeUntil = DispatchTime.now().uptimeNanoseconds + Self.spinWindow
        }
    }
    #else
    /// Elsewhere (without `Synchronization`'s atomics before macOS 15) there are no workers:
    /// `concurrentParts` keeps libdispatch, and the tiles (Linux on x86-64 only) never run.
    private init(helpers: Int) { self.helpers = 0 }

    func run(_ body: (Int) -> Void) { body(0) }
    #endif
}
