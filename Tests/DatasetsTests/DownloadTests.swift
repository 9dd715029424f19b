import Crypto
import Foundation
import XCTest
@testable import Datasets

/// The download path against a real HTTP server on loopback.
final class DownloadTests: XCTestCase {
    private func md5(_ bytes: [UInt8]) -> String { Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }
    private func sha256(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

    private let good = Array("the good file\n".utf8)
    private let other = [UInt8](repeating: 42, count: 300_000)

    /// A catalog entry shaped like MNIST's, for fixture files.
    private func fixtureSpec(goodDigest: Checksum? = nil) -> DatasetSpec {
        let files = [
            DatasetSpec.ExpectedFile(path: "a.bin", size: good.count, digest: goodDigest ?? .md5(md5(good))),
            DatasetSpec.ExpectedFile(path: "b.bin", size: other.count, digest: .sha256(sha256(other))),
        ]
        return DatasetSpec(name: .mnist, files: files, mirror: [:],
                           downloads: files.map { .init(remotePath: $0.path, size: $0.size, digest: $0.digest, install: .file($0.path)) },
                           defaultBaseURLs: [])
    }

    private func store(_ root: URL, _ bases: [URL]) -> DataStore {
        DataStore(root: root, mirror: nil, baseURLs: [.mnist: bases, .uciHAR: bases, .cifar10: bases], showProgress: false)
    }

    private func visibleFiles(_ url: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
    }

    func testDownloadVerifiesAndPlacesFiles() throws {
        let server = try LoopbackHTTPServer(files: ["/sets/a.bin": good, "/sets/b.bin": other])
        defer { server.stop() }
        let root = try Fixtures.temporaryDirectory(self)
        // The first base answers 404, the second serves: the store falls back like MNIST's two servers.
        let s = store(root, [server.baseURL.appendingPathComponent("missing/"), server.baseURL.appendingPathComponent("sets/")])
        try s.ensure(spec: fixtureSpec())
        let dir = root.appendingPathComponent("mnist")
        XCTAssertEqual(visibleFiles(dir), [".verified", "a.bin", "b.bin"])
        XCTAssertEqual([UInt8](try Data(contentsOf: dir.appendingPathComponent("a.bin"))), good)
        XCTAssertEqual([UInt8](try Data(contentsOf: dir.appendingPathComponent("b.bin"))), other)
        XCTAssertEqual(server.requests, ["/missing/a.bin", "/sets/a.bin", "/missing/b.bin", "/sets/b.bin"])
        // In place: a second ensure makes no request.
        try s.ensure(spec: fixtureSpec())
        XCTAssertEqual(server.requests.count, 4)
    }

    func testCorruptDownloadLeavesDataUntouched() throws {
        var corrupt = other
        corrupt[1000] = 43
        let server = try LoopbackHTTPServer(files: ["/a.bin": good, "/b.bin": corrupt])
        defer { server.stop() }
        let root = try Fixtures.temporaryDirectory(self)
        let s = store(root, [server.baseURL])
        assertDatasetError(try s.ensure(spec: fixtureSpec()),
                           mentions: ["\(server.baseURL.absoluteString)b.bin", "SHA-256", sha256(corrupt), sha256(other)])
        // The good file landed (it was verified); the corrupt one did not, nor any temporary file.
        XCTAssertEqual(visibleFiles(root.appendingPathComponent("mnist")), [".verified", "a.bin"])
    }

    func testMismatchOnTheOnlyFileLeavesNoFolder() throws {
        let server = try LoopbackHTTPServer(files: ["/a.bin": good, "/b.bin": other])
        defer { server.stop() }
        let root = try Fixtures.temporaryDirectory(self)
        var spec = fixtureSpec(goodDigest: .md5("00000000000000000000000000000000"))
        spec.files.removeLast(); spec.downloads.removeLast()
        assertDatasetError(try store(root, [server.baseURL]).ensure(spec: spec), mentions: ["a.bin", "MD5", md5(good)])
        XCTAssertEqual(visibleFiles(root), [])
    }

    func testFilePlacedByHandIsVerifiedOnceAndLeftAloneWhenBad() throws {
        let server = try LoopbackHTTPServer(files: ["/a.bin": good, "/b.bin": other])
        defer { server.stop() }
        let root = try Fixtures.temporaryDirectory(self)
        let dir = root.appendingPathComponent("mnist")
        var wrong = good
        wrong[0] ^= 1
        try Fixtures.write(wrong, to: dir.appendingPathComponent("a.bin"))
        let s = store(root, [server.baseURL])
        assertDatasetError(try s.ensure(spec: fixtureSpec()), mentions: [dir.appendingPathComponent("a.bin").path, "MD5", "fail verification", "left as they are"])
        XCTAssertEqual([UInt8](try Data(contentsOf: dir.appendingPathComponent("a.bin"))), wrong)
        XCTAssertEqual(server.requests, [])
        // Replaced by a good copy: verified, recorded, then the rest is downloaded.
        try Fixtures.write(good, to: dir.appendingPathComponent("a.bin"))
        try s.ensure(spec: fixtureSpec())
        XCTAssertEqual(server.requests, ["/b.bin"])
        XCTAssertEqual(visibleFiles(dir), [".verified", "a.bin", "b.bin"])
    }

    func testUnreachableSourceGivesInstructions() throws {
        let server = try LoopbackHTTPServer(files: [:])
        defer { server.stop() }
        let root = try Fixtures.temporaryDirectory(self)
        let s = store(root, [server.baseURL])
        assertDatasetError(try s.ensure(.cifar10), mentions: [
            "data set 'cifar10' is not available", "cifar-10-binary.tar.gz", "\(server.baseURL.absoluteString)cifar-10-binary.tar.gz",
            "HTTP status 404", root.appendingPathComponent("cifar10").path, "DATA_MIRROR",
        ])
        XCTAssertEqual(visibleFiles(root), [])
        // A port nobody listens on: the network error is reported, not thrown as a crash.
        let closed = store(root, [URL(string: "http://127.0.0.1:9/")!])
        assertDatasetError(try closed.ensure(.cifar10), mentions: ["cifar10", "download failed"])
    }

    func testZipArchiveInstallsVerifiedMembers() throws {
        // UCI-HAR's shape: a zip whose members are checked structurally (UCI publishes no checksum).
        let window = (0..<128).map { String(format: "%.3e", Double($0)) }.joined(separator: " ") + "\n"
        var files = [(name: String, data: [UInt8], deflated: Bool)]()
        for split in [UCIHAR.Split.train, .test] {
            let n = split == .train ? 7352 : 2947
            files.append(("UCI HAR Dataset/" + UCIHAR.labelPath(split), Array(String(repeating: "3\n", count: n).utf8), true))
            files.append(("UCI HAR Dataset/" + UCIHAR.subjectPath(split), Array(String(repeating: "7\n", count: n).utf8), false))
        }
        // Signal files of the right width but only 2 rows: the structural check must refuse them.
        for channel in UCIHAR.Channel.allCases {
            files.append(("UCI HAR Dataset/" + UCIHAR.signalPath(channel, .train), Array((window + window).utf8), true))
        }
        let server = try LoopbackHTTPServer(files: ["/UCI%20HAR%20Dataset.zip": Fixtures.zip(files)])
        defer { server.stop() }
        let root = try Fixtures.temporaryDirectory(self)
        assertDatasetError(try store(root, [server.baseURL]).ensure(.uciHAR),
                           mentions: ["uci-har", "Inertial Signals/body_acc_x_test.txt", "UCI%20HAR%20Dataset.zip"])
        let dir = root.appendingPathComponent("uci-har")
        // Labels and subjects passed their checks and are in place; the short signal files are not.
        XCTAssertEqual(try UCIHAR.loadIntegers(dir.appendingPathComponent(UCIHAR.labelPath(.train)), range: 1...6).count, 7352)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent(UCIHAR.signalPath(.bodyAccX, .train)).path))
        XCTAssertEqual(visibleFiles(dir.appendingPathComponent("train")), ["subject_train.txt", "y_train.txt"])
    }
}
