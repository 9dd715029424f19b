import Foundation
import XCTest
@testable import Datasets

/// Every kind of bad file gives a DatasetError naming the file and the offset or line.
final class BadInputTests: XCTestCase {
    func testTruncatedGzipNamesFileAndOffset() throws {
        let dir = try Fixtures.temporaryDirectory(self)
        let full = Fixtures.deflate(Fixtures.idx(dimensions: [50, 28, 28], values: (0..<39200).map { UInt8($0 % 251) }))
        let url = dir.appendingPathComponent("train-images.gz")
        try Fixtures.write(Array(full.prefix(full.count / 2)), to: url)
        assertDatasetError(try Gzip.decompressFile(at: url), mentions: [url.path, "byte \(full.count / 2)", "truncated"])
        // Not gzip at all.
        try Fixtures.write([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], to: url)
        assertDatasetError(try Gzip.decompressFile(at: url), mentions: [url.path, "not a gzip file"])
        // Corrupt deflate data in the middle.
        var corrupt = full
        for i in 20..<60 { corrupt[i] ^= 0xFF }
        try Fixtures.write(corrupt, to: url)
        assertDatasetError(try Gzip.decompressFile(at: url), mentions: [url.path, "corrupt compressed data at byte"])
    }

    func testIDXWrongMagicAndWrongCounts() throws {
        var labels = Fixtures.idx(dimensions: [3], values: [1, 2, 3])
        labels[2] = 0x0D  // float type instead of ubyte
        assertDatasetError(try IDX.parseBytes(labels, expectedRank: 1, path: "labels.idx"),
                           mentions: ["labels.idx", "byte 0", "magic number 3329", "expected 2049"])
        let short = Fixtures.idx(dimensions: [5, 2, 2], values: [UInt8](repeating: 0, count: 16))
        assertDatasetError(try IDX.parseBytes(short, expectedRank: 3, path: "images.idx"),
                           mentions: ["images.idx", "byte 32", "[5, 2, 2] = 20 values, file holds 16"])
        // Image and label files that disagree on the count.
        let dir = try Fixtures.temporaryDirectory(self)
        try Fixtures.write(Fixtures.idx(dimensions: [2, 1, 1], values: [0, 0]), to: dir.appendingPathComponent("i"))
        try Fixtures.write(Fixtures.idx(dimensions: [3], values: [0, 0, 0]), to: dir.appendingPathComponent("l"))
        assertDatasetError(try IDX.loadImageSet(images: dir.appendingPathComponent("i"), labels: dir.appendingPathComponent("l"), classCount: 10),
                           mentions: [dir.appendingPathComponent("l").path, "3 labels", "2 images"])
        try Fixtures.write(Fixtures.idx(dimensions: [2], values: [0, 0]), to: dir.appendingPathComponent("l"))
        assertDatasetError(try IDX.loadImageSet(images: dir.appendingPathComponent("i"), labels: dir.appendingPathComponent("l"), expectedCount: 60_000, classCount: 10),
                           mentions: ["2 images, expected 60000"])
    }

    func testSmallNORBWrongMagicAndSizes() {
        var bad = Fixtures.norbMatrix(bytes: false, dimensions: [2], values: [UInt8](repeating: 0, count: 8))
        bad[0] = 0x99
        assertDatasetError(try SmallNORB.parseHeader(bad, path: "cat.mat"), mentions: ["cat.mat", "byte 0", "magic number 0x1e3d4c99"])
        let cut = Fixtures.norbMatrix(bytes: true, dimensions: [1, 2, 96, 96], values: [UInt8](repeating: 0, count: 100))
        assertDatasetError(try SmallNORB.parseHeader(cut, path: "dat.mat"), mentions: ["dat.mat", "need 18432 data bytes, file holds 100"])
        let dat = Fixtures.norbMatrix(bytes: true, dimensions: [1, 2, 96, 96], values: [UInt8](repeating: 0, count: 18432))
        let cat = Fixtures.norbMatrix(bytes: false, dimensions: [1], values: Fixtures.littleEndian32(7))
        let info = Fixtures.norbMatrix(bytes: false, dimensions: [1, 4], values: [0, 0, 0, 0].flatMap(Fixtures.littleEndian32))
        assertDatasetError(try SmallNORB.parse(dat: dat, cat: cat, info: info, paths: ("d", "c", "i")),
                           mentions: ["c: bad format at byte 20", "category 7 in example 0"])
    }

    func testCIFARPartialRecordAndBadLabel() {
        assertDatasetError(try CIFAR10.parseBatch(ArraySlice([UInt8](repeating: 0, count: 3073 + 10)), path: "b.bin"),
                           mentions: ["b.bin", "byte 3073", "not a whole number"])
        var bad = [UInt8](repeating: 0, count: 2 * 3073)
        bad[3073] = 10
        assertDatasetError(try CIFAR10.parseBatch(ArraySlice(bad), path: "b.bin"), mentions: ["byte 3073", "label 10 in record 1"])
        assertDatasetError(try Tar.regularFiles(in: [UInt8](repeating: 7, count: 600), path: "a.tar"), mentions: ["a.tar", "byte 148", "not octal"])
        let archive = Fixtures.tar([("cifar-10-batches-bin/test_batch.bin", [UInt8](repeating: 1, count: 1000))])
        assertDatasetError(try Tar.regularFiles(in: Array(archive.prefix(1012)), path: "c.tar"),
                           mentions: ["c.tar", "byte 512", "test_batch.bin announces 1000 bytes, archive ends after 500"])
    }

