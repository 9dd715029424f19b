import Crypto
import Foundation
import XCTest
@testable import Datasets

/// How `ensure` and `fetch-data` (through `FetchSummary`, which its exit status comes from) tell a
/// corrupt file from an absent one, and the environment they read.
final class AcquisitionFailureTests: XCTestCase {
    private let good = Array("the good file\n".utf8)  // 14 bytes
    private var goodMD5: String { Insecure.MD5.hash(data: good).map { String(format: "%02x", $0) }.joined() }

    /// One file, `a.bin`, kept in the mirror as `mnist/a.bin`; no server.
    private func mirroredSpec() -> DatasetSpec {
        let file = DatasetSpec.ExpectedFile(path: "a.bin", size: good.count, digest: .md5(goodMD5))
        return DatasetSpec(name: .mnist, files: [file], mirror: ["a.bin": .init(path: "mnist/a.bin", gunzip: false)],
                           downloads: [], defaultBaseURLs: [])
    }

    private func offlineStore(root: URL, mirror: URL?) -> DataStore {
        DataStore(root: root, mirror: mirror, allowDownload: false, showProgress: false)
    }

    private func visibleFiles(_ url: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
    }

    // MARK: - Corrupt against absent

    func testCorruptMirrorFileIsCorruptNotAbsentAndFailsEvenWithAvailable() throws {
        let mirror = try Fixtures.temporaryDirectory(self)
        // A wrong-size MNIST label file in the mirror; the other three MNIST files are absent.
        let corruptURL = mirror.appendingPathComponent("mnist/t10k-labels-idx1-ubyte.gz")
        try Fixtures.write(Array("short".utf8), to: corruptURL)
        let root = try Fixtures.temporaryDirectory(self)
        let store = offlineStore(root: root, mirror: mirror)
        XCTAssertThrowsError(try store.ensure(.mnist)) { error in
            guard case let .corrupt(dataset, failures, advice)? = error as? DatasetError else {
                return XCTFail("expected .corrupt, got \(error)")
            }
            XCTAssertEqual(dataset, "mnist")
            XCTAssertEqual(failures, ["mirror: \(corruptURL.path): size 5 bytes, expected 4542"])
            // The absent files are listed as such, apart from the corrupt one.
            XCTAssertTrue(advice.contains("3 file(s) missing"), advice)
            XCTAssertTrue(advice.contains("train-images-idx3-ubyte.gz"), advice)
            XCTAssertFalse((error as! DatasetError).isAbsence)
        }
        XCTAssertEqual(visibleFiles(root), [], "nothing half-written")

        var summary = FetchSummary()
        summary.record(.mnist) { try store.ensure(.mnist) }
        XCTAssertEqual(summary.failed, [.mnist])
        XCTAssertEqual(summary.absent, [])
        XCTAssertEqual(summary.exitStatus(acceptingAbsent: true), 2, "make data (--available) must fail on a corrupt file")
        XCTAssertEqual(summary.exitStatus(acceptingAbsent: false), 2)
        XCTAssertEqual(summary.closingLines(acceptingAbsent: true), ["failed (corrupt or unreadable files, see above): mnist"])
    }

    func testSameSizeCorruptMirrorFileIsNamedOnce() throws {
        let mirror = try Fixtures.temporaryDirectory(self)
        var wrong = good
        wrong[3] ^= 1
        try Fixtures.write(wrong, to: mirror.appendingPathComponent("mnist/a.bin"))
        let root = try Fixtures.temporaryDirectory(self)
        do {
            try offlineStore(root: root, mirror: mirror).ensure(spec: mirroredSpec())
            XCTFail("a corrupt mirror file must not be accepted")
        } catch let error as DatasetError {
            guard case .corrupt = error else { return XCTFail("expected .corrupt, got \(error)") }
            let failure = "\(mirror.appendingPathComponent("mnist/a.bin").path): MD5 "
            XCTAssertEqual(error.description.components(separatedBy: failure).count - 1, 1, "the failure is printed once: \(error)")
            XCTAssertTrue(error.description.contains("expected \(goodMD5)"))
            XCTAssertFalse(error.description.contains("not available"), "every missing file had a corrupt copy: \(error)")
        }
        XCTAssertEqual(visibleFiles(root), [])
    }

