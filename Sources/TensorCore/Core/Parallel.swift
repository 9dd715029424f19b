import Dispatch

/// Splits 0..<count into contiguous ranges over the machine's cores for elementwise work.
///
/// Only for loops whose iterations are independent (no shared accumulation), so the result
/// is bit-identical whatever the split. Small counts run inline: a thread hand-off costs more
/// than a few hundred thousand multiply-adds. The optimisers use it: their sweep over every
/// parameter is bound by memory bandwidth, which one core does not saturate.
@inlinable
public func parallelRanges(count: Int, minimumPerThread: Int = 1 << 18, _ body: (Range<Int>) -> Void) {
    let parts = min(ParallelismConfiguration.threads, count / max(minimumPerThread, 1))
    if parts <= 1 {
        body(0..<count)
        return
    }
    let size = (count + parts - 1) / parts
    DispatchQueue.concurrentPerform(iterations: parts) { part in
        let start = part * size
        body(start..<min(start + size, count))
    }
}

public enum ParallelismConfiguration {
    /// Threads for elementwise kernels: the OpenBLAS thread count, which follows the cores.
    public static let threads: Int = max(1, BLAS.threadCount)
}
