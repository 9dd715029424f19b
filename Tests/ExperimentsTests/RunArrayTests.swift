import Foundation
import XCTest
@testable import Experiments

/// Named arrays beside a run file: written before it, hashed in it, committed or cached.
final class RunArrayTests: XCTestCase {
    func testArraysRoundTripThroughTheRunnerAndAreHashedInTheRecord() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = RunStore(root: folder.appendingPathComponent("results/runs"))
        let map = RunArray(shape: [3, 2], values: [0, 1.5, -2, .pi, 1e-30, -0])
        let weights = RunArray(shape: [2], values: [7, 8], location: .cache)
        let runner = CellRunner(store: store, provenance: testProvenance)
        try runner.run([cell(1)]) { _ in
            CellResult(metrics: ["auc": 0.9], epochs: 1, arrays: ["tsne_map": map, "weights": weights])
        }
        let record = try XCTUnwrap(try store.record(for: cell(1)))
        XCTAssertEqual(record.arrays?["tsne_map"]?.shape, [3, 2])
        XCTAssertEqual(record.arrays?["tsne_map"]?.sha256.count, 64)
        XCTAssertEqual(try store.array("tsne_map", of: record), map)
        XCTAssertEqual(try store.array("weights", of: record).values, [7, 8])
        // Committed arrays sit beside the run file; cached ones under .cache/runs, outside results/.
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("results/runs/toy-section/\(cell(1).id)/tsne_map.f32").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(".cache/runs/toy-section/\(cell(1).id)/weights.f32").path))
        // Little-endian Float32, 4 bytes a value.
        let bytes = try Data(contentsOf: folder.appendingPathComponent("results/runs/toy-section/\(cell(1).id)/tsne_map.f32"))
        XCTAssertEqual(Array(bytes.prefix(8)), [0, 0, 0, 0, 0, 0, 0xC0, 0x3F])
    }

    func testAChangedOrLostArrayIsDetected() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = RunStore(root: folder.appendingPathComponent("results/runs"))
        try CellRunner(store: store, provenance: testProvenance).run([cell(2)]) { _ in
            CellResult(metrics: [:], epochs: 1, arrays: ["roc": RunArray(shape: [2], values: [0, 1]),
                                                        "big": RunArray(shape: [1], values: [3], location: .cache)])
        }
        let record = try XCTUnwrap(try store.record(for: cell(2)))
        let file = folder.appendingPathComponent("results/runs/toy-section/\(cell(2).id)/roc.f32")
        var bytes = try Data(contentsOf: file)
        bytes[0] ^= 1
        try bytes.write(to: file)
        XCTAssertThrowsError(try store.array("roc", of: record)) { XCTAssertTrue("\($0)".contains("does not match the SHA-256"), "\($0)") }
        try FileManager.default.removeItem(at: folder.appendingPathComponent(".cache"))
        XCTAssertThrowsError(try store.array("big", of: record)) { XCTAssertTrue("\($0)".contains("rerun the section to regenerate it"), "\($0)") }
        XCTAssertThrowsError(try store.array("absent", of: record)) { XCTAssertTrue("\($0)".contains("stored no array 'absent'"), "\($0)") }
    }

    func testTheCommittedSizeBudgetIsEnforced() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = RunStore(root: folder.appendingPathComponent("runs"))
        let tooBig = RunArray(shape: [RunArray.committedLimit / 4 + 1], values: [Float](repeating: 0, count: RunArray.committedLimit / 4 + 1))
        XCTAssertThrowsError(try CellRunner(store: store, provenance: testProvenance).run([cell(3)]) { _ in
            CellResult(metrics: [:], epochs: 1, arrays: ["weights": tooBig])
        }) { XCTAssertTrue("\($0)".contains("store it in the cache"), "\($0)") }
        XCTAssertNil(try store.record(for: cell(3)), "no run file without its arrays")
    }

    func testRecordsWithoutArraysKeepTheirBytes() throws {
        // Run files written before arrays existed decode, and encode again byte for byte.
        let record = sampleRecord(cell(4))
        let bytes = try RunStore.encode(record)
        XCTAssertFalse(String(decoding: bytes, as: UTF8.self).contains("arrays"))
    }
}
