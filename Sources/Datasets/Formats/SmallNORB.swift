import Foundation

/// Small-NORB (LeCun, Huang, Bottou 2004): 24,300 training and 24,300 test stereo pairs of
/// 96×96 grey images of 50 toys, in LeCun's binary matrix format:
/// int32 magic (0x1E3D4C55 byte matrix, 0x1E3D4C54 int32 matrix), int32 ndim, then
/// max(ndim, 3) int32 dimensions (unused ones are 1), then the values; all little-endian.
/// `-dat` is (N, 2, 96, 96) bytes, `-cat` (N) ints (category 0...4), `-info` (N, 4) ints
/// (instance 0...9, elevation 0...8, azimuth 0, 2, ..., 34, lighting 0...5).
public struct SmallNORB: Sendable {
    public enum Split: String, Sendable { case training, testing }

    /// The five generative factors of one example. Azimuth is stored as its index 0...17
    /// (the file's value / 2), so every factor is a dense range starting at 0.
    public struct Factors: Equatable, Sendable {
        public var category: Int32, instance: Int32, elevation: Int32, azimuth: Int32, lighting: Int32
        public init(category: Int32, instance: Int32, elevation: Int32, azimuth: Int32, lighting: Int32) {
            self.category = category; self.instance = instance; self.elevation = elevation
            self.azimuth = azimuth; self.lighting = lighting
        }
        /// Factor values in the order category, instance, elevation, azimuth, lighting.
        public var values: [Int32] { [category, instance, elevation, azimuth, lighting] }
    }

    /// How many values each factor takes, same order as `Factors.values`.
    public static let factorSizes = [5, 10, 9, 18, 6]
    public static let factorNames = ["category", "instance", "elevation", "azimuth", "lighting"]

    /// Stereo pairs, image after image, each (96, 96, 2): row, column, camera (left, right).
    public let pixels: [UInt8]
    public let factors: [Factors]
    public var count: Int { factors.count }
    public static let imageShape = [96, 96, 2]

    public static func fileName(_ split: Split, _ part: String) -> String {
        "smallnorb-5x46789x9x18x6x2x96x96-\(split.rawValue)-\(part).mat.gz"
    }

    /// A parsed LeCun matrix: its dimensions and where its values start.
    struct Matrix {
        let isBytes: Bool
        let dimensions: [Int]
        let dataOffset: Int
    }

    static func parseHeader(_ bytes: [UInt8], path: String) throws -> Matrix {
        func int32(_ o: Int) -> Int { Int(Int32(bitPattern: UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24)) }
        guard bytes.count >= 8 else { throw DatasetError.badFormat(path: path, offset: 0, reason: "file too short for a matrix header") }
        let magic = UInt32(truncatingIfNeeded: int32(0))
        guard magic == 0x1E3D_4C55 || magic == 0x1E3D_4C54 else {
            throw DatasetError.badFormat(path: path, offset: 0,
                reason: "magic number 0x\(String(magic, radix: 16)), expected 0x1e3d4c55 (byte matrix) or 0x1e3d4c54 (int matrix)")
        }
        let rank = int32(4)
        guard rank >= 1 && rank <= 8 else { throw DatasetError.badFormat(path: path, offset: 4, reason: "ndim \(rank), expected 1...8") }
        let stored = max(rank, 3)
        guard bytes.count >= 8 + 4 * stored else { throw DatasetError.badFormat(path: path, offset: bytes.count, reason: "header cut short") }
        let dimensions = (0..<rank).map { int32(8 + 4 * $0) }
        let isBytes = magic == 0x1E3D_4C55
        let dataOffset = 8 + 4 * stored
        let expected = dimensions.reduce(1, *) * (isBytes ? 1 : 4)
        guard bytes.count - dataOffset == expected else {
            throw DatasetError.badFormat(path: path, offset: min(bytes.count, dataOffset + expected),
                reason: "dimensions \(dimensions) need \(expected) data bytes, file holds \(bytes.count - dataOffset)")
        }
        return Matrix(isBytes: isBytes, dimensions: dimensions, dataOffset: dataOffset)
    }

