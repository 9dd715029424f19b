import XCTest
@testable import Experiments

final class RunStoreTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws { root = try makeTemporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func testSaveAndLoadRoundTrip() throws {
        let store = RunStore(root: root)
        let configuration = cell(1)
        XCTAssertFalse(store.isDone(configuration))
        XCTAssertNil(try store.record(for: configuration))
        let record = sampleRecord(configuration)
        try store.save(record)
        let path = root.appendingPathComponent("toy-section/\(configuration.id).json").path
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        XCTAssertTrue(store.isDone(configuration))
        XCTAssertTrue(store.isDone(id: configuration.id, section: "toy-section"))
        let loaded = try XCTUnwrap(try store.record(for: configuration))
        XCTAssertEqual(loaded.configuration, configuration)
        XCTAssertEqual(loaded.id, configuration.id)
        XCTAssertEqual(loaded.metrics["test accuracy"], 0.75)
        XCTAssertTrue(loaded.metrics["test loss"]!.isNaN)
        XCTAssertEqual(loaded.history["train loss"], [2.5, 1.25, 0.625])
        XCTAssertEqual(loaded.seeds, ["initialisation": 1, "data split": 42])
        XCTAssertEqual(loaded.git, testProvenance.git)
        XCTAssertEqual(loaded.machine, testProvenance.machine)
        XCTAssertEqual(loaded.date, "2026-11-21T11:15:18Z")
        XCTAssertEqual(loaded.status, .completed)
    }

    /// Awkward doubles must read back bit for bit, or the stored id would not match.
    func testAwkwardNumbersKeepTheirIdThroughTheFile() throws {
        let store = RunStore(root: root)
        var configuration = cell(1)
        configuration.hyperparameters = ["sum": .number(0.1 + 0.2), "tiny": 1e-7, "third": .number(1.0 / 3.0),
                                         "huge": 1.7976931348623157e308, "negative": -0.0005,
                                         "big integer": 9007199254740993, "list": [0.0005, "x", false]]
        try store.save(sampleRecord(configuration))
        let loaded = try XCTUnwrap(try store.record(for: configuration))
        XCTAssertEqual(loaded.configuration, configuration)
        XCTAssertEqual(loaded.configuration.id, configuration.id)
    }

    /// Run files written before the OpenBLAS thread count was recorded still load, as "not
    /// recorded"; new files carry it.
    func testRunFilesWithoutTheThreadCountStillLoad() throws {
        let store = RunStore(root: root)
        let record = sampleRecord(cell(1))
        try store.save(record)
        let url = store.url(for: record.configuration)
        XCTAssertTrue(try String(contentsOf: url, encoding: .utf8).contains("\"blasThreads\" : 4"))
        XCTAssertEqual(try XCTUnwrap(try store.record(for: record.configuration)).machine.blasThreads, 4)

        var json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var machine = try XCTUnwrap(json["machine"] as? [String: Any])
        machine["blasThreads"] = nil
        json["machine"] = machine
        try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]).write(to: url)
        let older = try XCTUnwrap(try store.record(for: record.configuration))
        XCTAssertNil(older.machine.blasThreads)
        XCTAssertEqual(older.machine.openBLASCore, "Haswell")
    }

    func testFileIsPrettyPrintedWithSortedKeys() throws {
        let store = RunStore(root: root)
        let record = sampleRecord(cell(1))
        try store.save(record)
        let text = try String(contentsOf: store.url(for: record.configuration), encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("{\n  \"configuration\" : {\n    \"dataset\" : \"MNIST\",\n"), text)
        XCTAssertTrue(text.hasSuffix("}\n"))
        XCTAssertTrue(text.contains("\"learning rate\" : 0.0003"))
        XCTAssertTrue(text.contains("\"epochs\" : 3,"))
        XCTAssertTrue(text.contains("\"test loss\" : \"NaN\""))
        let topLevelKeys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }
            .map { $0.dropFirst(3).prefix { $0 != "\"" } }.map(String.init)
        XCTAssertEqual(topLevelKeys, ["configuration", "date", "epochs", "git", "history", "id",
                                      "machine", "metrics", "seconds", "seeds", "status"])
    }

    func testAllRecordsSortedAndSkipsTemporaryFiles() throws {
        let store = RunStore(root: root)
        let records = (1...3).map { sampleRecord(cell($0)) }
        for record in records { try store.save(record) }
        let folder = store.folder(section: "toy-section")
        let stale = folder.appendingPathComponent(".\(records[0].id).json.tmp-99-old")
        let fresh = folder.appendingPathComponent(".\(records[1].id).json.tmp-99-new")
        try Data("{\"partial".utf8).write(to: stale)
        try Data("{\"partial".utf8).write(to: fresh)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)],
                                              ofItemAtPath: stale.path)
        let loaded = try store.allRecords(section: "toy-section")
        XCTAssertEqual(loaded.map(\.id), records.map(\.id).sorted())
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path), "stale temporary file not removed")
        XCTAssertTrue(FileManager.default.fileExists(atPath: fresh.path), "a live writer's file was removed")
        XCTAssertEqual(try store.allRecords(section: "missing-section"), [])
    }

    func testCorruptFileNamesTheFile() throws {
        let store = RunStore(root: root)
        let configuration = cell(1)
        let file = store.url(for: configuration)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("{ \"id\": ".utf8).write(to: file)
        XCTAssertThrowsError(try store.allRecords(section: "toy-section")) { error in
            guard case RunStoreError.corrupt(let path, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, file.path)
            XCTAssertTrue("\(error)".contains(file.path))
            XCTAssertTrue("\(error)".contains("invalid JSON"), "\(error)")
        }
        try Data("{\"id\": \"x\"}".utf8).write(to: file)
        XCTAssertThrowsError(try store.record(for: configuration)) { error in
            XCTAssertTrue("\(error)".contains("missing key 'configuration'"), "\(error)")
        }
    }

    func testRenamedOrEditedFileIsRejected() throws {
        let store = RunStore(root: root)
        let record = sampleRecord(cell(1))
        try store.save(record)
        let other = store.url(id: "00000000000000ff", section: "toy-section")
        try FileManager.default.moveItem(at: store.url(for: record.configuration), to: other)
        XCTAssertThrowsError(try store.allRecords(section: "toy-section")) { error in
            XCTAssertEqual(error as? RunStoreError,
                           .idMismatch(file: other.path, stored: record.id, computed: record.id))
        }
    }

    func testAtomicWriteReplacesAndLeavesNoTemporaryFile() throws {
        let file = root.appendingPathComponent("deep/folder/report.md")
        try AtomicFile.write("first", to: file)
        try AtomicFile.write("second", to: file)
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), "second")
        let names = try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path)
        XCTAssertEqual(names, ["report.md"])
        XCTAssertTrue(AtomicFile.isTemporaryName(AtomicFile.temporaryURL(for: file).lastPathComponent))
        XCTAssertFalse(AtomicFile.isTemporaryName("report.md"))
    }
}
