import XCTest
@testable import Experiments

final class ProgressReporterTests: XCTestCase {
    func testTerminalLineIsRedrawnInPlaceAndThrottled() {
        var writes: [String] = []
        var time = 0.0
        let reporter = ProgressReporter(isTerminal: true, minimumRedrawInterval: 0.5,
                                        now: { time }) { writes.append($0) }
        reporter.begin(toRun: 4, alreadyDone: 0, inOtherShards: 2)
        reporter.cellStarted(cell(2), index: 1)
        XCTAssertEqual(writes.count, 2)
        time = 0.1
        reporter.epochFinished(1, of: 10)  // 0.1 s after the last draw: skipped
        XCTAssertEqual(writes.count, 2)
        time = 10
        reporter.epochFinished(5, of: 10)
        XCTAssertEqual(writes.count, 3)
        // Half of one cell of four after 10 s: 1/8 done, ETA 70 s.
        XCTAssertEqual(writes[2],
                       "\r[##------------------] 1/4 SS_D 100 labels seed 2 · epoch 5/10 · 10.0 s · ETA 1m 10s\u{1B}[K")
        time = 20
        reporter.cellFinished()
        XCTAssertEqual(writes[3], "\r\u{1B}[K")
        XCTAssertEqual(writes[4], "cell 1/4 SS_D 100 labels seed 2: done in 20.0 s\n")
        XCTAssertEqual(writes[0], "cells: 4 to run, 0 already done, 2 in other shards\n")
    }

    func testDurations() {
        XCTAssertEqual(ProgressReporter.duration(42.4), "42s")
        XCTAssertEqual(ProgressReporter.duration(310), "5m 10s")
        XCTAssertEqual(ProgressReporter.duration(3725), "1h 02m")
        XCTAssertEqual(ProgressReporter.seconds(12.34), "12.3 s")
    }
}