    /// Parses the three (uncompressed) files of one split.
    public static func parse(dat: [UInt8], cat: [UInt8], info: [UInt8], paths: (dat: String, cat: String, info: String)) throws -> SmallNORB {
        let datMatrix = try parseHeader(dat, path: paths.dat)
        guard datMatrix.isBytes, datMatrix.dimensions.count == 4, Array(datMatrix.dimensions.dropFirst()) == [2, 96, 96] else {
            throw DatasetError.badFormat(path: paths.dat, offset: 0, reason: "expected a byte matrix (N, 2, 96, 96), found dimensions \(datMatrix.dimensions)")
        }
        let n = datMatrix.dimensions[0]
        let catMatrix = try parseHeader(cat, path: paths.cat)
        guard !catMatrix.isBytes, catMatrix.dimensions == [n] else {
            throw DatasetError.badFormat(path: paths.cat, offset: 0, reason: "expected an int matrix (\(n)), found dimensions \(catMatrix.dimensions)")
        }
        let infoMatrix = try parseHeader(info, path: paths.info)
        guard !infoMatrix.isBytes, infoMatrix.dimensions == [n, 4] else {
            throw DatasetError.badFormat(path: paths.info, offset: 0, reason: "expected an int matrix (\(n), 4), found dimensions \(infoMatrix.dimensions)")
        }
        func int32(_ b: [UInt8], _ o: Int) -> Int32 { Int32(bitPattern: UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24) }
        var factors = [Factors]()
        factors.reserveCapacity(n)
        for i in 0..<n {
            let c = int32(cat, catMatrix.dataOffset + 4 * i)
            let o = infoMatrix.dataOffset + 16 * i
            let f = Factors(category: c, instance: int32(info, o), elevation: int32(info, o + 4),
                            azimuth: int32(info, o + 8) / 2, lighting: int32(info, o + 12))
            for (k, value) in f.values.enumerated() where value < 0 || value >= Int32(factorSizes[k]) {
                let file = k == 0 ? paths.cat : paths.info
                let offset = k == 0 ? catMatrix.dataOffset + 4 * i : o + 4 * (k - 1)
                throw DatasetError.badFormat(path: file, offset: offset, reason: "\(factorNames[k]) \(value) in example \(i), expected 0..<\(factorSizes[k])")
            }
            factors.append(f)
        }
        // (N, 2, 96, 96) → (N, 96, 96, 2): interleave the two cameras pixel by pixel.
        var pixels = [UInt8](repeating: 0, count: n * 96 * 96 * 2)
        dat.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for i in 0..<n {
                    let left = datMatrix.dataOffset + i * 2 * 9216, right = left + 9216
                    let out = i * 9216 * 2
                    for p in 0..<9216 {
                        dst[out + 2 * p] = src[left + p]
                        dst[out + 2 * p + 1] = src[right + p]
                    }
                }
            }
        }
        return SmallNORB(pixels: pixels, factors: factors)
    }

    /// Loads one split from a folder holding the three files (gzipped as distributed, or not).
    public static func load(_ split: Split, directory: URL) throws -> SmallNORB {
        func file(_ part: String) -> URL {
            let gz = directory.appendingPathComponent(fileName(split, part))
            return FileManager.default.fileExists(atPath: gz.path) ? gz : gz.deletingPathExtension()
        }
        let (dat, cat, info) = (file("dat"), file("cat"), file("info"))
        return try parse(dat: readMaybeGzipped(dat), cat: readMaybeGzipped(cat), info: readMaybeGzipped(info),
                         paths: (dat.path, cat.path, info.path))
    }

    public static func load(_ split: Split, store: DataStore) throws -> SmallNORB {
        try store.ensure(.smallNORB)
        return try load(split, directory: store.directory(for: .smallNORB))
    }

    /// Writes images `indices` as Float32 in [0, 1] into `buffer` (96·96·2 values each).
    public func fillBatch(_ indices: [Int], into buffer: UnsafeMutableBufferPointer<Float>) {
        let size = 96 * 96 * 2
        precondition(buffer.count >= indices.count * size, "batch buffer too small")
        for (b, index) in indices.enumerated() {
            let start = index * size
            for k in 0..<size { buffer[b * size + k] = Float(pixels[start + k]) / 255 }
        }
    }
}
