import CZlib
import Foundation
import XCTest
@testable import Datasets

/// Writers for the real file formats, so each loader is tested on bytes laid out exactly as the
/// official files are, but small enough to build in the test.
enum Fixtures {
    /// A fresh temporary folder, removed when the test ends.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("datasets-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Compresses with zlib: `gzip: true` writes a gzip file, false a raw deflate stream (zip).
    static func deflate(_ input: [UInt8], gzip: Bool = true) -> [UInt8] {
        var stream = z_stream()
        let windowBits: Int32 = gzip ? 15 + 16 : -15
        precondition(deflateInit2_(&stream, 6, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                                   Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        var source = input
        let produced: Int = source.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                precondition(CZlib.deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(produced))
    }

    static func write(_ bytes: [UInt8], to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    static func bigEndian32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 255), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
    static func littleEndian32(_ v: Int) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8 & 255), UInt8(v >> 16 & 255), UInt8(v >> 24 & 255)] }
    static func littleEndian16(_ v: Int) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8 & 255)] }

    /// An IDX ubyte file: magic 0x0000080N, big-endian dimensions, values.
    static func idx(dimensions: [Int], values: [UInt8]) -> [UInt8] {
        [0, 0, 8, UInt8(dimensions.count)] + dimensions.flatMap(bigEndian32) + values
    }

    /// A LeCun .mat matrix (Small-NORB): little-endian magic, ndim, max(ndim, 3) dims, values.
    static func norbMatrix(bytes: Bool, dimensions: [Int], values: [UInt8]) -> [UInt8] {
        var dims = dimensions
        while dims.count < 3 { dims.append(1) }
        return littleEndian32(bytes ? 0x1E3D_4C55 : 0x1E3D_4C54) + littleEndian32(dimensions.count) + dims.flatMap(littleEndian32) + values
    }

    /// A ustar tar archive of regular files.
    static func tar(_ files: [(String, [UInt8])]) -> [UInt8] {
        var out = [UInt8]()
        for (name, data) in files {
            var header = [UInt8](repeating: 0, count: 512)
            func put(_ text: String, at offset: Int) { for (i, b) in text.utf8.enumerated() { header[offset + i] = b } }
            put(name, at: 0)
            put("0000644", at: 100); put("0000000", at: 108); put("0000000", at: 116)
            put(String(format: "%011o", data.count), at: 124)
            put("00000000000", at: 136)
            header[156] = UInt8(ascii: "0")
            put("ustar", at: 257); put("00", at: 263)
            for i in 148..<156 { header[i] = 32 }
            let sum = header.reduce(0) { $0 + Int($1) }
            put(String(format: "%06o", sum), at: 148); header[154] = 0; header[155] = 32
            out += header + data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
        }
        return out + [UInt8](repeating: 0, count: 1024)
    }

    /// A zip archive; each member deflated (method 8) or stored (method 0).
    static func zip(_ files: [(name: String, data: [UInt8], deflated: Bool)]) -> [UInt8] {
        var out = [UInt8](), central = [UInt8]()
        for file in files {
            let body = file.deflated ? deflate(file.data, gzip: false) : file.data
            let crc = Gzip.crc32(file.data)
            let name = Array(file.name.utf8)
            let common = littleEndian16(20) + littleEndian16(0) + littleEndian16(file.deflated ? 8 : 0) + littleEndian16(0) + littleEndian16(0)
                + littleEndian32(Int(crc)) + littleEndian32(body.count) + littleEndian32(file.data.count) + littleEndian16(name.count) + littleEndian16(0)
            let offset = out.count
            out += littleEndian32(0x0403_4B50) + common + name + body
            central += littleEndian32(0x0201_4B50) + littleEndian16(20) + common + littleEndian16(0) + littleEndian16(0)
                + littleEndian16(0) + littleEndian32(0) + littleEndian32(offset) + name
        }
        let centralOffset = out.count
        out += central
        out += littleEndian32(0x0605_4B50) + littleEndian16(0) + littleEndian16(0) + littleEndian16(files.count) + littleEndian16(files.count)
            + littleEndian32(central.count) + littleEndian32(centralOffset) + littleEndian16(0)
        return out
    }

    /// Packs samples (interleaved across signals) in WFDB format 212.
    static func format212(_ samples: [Int]) -> [UInt8] {
        var out = [UInt8]()
        var k = 0
        while k < samples.count {
            let a = samples[k] & 0xFFF
            let b = k + 1 < samples.count ? samples[k + 1] & 0xFFF : 0
            out.append(UInt8(a & 0xFF))
            out.append(UInt8((a >> 8) | ((b >> 8) << 4)))
            if k + 1 < samples.count { out.append(UInt8(b & 0xFF)) }
            k += 2
        }
        return out
    }

    /// Encodes MIT-format annotation words: (code, time increment) and the special words.
    enum AnnotationWord {
        case annotation(code: Int, delta: Int)
        case skip(Int)
        case num(Int), sub(Int), chn(Int)
        case aux(String)
    }
    static func atr(_ words: [AnnotationWord]) -> [UInt8] {
        var out = [UInt8]()
        for word in words {
            switch word {
            case let .annotation(code, delta): out += littleEndian16(code << 10 | delta)
            case let .skip(interval):
                let v = UInt32(bitPattern: Int32(interval))
                out += littleEndian16(59 << 10) + littleEndian16(Int(v >> 16)) + littleEndian16(Int(v & 0xFFFF))
            case let .num(v): out += littleEndian16(60 << 10 | v)
            case let .sub(v): out += littleEndian16(61 << 10 | v)
            case let .chn(v): out += littleEndian16(62 << 10 | v)
            case let .aux(text):
                let bytes = Array(text.utf8)
                out += littleEndian16(63 << 10 | bytes.count) + bytes
                if bytes.count % 2 == 1 { out.append(0) }
            }
        }
        return out + [0, 0]
    }
}

/// Asserts that `body` throws a `DatasetError` whose message contains every fragment.
func assertDatasetError<T>(_ body: @autoclosure () throws -> T, mentions fragments: [String],
                           file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected an error mentioning \(fragments)", file: file, line: line)
    } catch let error as DatasetError {
        for fragment in fragments {
            XCTAssertTrue(error.description.contains(fragment), "'\(error.description)' does not mention '\(fragment)'", file: file, line: line)
        }
    } catch {
        XCTFail("expected a DatasetError, got \(error)", file: file, line: line)
    }
}
