import Foundation

/// Everything that can go wrong while obtaining or parsing a data set.
///
/// Each case names the file and, where it makes sense, the byte offset or text line, so a user
/// can open the file and look. `description` is the message `fetch-data` prints; executables
/// print it instead of a stack trace.
public enum DatasetError: Error, CustomStringConvertible, LocalizedError, Equatable, Sendable {
    /// A file the loader needs is not on disk.
    case missingFile(path: String)
    /// A gzip stream ended early or holds invalid deflate data.
    case corruptCompression(path: String, offset: Int, reason: String)
    /// A binary file's header or body does not match its format (magic number, counts, sizes).
    case badFormat(path: String, offset: Int, reason: String)
    /// A text file has a row that is not numeric or not the expected width.
    case badText(path: String, line: Int, reason: String)
    /// A file's size differs from the published one.
    case sizeMismatch(path: String, expected: Int, actual: Int)
    /// A file's digest differs from the published one.
    case checksumMismatch(path: String, algorithm: String, expected: String, actual: String)
    /// A download failed (HTTP status, network error).
    case downloadFailed(url: String, reason: String)
    /// No source has the data set's files (absent, not wrong); the message says where to put the
    /// files by hand. `fetch-data --available` skips such a set and still succeeds.
    case unavailable(dataset: String, missing: [String], urls: [String], destination: String, attempts: [String])
    /// Files of a data set exist (placed in `data/` by hand, in the mirror, or as downloaded) but
    /// fail verification. `failures` name each file and what is wrong with it; `advice` says what
    /// was done (nothing is installed in their place) and what to do. Never skipped.
    case corrupt(dataset: String, failures: [String], advice: String)
    /// The mirror folder given by `DATA_MIRROR` or `--mirror` does not exist.
    case missingMirror(path: String)
    /// Reading, writing or renaming a file failed.
    case io(path: String, reason: String)
    /// A caller asked for something the data cannot give (e.g. more labels than examples).
    case invalidRequest(String)

    public var description: String {
        switch self {
        case let .missingFile(path):
            return "\(path): file not found"
        case let .corruptCompression(path, offset, reason):
            return "\(path): corrupt compressed data at byte \(offset): \(reason)"
        case let .badFormat(path, offset, reason):
            return "\(path): bad format at byte \(offset): \(reason)"
        case let .badText(path, line, reason):
            return "\(path):\(line): \(reason)"
        case let .sizeMismatch(path, expected, actual):
            return "\(path): size \(actual) bytes, expected \(expected)"
        case let .checksumMismatch(path, algorithm, expected, actual):
            return "\(path): \(algorithm) \(actual), expected \(expected)"
        case let .downloadFailed(url, reason):
            return "\(url): download failed: \(reason)"
        case let .unavailable(dataset, missing, urls, destination, attempts):
            var lines = ["data set '\(dataset)' is not available: \(missing.count) file(s) missing."]
            lines.append("Expected in \(destination):")
            lines += missing.prefix(12).map { "  \($0)" }
            if missing.count > 12 { lines.append("  ... and \(missing.count - 12) more") }
            if !urls.isEmpty {
                lines.append("Official sources:")
                lines += urls.prefix(8).map { "  \($0)" }
                if urls.count > 8 { lines.append("  ... and \(urls.count - 8) more") }
            }
            if !attempts.isEmpty {
                lines.append("What was tried:")
                lines += attempts.prefix(8).map { "  \($0)" }
                if attempts.count > 8 { lines.append("  ... and \(attempts.count - 8) more") }
            }
            lines.append("Download the files by hand into \(destination) (same names), or set DATA_MIRROR / --mirror to a folder laid out like data/ (see data/README.md).")
            return lines.joined(separator: "\n")
        case let .corrupt(dataset, failures, advice):
            var lines = ["data set '\(dataset)': \(failures.count) file(s) fail verification (corrupt, not missing):"]
            lines += failures.prefix(12).map { "  " + $0.replacingOccurrences(of: "\n", with: "\n  ") }
            if failures.count > 12 { lines.append("  ... and \(failures.count - 12) more") }
            lines.append(advice)
            return lines.joined(separator: "\n")
        case let .missingMirror(path):
            return "\(path): mirror folder not found (DATA_MIRROR / --mirror names it); correct the path, or unset it to download from the official servers"
        case let .io(path, reason):
            return "\(path): \(reason)"
        case let .invalidRequest(reason):
            return reason
        }
    }

    public var errorDescription: String? { description }

    /// True when the only problem is that no source has the files (`unavailable`): nothing that
    /// was found is wrong. Corrupt files, a missing mirror folder and I/O errors are not absences.
    public var isAbsence: Bool {
        if case .unavailable = self { return true }
        return false
    }
}
