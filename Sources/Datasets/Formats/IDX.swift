import Foundation

/// LeCun's IDX format (MNIST, Fashion-MNIST): a 4-byte magic `00 00 <type> <ndim>`, then `ndim`
/// big-endian UInt32 sizes, then the values. Only unsigned bytes (type 0x08) occur in these sets.
public enum IDX {
    /// A parsed IDX array of unsigned bytes.
    public struct ByteArray {
        public let dimensions: [Int]
        public let values: [UInt8]
    }

    /// Parses an uncompressed IDX byte array; `expectedRank` is 1 for labels and 3 for images.
    public static func parseBytes(_ bytes: [UInt8], expectedRank: Int, path: String) throws -> ByteArray {
        var owned = bytes
        return try parseBytes(consuming: &owned, expectedRank: expectedRank, path: path)
    }

    /// Parses in place: the header is removed from `bytes` (a memmove, not a second 47 MB array).
    static func parseBytes(consuming bytes: inout [UInt8], expectedRank: Int, path: String) throws -> ByteArray {
        guard bytes.count >= 4 else {
            throw DatasetError.badFormat(path: path, offset: 0, reason: "file has \(bytes.count) bytes, too short for an IDX header")
        }
        let magic = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
        let expectedMagic = UInt32(0x0800) | UInt32(expectedRank)
        guard magic == expectedMagic else {
            throw DatasetError.badFormat(path: path, offset: 0,
                reason: "magic number \(magic) (0x\(String(magic, radix: 16))), expected \(expectedMagic) (unsigned bytes, \(expectedRank) dimension(s))")
        }
        let headerSize = 4 + 4 * expectedRank
        guard bytes.count >= headerSize else {
            throw DatasetError.badFormat(path: path, offset: bytes.count, reason: "header cut short: \(bytes.count) bytes, needs \(headerSize)")
        }
        var dimensions = [Int]()
        for d in 0..<expectedRank {
            let o = 4 + 4 * d
            dimensions.append(Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]))
        }
        let valueCount = dimensions.reduce(1, *)
        guard bytes.count - headerSize == valueCount else {
            throw DatasetError.badFormat(path: path, offset: min(bytes.count, headerSize + valueCount),
                reason: "header announces dimensions \(dimensions) = \(valueCount) values, file holds \(bytes.count - headerSize)")
        }
        bytes.removeSubrange(0..<headerSize)
        return ByteArray(dimensions: dimensions, values: bytes)
    }

    /// Loads an image file and a label file (each gzipped when named .gz) into `LabeledImages`
    /// of shape [rows, columns, 1] (grey, channels last), checking that both hold the same number
    /// of items and, when given, `expectedCount`, and that every label lies in 0..<`classCount`
    /// (a label beyond it would be scored as a class no model has; the file's checksum only
    /// protects the official copies).
    public static func loadImageSet(images: URL, labels: URL, expectedCount: Int? = nil, classCount: Int) throws -> LabeledImages {
        var imageBytes = try readMaybeGzipped(images)
        let imageArray = try parseBytes(consuming: &imageBytes, expectedRank: 3, path: images.path)
        imageBytes = []
        let labelArray = try parseBytes(readMaybeGzipped(labels), expectedRank: 1, path: labels.path)
        let count = imageArray.dimensions[0]
        guard labelArray.dimensions[0] == count else {
            throw DatasetError.badFormat(path: labels.path, offset: 4,
                reason: "\(labelArray.dimensions[0]) labels, but \(images.lastPathComponent) holds \(count) images")
        }
        if let expected = expectedCount, count != expected {
            throw DatasetError.badFormat(path: images.path, offset: 4, reason: "\(count) images, expected \(expected)")
        }
        if let index = labelArray.values.firstIndex(where: { Int($0) >= classCount }) {
            throw DatasetError.badFormat(path: labels.path, offset: 8 + index,
                reason: "label \(labelArray.values[index]) of item \(index), expected 0..<\(classCount) (offset in the uncompressed data)")
        }
        return LabeledImages(pixels: imageArray.values, labels: labelArray.values.map { Int32($0) },
                             shape: Array(imageArray.dimensions.dropFirst()) + [1])
    }
}
