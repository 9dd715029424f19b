import XCTest
@testable import Experiments

final class CellRunnerTests: XCTestCase {
    struct SimulatedCrash: Error, CustomStringConvertible {
        var description: String { "simulated crash" }
    }

    var root: URL!

    override func setUpWithError() throws { root = try makeTemporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func result(for configuration: CellConfiguration) -> CellResult {
        CellResult(metrics: ["test accuracy": Double(configuration.seed) / 10], epochs: 3,
                   seeds: ["initialisation": configuration.seed])
    }

    func testResumesAfterACrash() throws {
        let cells = [cell(1), cell(2), cell(3)]
        let store = RunStore(root: root)
        let runner = CellRunner(store: store, provenance: testProvenance)

        var calls: [UInt64] = []
        XCTAssertThrowsError(try runner.run(cells) { configuration in
            calls.append(configuration.seed)
            if configuration.seed == 2 { throw SimulatedCrash() }
            return self.result(for: configuration)
        }) { error in
            let failure = error as? CellRunError
            XCTAssertEqual(failure?.id, cells[1].id)
            XCTAssertTrue("\(error)".contains(cells[1].id))
            XCTAssertTrue("\(error)".contains("simulated crash"))
        }
        XCTAssertEqual(calls, [1, 2])
        XCTAssertTrue(store.isDone(cells[0]))
        XCTAssertFalse(store.isDone(cells[1]))
        XCTAssertFalse(store.isDone(cells[2]))
        let names = try FileManager.default.contentsOfDirectory(atPath: store.folder(section: "toy-section").path)
        XCTAssertEqual(names, ["\(cells[0].id).json"], "a failed cell left a file behind")

        calls = []
        let summary = try runner.run(cells) { configuration in
            calls.append(configuration.seed)
            return self.result(for: configuration)
        }
        XCTAssertEqual(calls, [2, 3])
        XCTAssertEqual(summary.alreadyDone, [cells[0].id])
        XCTAssertEqual(summary.ran, [cells[1].id, cells[2].id])
        XCTAssertEqual(try store.records(for: cells).map(\.metrics["test accuracy"]), [0.1, 0.2, 0.3])

        calls = []
        let again = try runner.run(cells + [cells[0]]) { configuration in
            calls.append(configuration.seed)
            return self.result(for: configuration)
        }
        XCTAssertEqual(calls, [])
        XCTAssertEqual(again.alreadyDone.count, 3)
    }

    func testRecordsAreStampedWithProvenanceTimeAndDate() throws {
        let store = RunStore(root: root)
        var runner = CellRunner(store: store, provenance: testProvenance)
        var ticks = [100.0, 112.5].makeIterator()
        runner.clock = { ticks.next()! }
        runner.now = { Date(timeIntervalSince1970: 86400 * 365) }
        try runner.run([cell(5)]) { self.result(for: $0) }
        let record = try XCTUnwrap(try store.record(for: cell(5)))
        XCTAssertEqual(record.seconds, 12.5)
        XCTAssertEqual(record.date, "1971-01-01T00:00:00Z")
        XCTAssertEqual(record.git.commit, "0123456789abcdef0123456789abcdef01234567")
        XCTAssertTrue(record.git.dirty)
        XCTAssertEqual(record.machine.openBLASCore, "Haswell")
        XCTAssertEqual(record.seeds, ["initialisation": 5])
        XCTAssertEqual(record.epochs, 3)
    }

    func testShardsRunDisjointCellsThatTogetherCoverTheList() throws {
        let cells = (0..<30).map { cell(UInt64($0)) }
        let store = RunStore(root: root)
        var runsPerCell = [String: Int]()
        var otherShardCounts: [Int] = []
        for index in 1...3 {
            let runner = CellRunner(store: store, shard: try Shard(index: index, count: 3),
                                    provenance: testProvenance)
            let summary = try runner.run(cells) { configuration in
                runsPerCell[configuration.id, default: 0] += 1
                return self.result(for: configuration)
            }
            XCTAssertEqual(summary.alreadyDone, [], "shards overlap")
            otherShardCounts.append(summary.inOtherShards.count)
            XCTAssertEqual(summary.ran.count + summary.inOtherShards.count, cells.count)
        }
        XCTAssertEqual(runsPerCell.count, cells.count)
        XCTAssertEqual(Set(runsPerCell.values), [1])
        XCTAssertEqual(otherShardCounts.reduce(0, +), 2 * cells.count)
        XCTAssertEqual(try store.allRecords(section: "toy-section").count, cells.count)
    }

    func testCorruptRunFileStopsTheListBeforeRunning() throws {
        let store = RunStore(root: root)
        let file = store.url(for: cell(1))
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("not json".utf8).write(to: file)
        var ran = false
        XCTAssertThrowsError(try CellRunner(store: store, provenance: testProvenance).run([cell(1)]) { c in
            ran = true
            return self.result(for: c)
        }) { error in XCTAssertTrue("\(error)".contains(file.path)) }
        XCTAssertFalse(ran)
    }

    func testProgressLinesForALogFile() throws {
        var output = ""
        var time = 0.0
        let reporter = ProgressReporter(isTerminal: false, now: { time }) { output += $0 }
        let store = RunStore(root: root)
        try store.save(sampleRecord(cell(1)))
        let runner = CellRunner(store: store, provenance: testProvenance, progress: reporter)
        try runner.run([cell(1), cell(2), cell(3)]) { configuration, progress in
            for epoch in 1...2 {
                time += 1.5
                progress.epochFinished(epoch, of: 2)
            }
            return self.result(for: configuration)
        }
        XCTAssertEqual(output, """
            cells: 2 to run, 1 already done
            cell 1/2 SS_D 100 labels seed 2: epoch 1/2, 1.5 s
            cell 1/2 SS_D 100 labels seed 2: epoch 2/2, 3.0 s
            cell 1/2 SS_D 100 labels seed 2: done in 3.0 s
            cell 2/2 SS_D 100 labels seed 3: epoch 1/2, 1.5 s
            cell 2/2 SS_D 100 labels seed 3: epoch 2/2, 3.0 s
            cell 2/2 SS_D 100 labels seed 3: done in 3.0 s
            cells: 2 of 2 finished in 6s

            """)
    }
}
