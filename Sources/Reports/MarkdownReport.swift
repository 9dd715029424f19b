import Experiments
import Foundation

/// What a report says about how its numbers were made.
public struct ReportProvenance: Sendable {
    public var profile: Profile
    /// Seeds (runs) per cell of the tables.
    public var seedsPerCell: Int
    public var git: GitState
    public var machine: MachineDescription
    /// When the report was written, ISO 8601.
    public var date: String
    /// Training time behind the report, in seconds (e.g. the sum of its runs' seconds).
    public var secondsSpent: Double
    /// The exact command that regenerates the report (`make figures SECTION=… PROFILE=…`).
    public var command: String
    /// Where the runs behind the numbers were trained, when that is known: the report may be
    /// drawn later, at another commit or on another machine, than its runs were trained.
    public var runOrigins: RunOrigins?
    /// Where some numbers come from another profile: "8 of 16 cells from the paper profile".
    public var profileNote: String?

    public init(profile: Profile, seedsPerCell: Int, provenance: Provenance,
                date: String = Provenance.isoDate(), secondsSpent: Double, command: String) {
        self.profile = profile
        self.seedsPerCell = seedsPerCell
        self.git = provenance.git
        self.machine = provenance.machine
        self.date = date
        self.secondsSpent = secondsSpent
        self.command = command
    }

    /// The provenance of a report over `runs`: their training time and origins.
    public init(profile: Profile, seedsPerCell: Int, provenance: Provenance,
                date: String = Provenance.isoDate(), runs: [RunRecord], command: String) {
        self.init(profile: profile, seedsPerCell: seedsPerCell, provenance: provenance, date: date,
                  secondsSpent: runs.reduce(0) { $0 + $1.seconds }, command: command)
        runOrigins = RunOrigins(runs)
    }
}

/// How many of a report's runs were trained at each commit, on each OpenBLAS kernel family and
/// on each number of OpenBLAS threads (kernels and threads decide the last digits:
/// docs/DESIGN.md).
public struct RunOrigins: Sendable {
    public var runs: Int
    /// (short commit, with "+dirty" for uncommitted changes; runs), most runs first.
    public var commits: [(String, Int)]
    /// (OpenBLAS core; runs), most runs first.
    public var kernels: [(String, Int)]
    /// (OpenBLAS threads, or "not recorded" for run files older than the record; runs), most
    /// runs first.
    public var threads: [(String, Int)]
    /// (the dense layers' product kernels, "OpenBLAS" for run files older than the record;
    /// runs), most runs first.
    public var denseProducts: [(String, Int)]

    public init(_ records: [RunRecord]) {
        func counted(_ keys: [String]) -> [(String, Int)] {
            Dictionary(keys.map { ($0, 1) }, uniquingKeysWith: +).sorted { ($0.value, $1.key) > ($1.value, $0.key) }
                .map { ($0.key, $0.value) }
        }
        runs = records.count
        commits = counted(records.map { String($0.git.commit.prefix(10)) + ($0.git.dirty ? "+dirty" : "") })
        kernels = counted(records.map(\.machine.openBLASCore))
        threads = counted(records.map { $0.machine.blasThreads.map(String.init) ?? "not recorded" })
        denseProducts = counted(records.map { $0.machine.denseProducts ?? "OpenBLAS" })
    }

    /// "110 runs, trained at commit 9a9582fe13 (108), 3cee185706 (2); OpenBLAS core Cooperlake (108),
    /// Zen (2); OpenBLAS threads 2 (100), not recorded (10)".
    public var text: String {
        func list(_ pairs: [(String, Int)]) -> String {
            pairs.count == 1 ? pairs[0].0 : pairs.map { "\($0.0) (\($0.1))" }.joined(separator: ", ")
        }
        return "\(runs) run\(runs == 1 ? "" : "s"), trained at commit \(list(commits)); OpenBLAS core \(list(kernels))"
            + "; OpenBLAS threads \(list(threads))"
            // Said only where some run's dense layers did not run in OpenBLAS: otherwise the
            // OpenBLAS core above already names every product's kernels.
            + (denseProducts.map(\.0) == ["OpenBLAS"] ? "" : "; dense-layer products \(list(denseProducts))")
    }
}

