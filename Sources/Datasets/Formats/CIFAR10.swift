import Foundation

/// CIFAR-10, binary version (Krizhevsky 2009): `cifar-10-binary.tar.gz` holds
/// `cifar-10-batches-bin/data_batch_{1..5}.bin` and `test_batch.bin`, each 10,000 records of
/// 1 label byte + 3,072 pixel bytes (a 32×32 red plane, then green, then blue).
public enum CIFAR10 {
    public static let archiveName = "cifar-10-binary.tar.gz"
    public static let recordSize = 1 + 3072
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer",
                                    "dog", "frog", "horse", "ship", "truck"]

    /// Parses the records of one batch file into images of shape [32, 32, 3] (row, column,
    /// channel; the file stores channel planes).
    public static func parseBatch(_ bytes: ArraySlice<UInt8>, path: String) throws -> LabeledImages {
        guard bytes.count % recordSize == 0, !bytes.isEmpty else {
            throw DatasetError.badFormat(path: path, offset: bytes.count - bytes.count % recordSize,
                reason: "\(bytes.count) bytes is not a whole number of \(recordSize)-byte records")
        }
        let count = bytes.count / recordSize
        var labels = [Int32](repeating: 0, count: count)
        var pixels = [UInt8](repeating: 0, count: count * 3072)
        let base = bytes.startIndex
        for i in 0..<count {
            let label = bytes[base + i * recordSize]
            guard label < 10 else {
                throw DatasetError.badFormat(path: path, offset: i * recordSize, reason: "label \(label) in record \(i), expected 0...9")
            }
            labels[i] = Int32(label)
            // Planes (R, G, B) → interleaved (row, column, channel), the repository's NHWC layout.
            let start = base + i * recordSize + 1
            pixels.withUnsafeMutableBufferPointer { out in
                for channel in 0..<3 {
                    for position in 0..<1024 { out[i * 3072 + position * 3 + channel] = bytes[start + channel * 1024 + position] }
                }
            }
        }
        return LabeledImages(pixels: pixels, labels: labels, shape: [32, 32, 3])
    }

    public enum Split: Sendable { case train, test }

    /// Loads the training set (the five data batches in order, 50,000 images) or the test batch
    /// (10,000) straight from the archive.
    public static func load(_ split: Split, archive: URL) throws -> LabeledImages {
        let members = try Tar.regularFiles(in: Gzip.decompressFile(at: archive), path: archive.path)
        let names = split == .train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
        var pixels = [UInt8](), labels = [Int32]()
        for name in names {
            guard let member = members.first(where: { $0.name.hasSuffix("/" + name) || $0.name == name }) else {
                throw DatasetError.badFormat(path: archive.path, offset: 0, reason: "archive has no member \(name)")
            }
            let batch = try parseBatch(member.data, path: "\(archive.path)[\(member.name)]")
            guard batch.count == 10_000 else {
                throw DatasetError.badFormat(path: "\(archive.path)[\(member.name)]", offset: 0, reason: "\(batch.count) records, expected 10000")
            }
            pixels += batch.pixels
            labels += batch.labels
        }
        return LabeledImages(pixels: pixels, labels: labels, shape: [32, 32, 3])
    }

    public static func load(_ split: Split, store: DataStore) throws -> LabeledImages {
        try store.ensure(.cifar10)
        return try load(split, archive: store.directory(for: .cifar10).appendingPathComponent(archiveName))
    }
}
