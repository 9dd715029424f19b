import Crypto
import Foundation

/// A published digest of a file: MD5 where the data set's authors publish MD5 (MNIST,
/// Fashion-MNIST, Small-NORB, CIFAR-10), SHA-256 where they publish SHA-256 (PhysioNet).
public struct Checksum: Equatable, Sendable, CustomStringConvertible {
    public enum Algorithm: String, Sendable { case md5 = "MD5", sha256 = "SHA-256" }
    public let algorithm: Algorithm
    public let hex: String

    public static func md5(_ hex: String) -> Checksum { Checksum(algorithm: .md5, hex: hex) }
    public static func sha256(_ hex: String) -> Checksum { Checksum(algorithm: .sha256, hex: hex) }
    public var description: String { "\(algorithm.rawValue) \(hex)" }

    /// The digest of a file, read in 4 MiB pieces so large archives need no extra memory.
    public static func compute(_ algorithm: Algorithm, of url: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { throw DatasetError.missingFile(path: url.path) }
        defer { try? handle.close() }
        var md5 = Insecure.MD5()
        var sha = SHA256()
        while true {
            let chunk = handle.readData(ofLength: 4 << 20)
            if chunk.isEmpty { break }
            switch algorithm {
            case .md5: md5.update(data: chunk)
            case .sha256: sha.update(data: chunk)
            }
        }
        let bytes: [UInt8] = algorithm == .md5 ? Array(md5.finalize()) : Array(sha.finalize())
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// Throws `checksumMismatch` naming `displayPath` unless the file at `url` has this digest.
    public func verify(_ url: URL, displayPath: String) throws {
        let actual = try Checksum.compute(algorithm, of: url)
        guard actual == hex.lowercased() else {
            throw DatasetError.checksumMismatch(path: displayPath, algorithm: algorithm.rawValue, expected: hex, actual: actual)
        }
    }
}