    func testAbsentSetsAreListedAndAcceptedWithAvailable() throws {
        let mirror = try Fixtures.temporaryDirectory(self)  // exists, holds nothing
        let root = try Fixtures.temporaryDirectory(self)
        let store = offlineStore(root: root, mirror: mirror)
        var summary = FetchSummary()
        for name in [DatasetName.cifar10, .smallNORB] {
            let outcome = summary.record(name) { try store.ensure(name) }
            guard case let .absent(error) = outcome else { return XCTFail("expected absent, got \(outcome)") }
            XCTAssertTrue(error.isAbsence)
            XCTAssertTrue(error.description.contains("data set '\(name.rawValue)' is not available"), error.description)
        }
        summary.record(.mnist) {}  // a set that is ready
        XCTAssertEqual(summary.absent, [.cifar10, .smallNORB])
        XCTAssertEqual(summary.ready, [.mnist])
        XCTAssertEqual(summary.exitStatus(acceptingAbsent: true), 0)
        XCTAssertEqual(summary.exitStatus(acceptingAbsent: false), 1)
        XCTAssertEqual(summary.closingLines(acceptingAbsent: true), ["not available (no source has them; skipped): cifar10, smallnorb"])
        XCTAssertEqual(visibleFiles(root), [])
    }

    // MARK: - Files placed in data/ by hand

    func testWrongSizeFileInDataIsReportedAndLeftAlone() throws {
        let mirror = try Fixtures.temporaryDirectory(self)
        try Fixtures.write(good, to: mirror.appendingPathComponent("mnist/a.bin"))
        let root = try Fixtures.temporaryDirectory(self)
        let placed = root.appendingPathComponent("mnist/a.bin")
        try Fixtures.write(Array("wrong".utf8), to: placed)
        let store = offlineStore(root: root, mirror: mirror)
        // Not "missing", and not overwritten from the mirror: what is wrong with it, and what to do.
        assertDatasetError(try store.ensure(spec: mirroredSpec()),
                           mentions: [placed.path, "size 5 bytes, expected 14", "fail verification", "left as they are", "Delete them"])
        XCTAssertEqual([UInt8](try Data(contentsOf: placed)), Array("wrong".utf8))
        var summary = FetchSummary()
        summary.record(.mnist) { try store.ensure(spec: mirroredSpec()) }
        XCTAssertEqual(summary.exitStatus(acceptingAbsent: true), 2)
        // Once the user deletes it, the mirror's copy comes in.
        try FileManager.default.removeItem(at: placed)
        try store.ensure(spec: mirroredSpec())
        XCTAssertEqual([UInt8](try Data(contentsOf: placed)), good)
    }

    // MARK: - Environment and mirror folder

    func testEmptyDataRootAndMirrorReadAsUnset() {
        let data = URL(fileURLWithPath: "data").path
        XCTAssertEqual(DataStore.root(option: nil, environment: ["DATA_ROOT": ""]).path, data)
        XCTAssertEqual(DataStore.root(option: nil, environment: [:]).path, data)
        XCTAssertEqual(DataStore.root(option: "", environment: ["DATA_ROOT": "/srv/sets"]).path, "/srv/sets")
        XCTAssertEqual(DataStore.root(option: "/x", environment: ["DATA_ROOT": "/srv/sets"]).path, "/x")
        XCTAssertNil(DataStore.mirror(option: nil, environment: ["DATA_MIRROR": ""]))
        XCTAssertNil(DataStore.mirror(option: "", environment: [:]))
        XCTAssertEqual(DataStore.mirror(option: nil, environment: ["DATA_MIRROR": "/m"])?.path, "/m")
        XCTAssertEqual(DataStore.mirror(option: "/o", environment: ["DATA_MIRROR": "/m"])?.path, "/o")
    }

    func testMissingMirrorFolderIsNamed() throws {
        let root = try Fixtures.temporaryDirectory(self)
        let missing = root.appendingPathComponent("no such mirror")
        let store = offlineStore(root: root, mirror: missing)
        XCTAssertThrowsError(try store.checkMirror()) { XCTAssertEqual($0 as? DatasetError, .missingMirror(path: missing.path)) }
        assertDatasetError(try store.ensure(.mnist), mentions: [missing.path, "mirror folder not found", "DATA_MIRROR"])
        var summary = FetchSummary()
        summary.record(.mnist) { try store.ensure(.mnist) }
        XCTAssertEqual(summary.exitStatus(acceptingAbsent: true), 2, "a mistyped mirror is not an absent data set")
        XCTAssertEqual(visibleFiles(root), [])
        // A file where the folder should be is named the same way.
        let file = root.appendingPathComponent("mirror-file")
        try Fixtures.write([1], to: file)
        XCTAssertThrowsError(try offlineStore(root: root, mirror: file).checkMirror())
    }
}
