import Foundation
import XCTest
@testable import Datasets

/// Each loader on small files written in its official format.
final class FormatTests: XCTestCase {
    func testIDXImagesAndLabelsFromGzip() throws {
        let dir = try Fixtures.temporaryDirectory(self)
        // Three 2×3 images with known bytes.
        let pixels: [UInt8] = [0, 51, 102, 153, 204, 255, 1, 2, 3, 4, 5, 6, 255, 255, 0, 0, 10, 20]
        try Fixtures.write(Fixtures.deflate(Fixtures.idx(dimensions: [3, 2, 3], values: pixels)), to: dir.appendingPathComponent("img.gz"))
        try Fixtures.write(Fixtures.deflate(Fixtures.idx(dimensions: [3], values: [5, 0, 9])), to: dir.appendingPathComponent("lab.gz"))
        let set = try IDX.loadImageSet(images: dir.appendingPathComponent("img.gz"), labels: dir.appendingPathComponent("lab.gz"), classCount: 10)
        XCTAssertEqual(set.count, 3)
        XCTAssertEqual(set.shape, [2, 3, 1])
        XCTAssertEqual(set.labels, [5, 0, 9])
        XCTAssertEqual(Array(set.image(1)), [1, 2, 3, 4, 5, 6])
        var batch = [Float](repeating: -1, count: 12)
        set.fillBatch([2, 0], into: &batch)
        XCTAssertEqual(batch, [1, 1, 0, 0, Float(10) / 255, Float(20) / 255, 0, 0.2, 0.4, 0.6, 0.8, 1])
        XCTAssertEqual(set.subset([2]).labels, [9])
        // A reused staging array holds exactly the batch: a last, smaller batch must not leave
        // stale images behind (a 500-image buffer once went into a 20-image tensor).
        set.fillBatch([1], into: &batch)
        XCTAssertEqual(batch, [1, 2, 3, 4, 5, 6].map { Float($0) / 255 })
        set.fillBatch([0, 1, 2], into: &batch)
        XCTAssertEqual(batch.count, 18)
    }

    func testGzipOfSeveralMembersAndUncompressedIDX() throws {
        let a = Array("hello ".utf8), b = Array("world".utf8)
        XCTAssertEqual(try Gzip.decompress(Fixtures.deflate(a) + Fixtures.deflate(b), path: "x.gz"), a + b)
        let dir = try Fixtures.temporaryDirectory(self)
        try Fixtures.write(Fixtures.idx(dimensions: [1, 1, 2], values: [7, 8]), to: dir.appendingPathComponent("img"))
        try Fixtures.write(Fixtures.idx(dimensions: [1], values: [3]), to: dir.appendingPathComponent("lab"))
        let set = try IDX.loadImageSet(images: dir.appendingPathComponent("img"), labels: dir.appendingPathComponent("lab"), classCount: 10)
        XCTAssertEqual(set.pixels, [7, 8])
    }

    func testSmallNORBStereoPairsAndFactors() throws {
        let dir = try Fixtures.temporaryDirectory(self)
        let n = 2
        // Pixel value encodes (example, camera, position) so the interleaving can be checked.
        var dat = [UInt8](repeating: 0, count: n * 2 * 9216)
        for i in 0..<n { for cam in 0..<2 { for p in 0..<9216 { dat[(i * 2 + cam) * 9216 + p] = UInt8((i * 100 + cam * 50 + p) % 256) } } }
        let cat = [4, 1].flatMap(Fixtures.littleEndian32)
        let info = [[9, 8, 34, 5], [0, 0, 2, 0]].flatMap { $0.flatMap(Fixtures.littleEndian32) }
        try Fixtures.write(Fixtures.deflate(Fixtures.norbMatrix(bytes: true, dimensions: [n, 2, 96, 96], values: dat)),
                           to: dir.appendingPathComponent(SmallNORB.fileName(.training, "dat")))
        try Fixtures.write(Fixtures.deflate(Fixtures.norbMatrix(bytes: false, dimensions: [n], values: cat)),
                           to: dir.appendingPathComponent(SmallNORB.fileName(.training, "cat")))
        // The info file uncompressed: the loader accepts both.
        try Fixtures.write(Fixtures.norbMatrix(bytes: false, dimensions: [n, 4], values: info),
                           to: dir.appendingPathComponent(SmallNORB.fileName(.training, "info")).deletingPathExtension())
        let set = try SmallNORB.load(.training, directory: dir)
        XCTAssertEqual(set.count, 2)
        XCTAssertEqual(set.factors[0], SmallNORB.Factors(category: 4, instance: 9, elevation: 8, azimuth: 17, lighting: 5))
        XCTAssertEqual(set.factors[1], SmallNORB.Factors(category: 1, instance: 0, elevation: 0, azimuth: 1, lighting: 0))
        // Example 1, row 1, column 2 (position 98), right camera: (100 + 50 + 98) % 256.
        XCTAssertEqual(set.pixels[1 * 18432 + 98 * 2 + 1], UInt8(248))
        XCTAssertEqual(set.pixels[1 * 18432 + 98 * 2 + 0], UInt8(198))
        XCTAssertEqual(set.pixels[0], 0)
        XCTAssertEqual(set.pixels[1], 50)
    }

