import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where and from what code runs are made: recorded in every run file and report.
public struct Provenance: Codable, Hashable, Sendable {
    public var git: GitState
    public var machine: MachineDescription

    public init(git: GitState, machine: MachineDescription) {
        self.git = git
        self.machine = machine
    }

    /// The provenance of this process: the git state of `repository` (the current folder by
    /// default) and this machine. `openBLASCore`, `blasThreads` and `denseProducts` come from
    /// the numeric core, which this target does not link.
    public static func current(openBLASCore: String, blasThreads: Int?, denseProducts: String? = nil,
                               repository: URL? = nil) -> Provenance {
        Provenance(git: gitState(of: repository),
                   machine: MachineDescription(hostname: hostname(), cpuModel: cpuModel(),
                                               coreCount: ProcessInfo.processInfo.activeProcessorCount,
                                               openBLASCore: openBLASCore, blasThreads: blasThreads,
                                               denseProducts: denseProducts))
    }

    /// The commit and dirty flag of the repository at `folder`; commit `"unknown"` (and not
    /// dirty) when git is missing or `folder` is not in a repository. The whole work tree
    /// counts, wherever `folder` is in it, except `results/`: run files are written there by
    /// the runs themselves.
    public static func gitState(of folder: URL? = nil) -> GitState {
        guard let git = ExternalCommand.locate("git"),
              let head = try? ExternalCommand.run(git, arguments: ["rev-parse", "HEAD"], in: folder),
              head.status == 0
        else { return GitState(commit: "unknown", dirty: false) }
        let commit = head.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        let status = try? ExternalCommand.run(
            git, arguments: ["status", "--porcelain", "--", ":/", ":(exclude,top)results"], in: folder)
        let dirty = status.map { $0.status != 0 || !$0.standardOutput.isEmpty } ?? true
        return GitState(commit: commit.isEmpty ? "unknown" : commit, dirty: dirty)
    }

    public static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "unknown" }
        buffer[buffer.count - 1] = 0
        return String(cString: buffer)
    }

    /// The CPU's marketing name: `model name` in /proc/cpuinfo on Linux (or `"unknown"`).
    public static func cpuModel(cpuinfo: String? = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) -> String {
        guard let cpuinfo else { return "unknown" }
        for line in cpuinfo.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == "model name" {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }

    /// `date` in ISO 8601, UTC, whole seconds: `2026-11-21T11:15:18Z`.
    public static func isoDate(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
