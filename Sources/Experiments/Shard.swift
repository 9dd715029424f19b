import Foundation

/// One of `count` disjoint parts of a section's cells, written `"index/count"` with a
/// 1-based index (`"1/4"` … `"4/4"`; `"1/1"` is every cell). A Slurm array job runs
/// `--shard "$SLURM_ARRAY_TASK_ID/N"` with `sbatch --array=1-N`; each task runs the cells of
/// its shard, and the results merge through the run files.
///
/// A cell belongs to shard `index` when the first 16 hex digits of its id, read as an
/// unsigned integer, are `index − 1` modulo `count`: the assignment depends only on the
/// configuration, never on the order or number of cells listed.
public struct Shard: Hashable, Sendable, CustomStringConvertible {
    /// 1-based.
    public let index: Int
    public let count: Int

    /// Every cell.
    public static let all = Shard(uncheckedIndex: 1, count: 1)

    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw ShardError.invalidCount("\(index)/\(count)", count) }
        guard (1...count).contains(index) else {
            throw ShardError.indexOutOfRange("\(index)/\(count)", index, count)
        }
        self.index = index
        self.count = count
    }

    private init(uncheckedIndex: Int, count: Int) {
        self.index = uncheckedIndex
        self.count = count
    }

    /// Parses `"index/count"`, e.g. `"3/8"`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let index = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let count = Int(parts[1].trimmingCharacters(in: .whitespaces))
        else { throw ShardError.malformed(text) }
        try self.init(index: index, count: count)
    }

    /// Whether the cell with this id belongs to the shard.
    public func contains(id: String) -> Bool {
        guard count > 1 else { return true }
        let value = UInt64(id.prefix(16), radix: 16) ?? CellConfiguration.fallbackHash(id)
        return Int(value % UInt64(count)) == index - 1
    }

    public func contains(_ configuration: CellConfiguration) -> Bool {
        contains(id: configuration.id)
    }

    public var description: String { "\(index)/\(count)" }
}

public enum ShardError: Error, CustomStringConvertible, Equatable {
    case malformed(String)
    case invalidCount(String, Int)
    case indexOutOfRange(String, Int, Int)

    public var description: String {
        switch self {
        case .malformed(let text):
            return "invalid shard '\(text)': expected index/count with whole numbers, e.g. 2/8 (1-based index)"
        case .invalidCount(let text, let count):
            return "invalid shard '\(text)': the count must be at least 1, got \(count)"
        case .indexOutOfRange(let text, let index, let count):
            return "invalid shard '\(text)': the index is 1-based and must be in 1...\(count), got \(index)"
        }
    }
}

extension CellConfiguration {
    /// FNV-1a of a string that is not a hex id (ids are always hex; this keeps `contains`
    /// total).
    static func fallbackHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
