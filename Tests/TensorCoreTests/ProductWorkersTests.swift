import Dispatch
import XCTest
@testable import TensorCore

/// The dense products' worker threads: every part runs once and `run` returns after all of them,
/// after the workers have gone to sleep too, from a second caller at the same time, and in the
/// caller's floating-point mode.
final class ProductWorkersTests: XCTestCase {
    private let workers = ProductWorkers.shared

    /// Runs `count` times, each part adding its index + 1 into its own slot; returns the slots.
    private func runs(_ count: Int, pauseBetween: UInt32 = 0) -> [Int] {
        let parts = workers.helpers + 1
        var totals = [Int](repeating: 0, count: parts)
        totals.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            for _ in 0..<count {
                workers.run { part in slots[part] += part + 1 }
                if pauseBetween > 0 { usleep(pauseBetween) }
            }
        }
        return totals
    }

    func testEveryPartRunsOnceARunAndTheRunWaitsForAll() {
        XCTAssertEqual(runs(2_000), (0...workers.helpers).map { 2_000 * ($0 + 1) })
    }

    func testWorkersWokenFromSleepRunTheirParts() {
        // Pauses beyond the workers' spin window, so that each run finds them asleep.
        let pause = UInt32(ProductWorkers.spinWindow / 1_000 * 3)
        XCTAssertEqual(runs(5, pauseBetween: pause), (0...workers.helpers).map { 5 * ($0 + 1) })
    }

    func testTwoCallersAtOnceBothGetEveryPart() {
        let parts = workers.helpers + 1
        var sums = [Int](repeating: 0, count: 2)
        sums.withUnsafeMutableBufferPointer { sums in
            nonisolated(unsafe) let sums = sums
            DispatchQueue.concurrentPerform(iterations: 2) { caller in
                for _ in 0..<500 {
                    var seen = [Int](repeating: 0, count: parts)
                    seen.withUnsafeMutableBufferPointer { seen in
                        nonisolated(unsafe) let seen = seen
                        workers.run { part in seen[part] += 1 }
                    }
                    sums[caller] += seen.reduce(0, +) == parts && seen.allSatisfy { $0 == 1 } ? 1 : 0
                }
            }
        }
        XCTAssertEqual(Array(sums), [500, 500])
    }

    func testPartsRunInTheCallersSubnormalMode() {
        let before = SubnormalFlushing.isOnForThisThread
        defer { SubnormalFlushing.setForThisThread(before) }
        for mode in [true, false, true] {
            SubnormalFlushing.setForThisThread(mode)
            var modes = [Bool](repeating: !mode, count: workers.helpers + 1)
            modes.withUnsafeMutableBufferPointer { modes in
                nonisolated(unsafe) let modes = modes
                workers.run { part in modes[part] = SubnormalFlushing.isOnForThisThread }
            }
            XCTAssertEqual(modes, [Bool](repeating: mode, count: workers.helpers + 1))
        }
    }
}