    func testTextNonNumericAndRaggedRows() {
        let nonNumeric = Array("1.0 2.0\n3.0 4.0x\n".utf8)
        assertDatasetError(try UCIHAR.parseTable(nonNumeric, columns: 2, path: "body_acc_x_train.txt"),
                           mentions: ["body_acc_x_train.txt:2:", "field 2 '4.0x' is not a number"])
        let ragged = Array(" 1.0e+00  2.0e+00\n 3.0e+00\n".utf8)
        assertDatasetError(try UCIHAR.parseTable(ragged, columns: 2, path: "s.txt"), mentions: ["s.txt:2:", "1 fields, expected 2"])
        assertDatasetError(try UCIHAR.parseTable(Array("1 2\nnan 2\n".utf8), columns: 2, path: "s.txt"), mentions: ["s.txt:2:", "'nan'"])
    }

    func testUCIHARLabelOutOfRangeAndWindowCountMismatch() throws {
        let dir = try Fixtures.temporaryDirectory(self)
        try Fixtures.write(Array("1\n7\n".utf8), to: dir.appendingPathComponent(UCIHAR.labelPath(.test)))
        assertDatasetError(try UCIHAR.load(.test, directory: dir), mentions: ["y_test.txt:2:", "value 7, expected an integer in 1...6"])
        try Fixtures.write(Array("1\n2\n".utf8), to: dir.appendingPathComponent(UCIHAR.labelPath(.test)))
        try Fixtures.write(Array("2\n4\n".utf8), to: dir.appendingPathComponent(UCIHAR.subjectPath(.test)))
        let oneWindow = (0..<128).map { _ in "0.5" }.joined(separator: " ") + "\n"
        for channel in UCIHAR.paperChannels {
            try Fixtures.write(Array(oneWindow.utf8), to: dir.appendingPathComponent(UCIHAR.signalPath(channel, .test)))
        }
        assertDatasetError(try UCIHAR.load(.test, directory: dir), mentions: ["body_acc_x_test.txt:2:", "1 windows, but 2 labels"])
    }

    func testWFDBHeaderThatDoesNotMatchItsDatSize() throws {
        let dir = try Fixtures.temporaryDirectory(self)
        try Fixtures.write(Array("901 2 360 1000\n901.dat 212 200 11 1024 0 0 0 MLII\n901.dat 212 200 11 1024 0 0 0 V5\n".utf8),
                           to: dir.appendingPathComponent("901.hea"))
        try Fixtures.write(Fixtures.format212([Int](repeating: 0, count: 2 * 999)), to: dir.appendingPathComponent("901.dat"))
        try Fixtures.write(Fixtures.atr([]), to: dir.appendingPathComponent("901.atr"))
        assertDatasetError(try WFDB.loadRecord("901", directory: dir),
                           mentions: [dir.appendingPathComponent("901.dat").path, "byte 2997", "1000 samples × 2 signals", "3000 bytes, file has 2997"])
        // Right size, wrong checksum in the header.
        try Fixtures.write(Fixtures.format212([Int](repeating: 1, count: 2 * 1000)), to: dir.appendingPathComponent("901.dat"))
        assertDatasetError(try WFDB.loadRecord("901", directory: dir), mentions: ["901.dat", "starts at 1, header says 0"])
        // Malformed record line.
        try Fixtures.write(Array("901 two 360\n".utf8), to: dir.appendingPathComponent("901.hea"))
        assertDatasetError(try WFDB.loadRecord("901", directory: dir), mentions: ["901.hea:1:", "record line"])
        // An annotation file cut inside an entry.
        XCTAssertThrowsError(try WFDB.readAnnotations([0x72, 0x05, 0x01], path: "x.atr"))
        assertDatasetError(try WFDB.readAnnotations([0x72, 0x05, 0x01], path: "x.atr"), mentions: ["x.atr", "byte 2", "ends inside an entry"])
        assertDatasetError(try WFDB.readAnnotations(Fixtures.littleEndian16(55 << 10) + [0, 0], path: "x.atr"), mentions: ["code 55"])
    }

    func testZipCRCMismatch() {
        var archive = Fixtures.zip([("m.txt", Array("abcdef".utf8), false)])
        archive[30 + 5] = UInt8(ascii: "X")  // first data byte after the 30-byte header and 5-byte name
        let entries = try! Zip.entries(in: archive, path: "u.zip")
        assertDatasetError(try Zip.extract(entries[0], from: archive, path: "u.zip"), mentions: ["u.zip[m.txt]", "CRC-32"])
        assertDatasetError(try Zip.entries(in: [UInt8](repeating: 0, count: 100), path: "u.zip"), mentions: ["u.zip", "end-of-central-directory"])
    }
}
