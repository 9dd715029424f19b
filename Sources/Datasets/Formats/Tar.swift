/// A reader for (ustar / GNU) tar archives held in memory: enough to take the regular files out
/// of the CIFAR-10 archive. Each member is a 512-byte header (name, octal size, type) followed by
/// its data padded to a multiple of 512; two zero blocks end the archive.
public enum Tar {
    public struct Member {
        public let name: String
        public let data: ArraySlice<UInt8>
    }

    public static func regularFiles(in bytes: [UInt8], path: String) throws -> [Member] {
        var members = [Member]()
        var offset = 0
        var longName: String? = nil
        while offset + 512 <= bytes.count {
            let header = bytes[offset ..< offset + 512]
            if header.allSatisfy({ $0 == 0 }) { return members }
            // The header checksum (bytes 148..<156) sums all header bytes with the field as spaces.
            let stored = try octal(header, 148, 8, path: path, offset: offset)
            var sum = 0
            for (i, b) in header.enumerated() { sum += (i >= 148 && i < 156) ? 32 : Int(b) }
            guard stored == sum else {
                throw DatasetError.badFormat(path: path, offset: offset, reason: "tar header checksum \(stored), computed \(sum)")
            }
            let size = try octal(header, 124, 12, path: path, offset: offset)
            let type = header[offset + 156]
            var name = string(header, 0, 100)
            let prefix = string(header, 345, 155)
            if header[offset + 257 ..< offset + 262].elementsEqual("ustar".utf8), !prefix.isEmpty { name = prefix + "/" + name }
            let dataStart = offset + 512
            guard dataStart + size <= bytes.count else {
                throw DatasetError.badFormat(path: path, offset: dataStart, reason: "member \(name) announces \(size) bytes, archive ends after \(bytes.count - dataStart)")
            }
            let data = bytes[dataStart ..< dataStart + size]
            switch type {
            case UInt8(ascii: "L"):  // GNU long name: the data is the next member's name.
                longName = String(decoding: data.prefix { $0 != 0 }, as: UTF8.self)
            case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
                members.append(Member(name: longName ?? name, data: data))
                longName = nil
            default:
                longName = nil
            }
            offset = dataStart + (size + 511) / 512 * 512
        }
        throw DatasetError.badFormat(path: path, offset: offset, reason: "tar archive ends without its end-of-archive blocks")
    }

    private static func string(_ header: ArraySlice<UInt8>, _ start: Int, _ length: Int) -> String {
        let base = header.startIndex + start
        return String(decoding: header[base ..< base + length].prefix { $0 != 0 }, as: UTF8.self)
    }

    private static func octal(_ header: ArraySlice<UInt8>, _ start: Int, _ length: Int, path: String, offset: Int) throws -> Int {
        let base = header.startIndex + start
        var value = 0
        for b in header[base ..< base + length] {
            if b == 0 || b == 32 { if value > 0 { break } else { continue } }
            guard b >= 48 && b <= 55 else {
                throw DatasetError.badFormat(path: path, offset: offset + start, reason: "tar header field is not octal")
            }
            value = value * 8 + Int(b - 48)
        }
        return value
    }
}
