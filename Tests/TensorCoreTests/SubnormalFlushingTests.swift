import Foundation
import XCTest
@testable import TensorCore

/// Subnormals flushed to zero (SubnormalFlushing): the per-thread switch, our parallel passes
/// taking the caller's mode, and the product that checks OpenBLAS's workers. Everything runs on
/// threads of its own and restores OpenBLAS's pool, so the test process keeps computing with
/// subnormals as before.
final class SubnormalFlushingTests: XCTestCase {
    /// A subnormal (about 1.0e-39) read from memory, so the compiler cannot fold the arithmetic.
    private let subnormal: [Float] = [Float(bitPattern: 0x000A_E398)]

    func testTheSwitchFlushesSubnormalsOnItsThreadOnly() {
        XCTAssertTrue(subnormal[0].isSubnormal)
        let (before, onProduct, offProduct) = onFreshThread { () -> (Bool, Float, Float) in
            let before = SubnormalFlushing.isOnForThisThread
            SubnormalFlushing.setForThisThread(true)
            let on = self.subnormal[0] * 2
            SubnormalFlushing.setForThisThread(false)
            return (before, on, self.subnormal[0] * 2)
        }
        XCTAssertFalse(before, "a thread of the test process started with flushing on")
        XCTAssertEqual(onProduct, 0)
        XCTAssertEqual(offProduct, subnormal[0] * 2)
        XCTAssertTrue(offProduct.isSubnormal)
        XCTAssertFalse(SubnormalFlushing.isOnForThisThread, "the switch leaked into the test's own thread")
    }

    /// Every part of a parallel pass computes in the mode of the thread that started it, both
    /// ways (libdispatch reuses its workers, so a worker left flushing must be switched back).
    func testParallelPartsTakeTheCallersMode() {
        let parts = 8
        func modes(flushing: Bool) -> [Bool] {
            onFreshThread {
                SubnormalFlushing.setForThisThread(flushing)
                var seen = [Bool](repeating: !flushing, count: parts)
                seen.withUnsafeMutableBufferPointer { seen in
                    concurrentParts(parts) { part in
                        Thread.sleep(forTimeInterval: 0.01)  // keep several workers busy at once
                        seen[part] = SubnormalFlushing.isOnForThisThread
                    }
                }
                return seen
            }
        }
        XCTAssertEqual(modes(flushing: true), [Bool](repeating: true, count: parts))
        XCTAssertEqual(modes(flushing: false), [Bool](repeating: false, count: parts))
        XCTAssertEqual(modes(flushing: true), [Bool](repeating: true, count: parts))
    }

    /// The start-up check sees a worker that keeps subnormals. OpenBLAS's pool restarted from a
    /// flushing thread passes it; restarted from a thread that keeps them, it fails even when
    /// the thread asking flushes (its own part of the product comes out zero, the workers' not).
    func testTheProductCheckSeesEveryOpenBLASThread() throws {
        guard BLAS.threadCount > 1 else { throw XCTSkip("OpenBLAS runs on one thread here: no workers to check") }
        let flushingPool = onFreshThread { SubnormalFlushing.enableForProcess() }
        XCTAssertTrue(flushingPool)
        let keepingPool = onFreshThread { () -> Bool in
            SubnormalFlushing.setForThisThread(false)
            SubnormalFlushing.restartOpenBLASWorkers()
            SubnormalFlushing.setForThisThread(true)
            return SubnormalFlushing.productFlushesOnEveryThread()
        }
        XCTAssertFalse(keepingPool, "the check missed OpenBLAS workers that keep subnormals")
        // Leave the pool as the test process had it: started by a thread that keeps subnormals.
        onFreshThread { SubnormalFlushing.restartOpenBLASWorkers() }
    }

    /// A section run inside the test process flushes subnormals while it runs and hands the
    /// caller's mode back after, to its thread and to OpenBLAS's workers.
    func testPreparedHandsTheCallersModeBack() {
        let (inside, after, workersAfter) = onFreshThread { () -> (Bool, Bool, Bool) in
            SubnormalFlushing.setForThisThread(false)
            let inside = NumericRuntime.prepared { status in
                status.subnormalsFlushToZero && SubnormalFlushing.isOnForThisThread
            }
            let after = SubnormalFlushing.isOnForThisThread
            // Only the workers can make this product non-zero once the asking thread flushes.
            SubnormalFlushing.setForThisThread(true)
            let workers = SubnormalFlushing.productFlushesOnEveryThread()
            SubnormalFlushing.setForThisThread(false)
            return (inside, after, workers)
        }
        XCTAssertTrue(inside)
        XCTAssertFalse(after)
        if BLAS.threadCount > 1 { XCTAssertFalse(workersAfter, "OpenBLAS's workers kept flushing after the run") }
    }

    /// `body` on a new thread (whose floating-point mode is the test thread's), waited for.
    private func onFreshThread<Result>(_ body: @escaping () -> Result) -> Result {
        let box = ResultBox<Result>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = body()
            done.signal()
        }
        thread.start()
        done.wait()
        return box.value!
    }
}

private final class ResultBox<Value>: @unchecked Sendable {
    var value: Value?
}