    func testCIFAR10RecordsInsideTarGz() throws {
        let dir = try Fixtures.temporaryDirectory(self)
        var test = [UInt8](repeating: 0, count: 10_000 * CIFAR10.recordSize)
        for i in 0..<10_000 { test[i * CIFAR10.recordSize] = UInt8(i % 10) }
        test[1] = 11; test[1 + 1024] = 22; test[1 + 3071] = 33          // record 0: red, green planes, last blue
        test[CIFAR10.recordSize + 1] = 200                               // record 1, first red pixel
        let archive = Fixtures.tar([("cifar-10-batches-bin/batches.meta.txt", Array("airplane\n".utf8)),
                                    ("cifar-10-batches-bin/test_batch.bin", test)])
        let url = dir.appendingPathComponent(CIFAR10.archiveName)
        try Fixtures.write(Fixtures.deflate(archive), to: url)
        let set = try CIFAR10.load(.test, archive: url)
        XCTAssertEqual(set.count, 10_000)
        XCTAssertEqual(set.shape, [32, 32, 3])
        XCTAssertEqual(Array(set.labels.prefix(12)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1])
        XCTAssertEqual(set.pixels[0], 11)
        XCTAssertEqual(set.pixels[1], 22)                                 // interleaved: green of pixel 0
        XCTAssertEqual(set.pixels[3071], 33)
        XCTAssertEqual(set.pixels[3072], 200)
        // The training batches are absent: a clear error naming the member.
        assertDatasetError(try CIFAR10.load(.train, archive: url), mentions: ["data_batch_1.bin", url.path])
    }

    func testUCIHARInertialSignalsLabelsAndSubjects() throws {
        let dir = try Fixtures.temporaryDirectory(self)
        let windows = 3
        for (c, channel) in UCIHAR.Channel.allCases.enumerated() {
            // Value = channel + window/10 + step/1000, written like the release (scientific notation, padded).
            let text = (0..<windows).map { w in
                (0..<128).map { t in String(format: " %.7e", Double(c) + Double(w) / 10 + Double(t) / 1000) }.joined(separator: " ")
            }.joined(separator: "\n") + "\n"
            try Fixtures.write(Array(text.utf8), to: dir.appendingPathComponent(UCIHAR.signalPath(channel, .train)))
        }
        try Fixtures.write(Array("5\n5\n1\n".utf8), to: dir.appendingPathComponent(UCIHAR.labelPath(.train)))
        try Fixtures.write(Array("1\n1\n30\n".utf8), to: dir.appendingPathComponent(UCIHAR.subjectPath(.train)))
        let set = try UCIHAR.load(.train, directory: dir)
        XCTAssertEqual(set.count, 3)
        XCTAssertEqual(set.labels, [4, 4, 0])
        XCTAssertEqual(set.subjects, [1, 1, 30])
        XCTAssertEqual(set.channels, UCIHAR.paperChannels)
        // Window 2, step 7, channel 4 (body_gyro_y is the 5th file): 4 + 0.2 + 0.007.
        XCTAssertEqual(set.signals[(2 * 128 + 7) * 6 + 4], 4.207, accuracy: 1e-6)
        XCTAssertEqual(set.signals[0], 0, accuracy: 1e-7)
        let all = try UCIHAR.load(.train, directory: dir, channels: UCIHAR.Channel.allCases)
        XCTAssertEqual(all.signals[(1 * 128 + 127) * 9 + 8], 8.227, accuracy: 1e-6)
    }

