import Foundation
import XCTest
@testable import Datasets

/// Checks on the real files, when a mirror is present: `$DATA_MIRROR`, else `../shared/data`
/// next to the package root. Skipped otherwise.
final class MirrorDataTests: XCTestCase {
    static var mirror: URL? {
        if let path = ProcessInfo.processInfo.environment["DATA_MIRROR"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidate = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        return FileManager.default.fileExists(atPath: candidate.path) ? candidate : nil
    }

    private func requireMirror(_ set: String) throws -> URL {
        guard let mirror = Self.mirror, FileManager.default.fileExists(atPath: mirror.appendingPathComponent(set).path) else {
            throw XCTSkip("no mirror with \(set) (set DATA_MIRROR)")
        }
        return mirror
    }

    func testMNISTFromMirrorVerifiedAndParsed() throws {
        let mirror = try requireMirror("mnist")
        let root = try Fixtures.temporaryDirectory(self)
        let store = DataStore(root: root, mirror: mirror, allowDownload: false, showProgress: false)
        let train = try MNIST.load(.train, store: store)
        XCTAssertEqual(train.count, 60_000)
        XCTAssertEqual(train.pixels.count, 47_040_000)
        XCTAssertEqual(train.shape, [28, 28, 1])
        XCTAssertEqual(Array(train.labels.prefix(10)), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
        XCTAssertEqual(train.image(0).reduce(0) { $0 + Int($1) }, 27525)
        XCTAssertEqual(Array(train.image(0)[(6 * 28 + 8)..<(6 * 28 + 14)]), [30, 36, 94, 154, 170, 253])
        XCTAssertEqual(train.pixels.reduce(0) { $0 + Int($1) }, 1_567_298_545)
        var perClass = [Int](repeating: 0, count: 10)
        for label in train.labels { perClass[Int(label)] += 1 }
        XCTAssertEqual(perClass, SplitTests.mnistTrainCounts)
        let test = try MNIST.load(.test, store: store)
        XCTAssertEqual(Array(test.labels.prefix(5)), [7, 2, 1, 0, 4])
        let verified = try String(contentsOf: root.appendingPathComponent("mnist/.verified"), encoding: .utf8)
        XCTAssertTrue(verified.contains("9912422\ttrain-images-idx3-ubyte.gz"))
    }

    func testFashionMNISTFromMirror() throws {
        let mirror = try requireMirror("fashion-mnist")
        let root = try Fixtures.temporaryDirectory(self)
        let store = DataStore(root: root, mirror: mirror, allowDownload: false, showProgress: false)
        let train = try FashionMNIST.load(.train, store: store)
        XCTAssertEqual(Array(train.labels.prefix(10)), [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
        XCTAssertEqual(train.image(0).reduce(0) { $0 + Int($1) }, 76247)
        XCTAssertEqual(train.pixels.reduce(0) { $0 + Int($1) }, 3_431_114_169)
    }

    func testCorruptMirrorFileNeverLands() throws {
        let mirror = try requireMirror("mnist")
        let fakeMirror = try Fixtures.temporaryDirectory(self)
        for name in ["train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"] {
            try FileManager.default.createDirectory(at: fakeMirror.appendingPathComponent("mnist"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: mirror.appendingPathComponent("mnist/\(name)"), to: fakeMirror.appendingPathComponent("mnist/\(name)"))
        }
        // Same size as the real file, one byte changed: only the MD5 can tell.
        var bytes = [UInt8](try Data(contentsOf: mirror.appendingPathComponent("mnist/train-images-idx3-ubyte.gz")))
        bytes[5_000_000] ^= 1
        try Data(bytes).write(to: fakeMirror.appendingPathComponent("mnist/train-images-idx3-ubyte.gz"))
        let root = try Fixtures.temporaryDirectory(self)
        let store = DataStore(root: root, mirror: fakeMirror, allowDownload: false, showProgress: false)
        assertDatasetError(try store.ensure(.mnist), mentions: ["train-images-idx3-ubyte.gz", "MD5", "expected f68b3c2dcbeaaa9fbdd348bbdeb94873"])
        let placed = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("mnist").path).sorted()
        XCTAssertEqual(placed, [".verified", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte.gz"])
    }

    func testUCIHARLabelsFromMirror() throws {
        let mirror = try requireMirror("uci-har")
        let root = try Fixtures.temporaryDirectory(self)
        let store = DataStore(root: root, mirror: mirror, allowDownload: false, showProgress: false)
        // The mirror has no inertial signals: ensure fails naming them, but the labels land.
        assertDatasetError(try store.ensure(.uciHAR), mentions: ["uci-har", "18 file(s) missing", "Inertial Signals/body_acc_x_train.txt"])
        let dir = store.directory(for: .uciHAR)
        let y = try UCIHAR.loadIntegers(dir.appendingPathComponent(UCIHAR.labelPath(.train)), range: 1...6)
        var perClass = [Int](repeating: 0, count: 6)
        for label in y { perClass[Int(label) - 1] += 1 }
        XCTAssertEqual(perClass, [1226, 1073, 986, 1286, 1374, 1407])
        let subjects = try UCIHAR.loadIntegers(dir.appendingPathComponent(UCIHAR.subjectPath(.test)), range: 1...30)
        XCTAssertEqual(subjects.count, 2947)
        XCTAssertEqual(Set(subjects).sorted(), [2, 4, 9, 10, 12, 13, 18, 20, 24])
    }

    func testMITBIHRecord100() throws {
        let mirror = try requireMirror("mitbih").appendingPathComponent("mitbih")
        try Checksum.sha256("60ebc904c7bf3e04d142638d3fd5c903e8dc9f10f1ea3264e07926aa089ee75e").verify(mirror.appendingPathComponent("100.hea"), displayPath: "100.hea")
        let record = try WFDB.loadRecord("100", directory: mirror)
        XCTAssertEqual(record.header.recordName, "100")
        XCTAssertEqual(record.header.sampleCount, 650_000)
        XCTAssertEqual(record.header.samplingFrequency, 360)
        XCTAssertEqual(record.header.signals.map(\.description), ["MLII", "V5"])
        XCTAssertEqual(record.header.signals.map(\.initialValue), [995, 1011])
        XCTAssertEqual(record.header.signals.map(\.checksum), [-22131, 20052])
        XCTAssertEqual(record.header.signals[0].gain, 200)
        XCTAssertEqual(record.header.signals[0].zero, 1024)
        XCTAssertEqual(record.header.comments.first, "69 M 1085 1629 x1")
        var counts = [String: Int]()
        for a in record.annotations { counts[a.mnemonic, default: 0] += 1 }
        XCTAssertEqual(counts, ["+": 1, "N": 2239, "A": 33, "V": 1])
        XCTAssertEqual(record.annotations[0].aux, "(N")
        let beats = Heartbeats.extract(from: record, recordNumber: 100)
        XCTAssertEqual(beats.count, 2272)
        XCTAssertEqual(beats.classCounts, [2238, 33, 1, 0, 0])
    }
}
