import Foundation
import XCTest
@testable import Datasets

/// Every loader with labels range-checks them against its class count: a label file of the
/// right size with one byte changed (the checksum protects only the official copies) must be an
/// error naming the file and the value, never a class that no model has.
final class LabelRangeTests: XCTestCase {
    func testMNISTLabelBeyondTenClasses() throws {
        let dir = try Fixtures.temporaryDirectory(self)
        let images = dir.appendingPathComponent("t10k-images-idx3-ubyte.gz")
        let labels = dir.appendingPathComponent("t10k-labels-idx1-ubyte.gz")
        try Fixtures.write(Fixtures.deflate(Fixtures.idx(dimensions: [3, 2, 2], values: [UInt8](repeating: 9, count: 12))), to: images)
        try Fixtures.write(Fixtures.deflate(Fixtures.idx(dimensions: [3], values: [4, 200, 9])), to: labels)
        assertDatasetError(try IDX.loadImageSet(images: images, labels: labels, classCount: MNIST.classCount),
                           mentions: [labels.path, "byte 9", "label 200 of item 1", "expected 0..<10"])
        // The same file with label 9 loads: the check is the class count, not a smaller bound.
        try Fixtures.write(Fixtures.deflate(Fixtures.idx(dimensions: [3], values: [4, 9, 0])), to: labels)
        XCTAssertEqual(try IDX.loadImageSet(images: images, labels: labels, classCount: MNIST.classCount).labels, [4, 9, 0])
    }

    func testMNISTLoaderChecksLabels() throws {
        // Through MNIST.load itself (Fashion-MNIST uses the same loader): 10,000 test images.
        let dir = try Fixtures.temporaryDirectory(self)
        try Fixtures.write(Fixtures.deflate(Fixtures.idx(dimensions: [10_000, 28, 28], values: [UInt8](repeating: 0, count: 7_840_000))),
                           to: dir.appendingPathComponent("t10k-images-idx3-ubyte.gz"))
        var values = [UInt8](repeating: 3, count: 10_000)
        values[9_999] = 10
        let labels = dir.appendingPathComponent("t10k-labels-idx1-ubyte.gz")
        try Fixtures.write(Fixtures.deflate(Fixtures.idx(dimensions: [10_000], values: values)), to: labels)
        assertDatasetError(try FashionMNIST.load(.test, directory: dir), mentions: [labels.path, "label 10 of item 9999"])
    }

    func testUCIHARActivityOutOfRange() throws {
        let dir = try Fixtures.temporaryDirectory(self)
        let labels = dir.appendingPathComponent(UCIHAR.labelPath(.train))
        try Fixtures.write(Array("1\n6\n200\n".utf8), to: labels)
        assertDatasetError(try UCIHAR.load(.train, directory: dir), mentions: ["\(labels.path):3:", "value 200, expected an integer in 1...6"])
        try Fixtures.write(Array("1\n0\n".utf8), to: labels)
        assertDatasetError(try UCIHAR.load(.train, directory: dir), mentions: ["\(labels.path):2:", "value 0,"])
    }

    func testSmallNORBCategoryOutOfRange() {
        let dat = Fixtures.norbMatrix(bytes: true, dimensions: [2, 2, 96, 96], values: [UInt8](repeating: 0, count: 2 * 18432))
        let cat = Fixtures.norbMatrix(bytes: false, dimensions: [2], values: Fixtures.littleEndian32(4) + Fixtures.littleEndian32(200))
        let info = Fixtures.norbMatrix(bytes: false, dimensions: [2, 4], values: [0, 0, 0, 0, 0, 0, 0, 0].flatMap(Fixtures.littleEndian32))
        assertDatasetError(try SmallNORB.parse(dat: dat, cat: cat, info: info, paths: ("d.mat", "cat.mat", "info.mat")),
                           mentions: ["cat.mat", "byte 24", "category 200 in example 1", "expected 0..<5"])
    }

    func testCIFAR10LabelOutOfRange() throws {
        var batch = [UInt8](repeating: 0, count: 3 * CIFAR10.recordSize)
        batch[2 * CIFAR10.recordSize] = 200
        assertDatasetError(try CIFAR10.parseBatch(ArraySlice(batch), path: "data_batch_1.bin"),
                           mentions: ["data_batch_1.bin", "byte 6146", "label 200 in record 2", "expected 0...9"])
    }

    func testHeartbeatClassesComeOnlyFromDefinedBeatCodes() throws {
        // Heartbeat labels are AAMI classes derived from annotation codes: a code that is not a
        // beat is skipped, an undefined one (here 55) is an error naming the annotation file.
        let dir = try Fixtures.temporaryDirectory(self)
        try Fixtures.write(Array("901 1 360 2000\n901.dat 212 200 11 1024 0 0 0 MLII\n".utf8), to: dir.appendingPathComponent("901.hea"))
        try Fixtures.write(Fixtures.format212([Int](repeating: 0, count: 2000)), to: dir.appendingPathComponent("901.dat"))
        let annotations = dir.appendingPathComponent("901.atr")
        try Fixtures.write(Fixtures.atr([.annotation(code: 1, delta: 100), .annotation(code: 55, delta: 300)]), to: annotations)
        assertDatasetError(try Heartbeats.extract(records: [901], directory: dir), mentions: [annotations.path, "byte 2", "annotation code 55"])
        // Defined codes: a beat (N, 1) and a non-beat (rhythm change +, 28) give one class-0 beat.
        try Fixtures.write(Fixtures.atr([.annotation(code: 28, delta: 50), .annotation(code: 1, delta: 100), .annotation(code: 1, delta: 300)]),
                           to: annotations)
        let beats = try Heartbeats.extract(records: [901], directory: dir)
        XCTAssertEqual(beats.labels, [0])
        XCTAssertEqual(beats.classCounts, [1, 0, 0, 0, 0])
    }
}