    func testWFDBHeaderFormat212AndAnnotations() throws {
        let dir = try Fixtures.temporaryDirectory(self)
        // Two signals, five frames; samples cover the 12-bit range's edges.
        let sig0 = [995, 1000, -2048, 2047, -1], sig1 = [1011, -5, 0, 3, 100]
        let interleaved = (0..<5).flatMap { [sig0[$0], sig1[$0]] }
        func checksum(_ s: [Int]) -> Int { Int(Int16(truncatingIfNeeded: s.reduce(0, +))) }
        let header = "900 2 360 5\r\n900.dat 212 200 11 1024 995 \(checksum(sig0)) 0 MLII\r\n"
            + "900.dat 212 200(1000)/mV 11 1024 1011 \(checksum(sig1)) 0 V5\r\n# 69 M 1085 1629 x1\r\n"
        try Fixtures.write(Array(header.utf8), to: dir.appendingPathComponent("900.hea"))
        try Fixtures.write(Fixtures.format212(interleaved), to: dir.appendingPathComponent("900.dat"))
        try Fixtures.write(Fixtures.atr([
            .annotation(code: 28, delta: 0), .aux("(N"),                 // rhythm change at 0 with text
            .annotation(code: 1, delta: 370),                            // N at 370
            .skip(100_000), .annotation(code: 5, delta: 7), .sub(2),     // V at 100377, subtype 2;
            .num(3), .chn(1),                                            // modifiers follow their annotation
            .annotation(code: 8, delta: 1023),                           // A at 101400: num 3, chan 1 carry over
            .annotation(code: 12, delta: 1),
        ]), to: dir.appendingPathComponent("900.atr"))
        let record = try WFDB.loadRecord("900", directory: dir)
        XCTAssertEqual(record.header.recordName, "900")
        XCTAssertEqual(record.header.samplingFrequency, 360)
        XCTAssertEqual(record.header.sampleCount, 5)
        XCTAssertEqual(record.header.signals.map(\.description), ["MLII", "V5"])
        XCTAssertEqual(record.header.signals[1].baseline, 1000)
        XCTAssertEqual(record.header.comments, ["69 M 1085 1629 x1"])
        XCTAssertEqual(record.signals[0].map(Int.init), sig0)
        XCTAssertEqual(record.signals[1].map(Int.init), sig1)
        XCTAssertEqual(record.physical(0)[1], Float(1000 - 1024) / 200)
        XCTAssertEqual(record.annotations, [
            WFDB.Annotation(sample: 0, code: 28, aux: "(N"),
            WFDB.Annotation(sample: 370, code: 1),
            WFDB.Annotation(sample: 100_377, code: 5, subtype: 2, channel: 1, number: 3),
            WFDB.Annotation(sample: 101_400, code: 8, channel: 1, number: 3),
            WFDB.Annotation(sample: 101_401, code: 12, channel: 1, number: 3),
        ])
        XCTAssertEqual(record.annotations.map(\.mnemonic), ["+", "N", "V", "A", "/"])
    }

    func testZipMembersStoredAndDeflated() throws {
        let text = Array(String(repeating: "1.0 2.0\n", count: 100).utf8)
        let archive = Fixtures.zip([("a/x.txt", text, true), ("a/y.txt", [1, 2, 3], false)])
        let entries = try Zip.entries(in: archive, path: "t.zip")
        XCTAssertEqual(entries.map(\.name), ["a/x.txt", "a/y.txt"])
        XCTAssertEqual(try Zip.extract(entries[0], from: archive, path: "t.zip"), text)
        XCTAssertEqual(try Zip.extract(entries[1], from: archive, path: "t.zip"), [1, 2, 3])
    }
}
