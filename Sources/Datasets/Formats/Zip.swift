import Foundation

/// A reader for zip archives held in memory, enough for the UCI-HAR archive: the central
/// directory at the end lists every member with its method (0 stored, 8 deflate), sizes, CRC-32
/// and the offset of its local header. Zip64 is not supported (the archive is 61 MB).
public enum Zip {
    public struct Entry {
        public let name: String
        let method: Int
        let crc: UInt32
        let compressedSize: Int
        public let uncompressedSize: Int
        let localHeaderOffset: Int
    }

    /// The members of the archive, in central-directory order (folders included, names end in /).
    public static func entries(in bytes: [UInt8], path: String) throws -> [Entry] {
        // The end-of-central-directory record is 22 bytes plus a comment of up to 65535 bytes.
        var eocd = -1
        var i = bytes.count - 22
        while i >= max(0, bytes.count - 22 - 65535) {
            if u32(bytes, i) == 0x0605_4B50 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else {
            throw DatasetError.badFormat(path: path, offset: bytes.count, reason: "no zip end-of-central-directory record (truncated or not a zip file)")
        }
        let entryCount = Int(u16(bytes, eocd + 10))
        var offset = Int(u32(bytes, eocd + 16))
        var entries = [Entry]()
        for _ in 0..<entryCount {
            guard offset + 46 <= bytes.count, u32(bytes, offset) == 0x0201_4B50 else {
                throw DatasetError.badFormat(path: path, offset: offset, reason: "bad zip central-directory entry")
            }
            let nameLength = Int(u16(bytes, offset + 28))
            let extraLength = Int(u16(bytes, offset + 30))
            let commentLength = Int(u16(bytes, offset + 32))
            guard offset + 46 + nameLength <= bytes.count else {
                throw DatasetError.badFormat(path: path, offset: offset, reason: "zip entry name runs past the end of the file")
            }
            let name = String(decoding: bytes[offset + 46 ..< offset + 46 + nameLength], as: UTF8.self)
            entries.append(Entry(name: name, method: Int(u16(bytes, offset + 10)), crc: u32(bytes, offset + 16),
                                 compressedSize: Int(u32(bytes, offset + 20)), uncompressedSize: Int(u32(bytes, offset + 24)),
                                 localHeaderOffset: Int(u32(bytes, offset + 42))))
            offset += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    /// The uncompressed bytes of `entry`, checked against its CRC-32.
    public static func extract(_ entry: Entry, from bytes: [UInt8], path: String) throws -> [UInt8] {
        let local = entry.localHeaderOffset
        guard local + 30 <= bytes.count, u32(bytes, local) == 0x0403_4B50 else {
            throw DatasetError.badFormat(path: path, offset: local, reason: "bad zip local header for \(entry.name)")
        }
        let start = local + 30 + Int(u16(bytes, local + 26)) + Int(u16(bytes, local + 28))
        guard start + entry.compressedSize <= bytes.count else {
            throw DatasetError.badFormat(path: path, offset: start, reason: "zip member \(entry.name) runs past the end of the file")
        }
        let stored = bytes[start ..< start + entry.compressedSize]
        let data: [UInt8]
        switch entry.method {
        case 0: data = Array(stored)
        case 8: data = try Gzip.inflateRaw(stored, uncompressedSize: entry.uncompressedSize, path: "\(path)[\(entry.name)]")
        default:
            throw DatasetError.badFormat(path: path, offset: local, reason: "zip member \(entry.name) uses compression method \(entry.method); only 0 and 8 are supported")
        }
        guard data.count == entry.uncompressedSize else {
            throw DatasetError.badFormat(path: path, offset: start, reason: "zip member \(entry.name) inflates to \(data.count) bytes, directory says \(entry.uncompressedSize)")
        }
        let crc = Gzip.crc32(data)
        guard crc == entry.crc else {
            throw DatasetError.checksumMismatch(path: "\(path)[\(entry.name)]", algorithm: "CRC-32",
                                                expected: String(format: "%08x", entry.crc), actual: String(format: "%08x", crc))
        }
        return data
    }

    private static func u16(_ b: [UInt8], _ o: Int) -> UInt16 {
        guard o >= 0, o + 2 <= b.count else { return 0 }
        return UInt16(b[o]) | UInt16(b[o + 1]) << 8
    }
    private static func u32(_ b: [UInt8], _ o: Int) -> UInt32 {
        guard o >= 0, o + 4 <= b.count else { return 0 }
        return UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
}
