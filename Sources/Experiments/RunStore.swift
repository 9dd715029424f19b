import Foundation

/// The run files of every cell: `<root>/<section>/<id>.json`, one pretty-printed JSON
/// `RunRecord` each, with sorted keys so diffs in git are readable. Files are written
/// atomically, so a file that exists is a finished run.
public struct RunStore: Sendable {
    /// `results/runs` by default (relative to the current folder, the repository root under make).
    public let root: URL
    /// Temporary files older than this are left over from killed writers and are removed on
    /// load; younger ones may belong to a writer on another machine sharing the folder.
    public var staleTemporaryAge: TimeInterval = 60

    /// Where arrays too large to commit are kept (git-ignored): `.cache/runs` beside `results/`.
    public var cacheRoot: URL

    public init(root: URL = URL(fileURLWithPath: "results/runs"), cacheRoot: URL? = nil) {
        self.root = root
        self.cacheRoot = cacheRoot ?? root.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".cache").appendingPathComponent("runs")
    }

    public func folder(section: String) -> URL {
        root.appendingPathComponent(section, isDirectory: true)
    }

    public func url(id: String, section: String) -> URL {
        folder(section: section).appendingPathComponent(id + ".json")
    }

    public func url(for configuration: CellConfiguration) -> URL {
        url(id: configuration.id, section: configuration.section)
    }

    /// Whether the cell's run file exists.
    public func isDone(id: String, section: String) -> Bool {
        FileManager.default.fileExists(atPath: url(id: id, section: section).path)
    }

    public func isDone(_ configuration: CellConfiguration) -> Bool {
        isDone(id: configuration.id, section: configuration.section)
    }

    /// The cell's record, nil when it has not run; throws `RunStoreError` when the file is
    /// unreadable or does not belong to this id.
    public func record(id: String, section: String) throws -> RunRecord? {
        let file = url(id: id, section: section)
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        return try load(file, section: section)
    }

    public func record(for configuration: CellConfiguration) throws -> RunRecord? {
        try record(id: configuration.id, section: configuration.section)
    }

    /// Every record of a section, sorted by id; an empty list when the section has no folder.
    /// Stray temporary files are skipped, and removed once older than `staleTemporaryAge`.
    public func allRecords(section: String) throws -> [RunRecord] {
        let folder = folder(section: section)
        let manager = FileManager.default
        guard manager.fileExists(atPath: folder.path) else { return [] }
        let names = try manager.contentsOfDirectory(atPath: folder.path).sorted()
        var records: [RunRecord] = []
        for name in names {
            let file = folder.appendingPathComponent(name)
            if AtomicFile.isTemporaryName(name) {
                removeIfStale(file)
                continue
            }
            guard name.hasSuffix(".json") else { continue }   // arrays live in <id>/ folders
            records.append(try load(file, section: section))
        }
        return records
    }

    /// Writes the record to `<root>/<section>/<id>.json` atomically.
    public func save(_ record: RunRecord) throws {
        try AtomicFile.write(try RunStore.encode(record),
                             to: url(id: record.id, section: record.configuration.section))
    }

    /// The run-file bytes of a record: pretty-printed, sorted keys, trailing newline;
    /// non-finite metrics as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
    public static func encode(_ record: RunRecord) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy =
            .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        var data = try encoder.encode(record)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Reads a run file and checks that it is the cell its name says.
    func load(_ file: URL, section: String) throws -> RunRecord {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw RunStoreError.unreadable(file: file.path, reason: "\(error)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy =
            .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let record: RunRecord
        do {
            record = try decoder.decode(RunRecord.self, from: data)
        } catch let error as DecodingError {
            throw RunStoreError.corrupt(file: file.path, reason: RunStoreError.describe(error))
        } catch {
            throw RunStoreError.corrupt(file: file.path, reason: "\(error)")
        }
        let nameID = file.deletingPathExtension().lastPathComponent
        let computedID = record.configuration.id
        guard record.id == nameID, computedID == nameID else {
            throw RunStoreError.idMismatch(file: file.path, stored: record.id, computed: computedID)
        }
        guard record.configuration.section == section else {
            throw RunStoreError.corrupt(
                file: file.path,
                reason: "its configuration names section '\(record.configuration.section)', but it is in folder '\(section)'")
        }
        return record
    }

    /// Removes the temporary files a killed writer left in a section's folder (older than
    /// `staleTemporaryAge`; younger ones may be a live writer's on a shared file system).
    public func removeStaleTemporaries(section: String) {
        let folder = folder(section: section)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where AtomicFile.isTemporaryName(name) {
            removeIfStale(folder.appendingPathComponent(name))
        }
    }

    func removeIfStale(_ file: URL) {
        let attributes = try? FileManager.default.attributesOfItem(atPath: file.path)
        guard let modified = attributes?[.modificationDate] as? Date,
              Date().timeIntervalSince(modified) > staleTemporaryAge else { return }
        try? FileManager.default.removeItem(at: file)
    }
}

public enum RunStoreError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case corrupt(file: String, reason: String)
    /// The id stored in the file, the file's name, and the hash of its configuration disagree.
    case idMismatch(file: String, stored: String, computed: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "cannot read run file \(file): \(reason)"
        case .corrupt(let file, let reason):
            return "run file \(file) is corrupt: \(reason) (delete it to run the cell again)"
        case .idMismatch(let file, let stored, let computed):
            return "run file \(file) does not match its name: stored id \(stored), configuration hashes to \(computed) (edited by hand, or the configuration format changed)"
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "" : " at " + keys.joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.localizedDescription
            return "invalid JSON\(path(context)): \(context.debugDescription)" + (underlying.map { " (\($0))" } ?? "")
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)'\(path(context))"
        case .typeMismatch(let type, let context):
            return "wrong type\(path(context)), expected \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "missing value\(path(context)), expected \(type)"
        @unknown default:
            return "\(error)"
        }
    }
}
