import Dispatch

/// Splits 0..<count into contiguous ranges over the machine's cores for elementwise work.
///
/// Only for loops whose iterations are independent (no shared accumulation), so the result
/// is bit-identical whatever the split. Small counts run inline: a thread hand-off costs more
/// than a few hundred thousand multiply-adds. The optimisers use it: their sweep over every
/// parameter is bound by memory bandwidth, which one core does not saturate.
@inlinable
public func parallelRanges(count: Int, minimumPerThread: Int = 1 << 18, _ body: (Range<Int>) -> Void) {
    let parts = parallelPartCount(count: count, minimumPerThread: minimumPerThread)
    if parts <= 1 {
        body(0..<count)
        return
    }
    let size = (count + parts - 1) / parts
    concurrentParts(parts) { part in
        let start = part * size
        body(start..<min(start + size, count))
    }
}

/// `body` on each part of `0..<count` split as `parallelRanges` splits it, and each part's
/// result in the order of the parts: for passes that reduce their range to one value (for
/// example whether it holds a NaN), combined by the caller.
@inlinable
public func parallelPartResults<Result>(count: Int, minimumPerThread: Int = 1 << 18,
                                        _ body: (Range<Int>) -> Result) -> [Result] {
    let parts = parallelPartCount(count: count, minimumPerThread: minimumPerThread)
    if parts <= 1 { return [body(0..<count)] }
    let size = (count + parts - 1) / parts
    return [Result](unsafeUninitializedCapacity: parts) { results, initialized in
        concurrentParts(parts) { part in
            let start = part * size
            (results.baseAddress! + part).initialize(to: body(start..<min(start + size, count)))
        }
        initialized = parts
    }
}

/// `body(0)`, …, `body(parts − 1)` on worker threads and the caller, returning when all have
/// run, each part in the caller's floating-point mode (`SubnormalFlushing`). One part per core
/// goes to `ProductWorkers` (spinning helpers, which libdispatch's sleeping workers are not:
/// docs/DESIGN.md); other part counts (the t-SNE's force chunks) to
/// `DispatchQueue.concurrentPerform`, whose pool threads keep whatever mode they were created
/// with, so that the mode is set per part. Every parallel pass of the project goes through here.
public func concurrentParts(_ parts: Int, _ body: (Int) -> Void) {
    let workers = ProductWorkers.shared
    if parts == workers.helpers + 1, parts > 1 {
        workers.run(body)
        return
    }
    let flushes = SubnormalFlushing.isOnForThisThread
    DispatchQueue.concurrentPerform(iterations: parts) { part in
        if SubnormalFlushing.isOnForThisThread != flushes { SubnormalFlushing.setForThisThread(flushes) }
        body(part)
    }
}

/// How many threads split a pass over `count` values: at most one per core, and only with at
/// least `minimumPerThread` values each.
@inlinable
public func parallelPartCount(count: Int, minimumPerThread: Int) -> Int {
    min(ParallelismConfiguration.threads, count / max(minimumPerThread, 1))
}

public enum ParallelismConfiguration {
    /// Threads for elementwise kernels: the OpenBLAS thread count, which follows the cores.
    public static let threads: Int = max(1, BLAS.threadCount)
}
