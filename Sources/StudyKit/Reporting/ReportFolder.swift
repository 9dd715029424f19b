import Experiments
import Foundation

/// A section's report folder, written as a whole: the report is drawn into a staging folder
/// beside the destination, which then replaces the destination. A kill or an error while
/// drawing leaves the previous report untouched (all old), and a finished report is all new.
///
/// The staging folder starts as a copy of the destination, so files the report does not redraw
/// (figures drawn while training) carry over. Replacing is two renames (the old folder is
/// retired, the new one moved in); a process killed between them leaves a retired folder that
/// the next `begin` moves back. Staging and retired folders of dead processes are removed.
///
/// Several processes may draw the same report at once (the shards of a cluster job array on a
/// shared file system): the temporary folders are named by host and process id, a process only
/// judges the liveness of its own host's folders (other hosts' are removed once a day old), and
/// a commit that finds a destination another process has just moved in retires it and tries
/// again, so the last report to finish is the one that stays.
public struct ReportFolder {
    public let destination: URL
    /// Where the report is drawn; becomes `destination` on `commit()`.
    public let staging: URL

    static let stagingMarker = ".staging-", retiredMarker = ".retired-"

    public static func begin(_ destination: URL) throws -> ReportFolder {
        let manager = FileManager.default
        let parent = destination.deletingLastPathComponent()
        try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        recoverAndClean(destination)
        let staging = parent.appendingPathComponent("." + destination.lastPathComponent + stagingMarker + processTag)
        try? manager.removeItem(at: staging)
        try manager.createDirectory(at: staging, withIntermediateDirectories: false)
        for name in (try? manager.contentsOfDirectory(atPath: destination.path)) ?? [] where !AtomicFile.isTemporaryName(name) {
            try manager.copyItem(at: destination.appendingPathComponent(name), to: staging.appendingPathComponent(name))
        }
        return ReportFolder(destination: destination, staging: staging)
    }

    /// Moves the staged report into place.
    public func commit() throws {
        let manager = FileManager.default
        let retired = destination.deletingLastPathComponent()
            .appendingPathComponent("." + destination.lastPathComponent + Self.retiredMarker + Self.processTag)
        for attempt in 1...5 {
            try? manager.removeItem(at: retired)
            if manager.fileExists(atPath: destination.path) {
                try manager.moveItem(at: destination, to: retired)
            }
            do {
                try manager.moveItem(at: staging, to: destination)
                break
            } catch where attempt < 5 && manager.fileExists(atPath: destination.path) {
                continue   // another process moved its report in between: retire that one too
            }
        }
        try? manager.removeItem(at: retired)
    }

    /// Drops the staged report (the destination stays as it was).
    public func abandon() {
        try? FileManager.default.removeItem(at: staging)
    }

    /// Puts back a report retired by a process that died before moving the new one in, and
    /// removes the staging and retired folders of processes that no longer run.
    static func recoverAndClean(_ destination: URL) {
        let manager = FileManager.default
        let parent = destination.deletingLastPathComponent()
        let prefix = "." + destination.lastPathComponent
        for name in (try? manager.contentsOfDirectory(atPath: parent.path)) ?? [] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            for marker in [stagingMarker, retiredMarker] where rest.hasPrefix(marker) {
                let url = parent.appendingPathComponent(name)
                guard isAbandoned(tag: String(rest.dropFirst(marker.count)), url: url) else { continue }
                if marker == retiredMarker && !manager.fileExists(atPath: destination.path) {
                    try? manager.moveItem(at: url, to: destination)
                } else {
                    try? manager.removeItem(at: url)
                }
            }
        }
    }

    /// `<host>-<pid>` of this process.
    static var processTag: String { "\(hostName)-\(getpid())" }

    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        let name = String(cString: buffer).replacingOccurrences(of: "/", with: "_")
        return name.isEmpty ? "host" : name
    }

    /// Whether the folder tagged `<host>-<pid>` belongs to no running process: checked with the
    /// process table on this host; another host's folder counts as abandoned after a day.
    static func isAbandoned(tag: String, url: URL) -> Bool {
        guard let dash = tag.lastIndex(of: "-"), let pid = Int32(tag[tag.index(after: dash)...]) else { return false }
        if tag[..<dash] == hostName {
            return pid == getpid() || !(kill(pid, 0) == 0 || errno == EPERM)
        }
        let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
        return modified.map { Date().timeIntervalSince($0) > 24 * 3600 } ?? false
    }
}
