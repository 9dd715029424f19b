/// What fetching several data sets came to, and the exit status `fetch-data` gives it.
///
/// Two failures are told apart, in the message and in the status, because `make data` (which
/// passes `--available`) must skip the first and stop at the second:
/// - absent: no source has the set's files (`DatasetError.unavailable`): listed, status 1, or 0
///   when absent sets are accepted;
/// - corrupt (or anything else wrong: a file failing verification, a missing mirror folder, a
///   `data/` that cannot be written, a loader rejecting a file): status 2, always.
public struct FetchSummary: Sendable {
    public enum Outcome: Sendable {
        case ready
        case absent(DatasetError)
        /// The message to print: it names the set and the file at fault.
        case failed(String)
    }

    public static let absentStatus: Int32 = 1
    public static let failedStatus: Int32 = 2

    public private(set) var outcomes: [(name: DatasetName, outcome: Outcome)] = []

    public init() {}

    /// Runs `body` (ensure, then any check) for `name` and records how it ended.
    @discardableResult
    public mutating func record(_ name: DatasetName, _ body: () throws -> Void) -> Outcome {
        let outcome: Outcome
        do {
            try body()
            outcome = .ready
        } catch let error as DatasetError {
            switch error {
            case .unavailable: outcome = .absent(error)
            case .corrupt: outcome = .failed(error.description)  // already names the set
            default: outcome = .failed("\(name.rawValue): \(error)")
            }
        } catch {
            outcome = .failed("\(name.rawValue): \(error)")
        }
        outcomes.append((name, outcome))
        return outcome
    }

    public var ready: [DatasetName] { outcomes.compactMap { if case .ready = $0.outcome { return $0.name } else { return nil } } }
    public var absent: [DatasetName] { outcomes.compactMap { if case .absent = $0.outcome { return $0.name } else { return nil } } }
    public var failed: [DatasetName] { outcomes.compactMap { if case .failed = $0.outcome { return $0.name } else { return nil } } }

    /// 0 when every set is ready (or only absent ones are missing and `acceptingAbsent`), 1 when
    /// a set is absent, 2 when a set failed otherwise (this wins over absence).
    public func exitStatus(acceptingAbsent: Bool) -> Int32 {
        if !failed.isEmpty { return Self.failedStatus }
        if !absent.isEmpty && !acceptingAbsent { return Self.absentStatus }
        return 0
    }

    /// The closing lines: the absent sets and the failed sets, each named as what they are.
    public func closingLines(acceptingAbsent: Bool) -> [String] {
        var lines = [String]()
        if !absent.isEmpty {
            let list = absent.map(\.rawValue).joined(separator: ", ")
            lines.append(acceptingAbsent ? "not available (no source has them; skipped): \(list)"
                                         : "not available (no source has them): \(list)")
        }
        if !failed.isEmpty {
            lines.append("failed (corrupt or unreadable files, see above): \(failed.map(\.rawValue).joined(separator: ", "))")
        }
        return lines
    }
}
