#if os(Linux)
import CMalloc
#endif

/// Keeps freed tensor storage inside the process.
///
/// glibc serves allocations above its mmap threshold (128 KiB, adapting up to 32 MiB) with
/// fresh pages from the kernel and unmaps them on free, so each step's 20 MB activations of
/// the convolutional model were page-faulted and zeroed anew: raising the threshold and the
/// trim threshold took one Table 14 forward+backward from 430–900 ms to about 300 ms
/// (docs/DESIGN.md). `mallopt` applies at run time, so no re-execution is needed.
public enum Allocator {
    public static let mmapThreshold: Int32 = 32 << 20

    /// Call once at start-up, before the first large tensor.
    public static func keepLargeBlocks() {
        #if os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, mmapThreshold)
        _ = mallopt(M_TRIM_THRESHOLD, Int32.max)
        #endif
    }
}

/// What every executable does first: the right OpenBLAS kernels, the allocator policy, and
/// subnormals flushed to zero on every computing thread.
public enum NumericRuntime {
    @discardableResult
    public static func prepare() -> OpenBLASCore.Status {
        var status = OpenBLASCore.ensureBestKernels()
        Allocator.keepLargeBlocks()
        status.subnormalsFlushToZero = SubnormalFlushing.enableForProcess()
        return status
    }

    /// `prepare()` for the length of `body`, then the calling thread's subnormal mode as it was
    /// (with OpenBLAS's workers restarted in it). For code that runs as an executable and inside
    /// the test process, whose other tests must not inherit the mode.
    public static func prepared<Result>(_ body: (OpenBLASCore.Status) throws -> Result) rethrows -> Result {
        let flushedBefore = SubnormalFlushing.isOnForThisThread
        let status = prepare()
        defer { if !flushedBefore { SubnormalFlushing.setForProcess(false) } }
        return try body(status)
    }
}