/// A markdown report built block by block and written atomically.
public struct MarkdownReport: Sendable {
    public var title: String
    public private(set) var blocks: [String] = []

    public init(title: String) {
        self.title = title
    }

    public mutating func heading(_ text: String, level: Int = 2) {
        precondition((2...6).contains(level), "level 1 is the title; use 2...6")
        blocks.append(String(repeating: "#", count: level) + " " + text + "\n")
    }

    public mutating func paragraph(_ text: String) {
        blocks.append(text.trimmingCharacters(in: .whitespacesAndNewlines) + "\n")
    }

    public mutating func bulletList(_ items: [String]) {
        blocks.append(items.map { "- " + $0 + "\n" }.joined())
    }

    /// A table, with an optional caption paragraph above it.
    public mutating func table(_ table: MarkdownTable, caption: String? = nil) {
        if let caption { paragraph(caption) }
        blocks.append(table.markdown)
    }

    /// An image link; `path` is relative to the report's folder.
    public mutating func image(_ path: String, alt: String) {
        let escapedAlt = alt.replacingOccurrences(of: "]", with: "\\]")
        let escapedPath = path.replacingOccurrences(of: " ", with: "%20")
        blocks.append("![\(escapedAlt)](\(escapedPath))\n")
    }

    /// An image link to `file`, written relative to the folder of `report`.
    public mutating func image(_ file: URL, alt: String, report: URL) {
        image(MarkdownReport.relativePath(from: report.deletingLastPathComponent(), to: file), alt: alt)
    }

    /// The provenance section: profile and seeds, the commit, date and machine that drew the
    /// report, where its runs were trained, time, command.
    public mutating func provenance(_ provenance: ReportProvenance) {
        heading("Provenance")
        let seeds = provenance.seedsPerCell == 1 ? "1 seed" : "\(provenance.seedsPerCell) seeds"
        let commit = provenance.git.commit + (provenance.git.dirty ? " (with uncommitted changes)" : "")
        let machine = provenance.machine
        bulletList([
            "Profile: \(provenance.profile) (\(seeds) per cell; n in the tables counts the runs behind each number)"
                + (provenance.profileNote.map { "; \($0)" } ?? ""),
            "Commit: \(commit)",
            "Date: \(provenance.date)",
            "Machine: \(machine.hostname), \(machine.cpuModel), \(machine.coreCount) cores, OpenBLAS core \(machine.openBLASCore)"
                + (machine.blasThreads.map { " on \($0) thread\($0 == 1 ? "" : "s")" } ?? "")
                + (machine.denseProducts.map { ", dense-layer products in \($0)" } ?? ""),
        ] + (provenance.runOrigins.map { ["Runs: \($0.text)"] } ?? []) + [
            "Training time: \(ProgressReporter.duration(provenance.secondsSpent))",
            "Regenerate with: `\(provenance.command)`",
        ])
    }

    /// The whole report: `# title`, then the blocks separated by blank lines.
    public var markdown: String {
        (["# \(title)\n"] + blocks).joined(separator: "\n")
    }

    public func write(to url: URL) throws {
        try AtomicFile.write(markdown, to: url)
    }

    /// The path of `file` relative to `folder` (`../figures/x.png` style).
    public static func relativePath(from folder: URL, to file: URL) -> String {
        let base = folder.standardizedFileURL.pathComponents
        let target = file.standardizedFileURL.pathComponents
        var common = 0
        while common < min(base.count, target.count), base[common] == target[common] { common += 1 }
        let ups = Array(repeating: "..", count: base.count - common)
        return (ups + target[common...]).joined(separator: "/")
    }
}
