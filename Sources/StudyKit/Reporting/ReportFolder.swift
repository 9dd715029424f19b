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
        let staging = parent.appendingPathComponent("." + destination.lastPathComponent + stagingMarker + "\(getpid())")
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
            .appendingPathComponent("." + destination.lastPathComponent + Self.retiredMarker + "\(getpid())")
        if manager.fileExists(atPath: destination.path) {
            try manager.moveItem(at: destination, to: retired)
        }
        try manager.moveItem(at: staging, to: destination)
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
                guard let pid = Int32(rest.dropFirst(marker.count)), !isRunning(pid) else { continue }
                let url = parent.appendingPathComponent(name)
                if marker == retiredMarker && !manager.fileExists(atPath: destination.path) {
                    try? manager.moveItem(at: url, to: destination)
                } else {
                    try? manager.removeItem(at: url)
                }
            }
        }
    }

    static func isRunning(_ pid: Int32) -> Bool {
        pid == getpid() ? false : (kill(pid, 0) == 0 || errno == EPERM)
    }
}
