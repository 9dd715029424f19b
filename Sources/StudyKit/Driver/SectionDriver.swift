import Datasets
import Experiments
import Foundation
import Reports
import TensorCore

/// What a section's report is drawn from: the run files of its cells, the paper's numbers,
/// where to write, and how the runs were made.
public struct SectionReportInput {
    public let profile: Profile
    public let cells: [CellConfiguration]
    /// The runs behind the numbers: the profile's own, or the paper profile's for the cell
    /// groups `profileChoice` names.
    public let records: [RunRecord]
    /// Which profile each cell group's numbers come from.
    public let profileChoice: ProfileChoice
    public let paper: PaperNumbers
    /// The folder the report writes into (a staging copy of its destination).
    public let folder: URL
    public let provenance: ReportProvenance
    public let gnuplot: Gnuplot
    /// The repository-relative folder of the section's run files, for the report's text.
    public let runsFolderText: String
    /// The run store (for the arrays stored beside the run files).
    public let store: RunStore
}

/// What a section's cells can reach while they run: the data sets (loaded once) and the
/// folder of the report (for figures drawn while training).
public final class SectionContext {
    public let data: ImageDataCache
    public let reportFolder: URL
    public let shard: Shard

    init(data: ImageDataCache, reportFolder: URL, shard: Shard) {
        self.data = data
        self.reportFolder = reportFolder
        self.shard = shard
    }

    /// The data store behind the cache (for data sets that are not images of a class table).
    public var store: DataStore { data.store }

    private var activity: ActivityData?

    /// UCI-HAR, loaded the first time a cell asks for it.
    public func activityData() throws -> ActivityData {
        if let activity { return activity }
        let loaded = try ActivityData.load(store: store)
        activity = loaded
        return loaded
    }

    /// Whether UCI-HAR's files are in data/ or the mirror (the inertial signals are not in this
    /// project's mirror, so its cells are reported as not run there).
    public static func absentActivityData(_ cell: CellConfiguration, _ context: SectionContext) -> String? {
        cell.dataset == DatasetName.uciHAR.rawValue && !context.store.isAtHand(.uciHAR) ? DatasetName.uciHAR.rawValue : nil
    }
}

/// The one driver of every paper-section executable (DomainBed's sweep and collector in one
/// command): check the preconditions, run the missing cells of the selection, then draw the
/// report from the run files.
///
/// 1. Preconditions before the first cell: the repository is found (any working directory
///    works), the paper's numbers load, the results folder is writable, gnuplot runs.
/// 2. Cells run through `CellRunner` (cached by configuration hash, sharded, resumable).
/// 3. The report is drawn into a staging folder and replaces the old one as a whole.
///
/// Where the report goes: the published folder `results/<section>/` (what readers cite) only
/// for the quick profile with every cell of the section selected and at least as many runs as
/// the published report has; anything else (the smoke profile, a `--models` selection, a
/// profile or shard with fewer runs) writes to `results/scratch/<profile>/<section>/`, which
/// git ignores, and says so. Smoke run files go to `results/scratch/runs/` for the same reason.
public struct SectionDriver {
    public let section: String
    /// The paper's folder under `papers/` (its numbers and deviations).
    public let paper: String
    public let options: SectionRunOptions
    public let commandName: String

    /// The profile whose reports are published (what `make figures` runs by default).
    public static let publishedProfile = Profile.quick

    public init(section: String, paper: String, options: SectionRunOptions, commandName: String) {
        self.section = section
        self.paper = paper
        self.options = options
        self.commandName = commandName
    }

    /// Runs the section. `cells` are the selected cells; `selectionIsComplete` says whether
    /// they are all of the section's cells for the profile. `absentData` names the data set a
    /// cell needs when it is not at hand here (nil: the cell can run): such cells are not
    /// trained, the run says so, and the report shows them as not run (their rows have no run
    /// file), so a section can hold cells for data sets that only some machines have.
    /// `prefersFinishedPaperGroups`: the report shows each number's profile, so a quick-profile
    /// report takes a cell group's numbers from the paper profile once all its paper-profile
    /// runs exist (`ProfileChoice`).
    public func run(
        cells: (Profile) throws -> [CellConfiguration],
        selectionIsComplete: Bool,
        prefersFinishedPaperGroups: Bool = false,
        seedsPerCell: (Profile) -> Int,
        absentData: (CellConfiguration, SectionContext) -> String? = { _, _ in nil },
        train: (CellConfiguration, CellProgress, SectionContext) throws -> CellResult,
        afterTraining: (SectionContext, CellRunSummary) throws -> Void = { _, _ in },
        report: (SectionReportInput) throws -> SectionSummary
    ) throws {
        // The numeric runtime of an executable (kernels, allocator, subnormals flushed) for the
        // run, and the caller's floating-point mode back after it: tests run sections in-process.
        try NumericRuntime.prepared { blas in
            try run(blas: blas, cells: cells, selectionIsComplete: selectionIsComplete,
                    prefersFinishedPaperGroups: prefersFinishedPaperGroups, seedsPerCell: seedsPerCell,
                    absentData: absentData, train: train, afterTraining: afterTraining, report: report)
        }
    }

    private func run(
        blas: OpenBLASCore.Status,
        cells: (Profile) throws -> [CellConfiguration],
        selectionIsComplete: Bool,
        prefersFinishedPaperGroups: Bool,
        seedsPerCell: (Profile) -> Int,
        absentData: (CellConfiguration, SectionContext) -> String?,
        train: (CellConfiguration, CellProgress, SectionContext) throws -> CellResult,
        afterTraining: (SectionContext, CellRunSummary) throws -> Void,
        report: (SectionReportInput) throws -> SectionSummary
    ) throws {
        if options.verbose { print(blas.summary) }
        let started = ProgressReporter.monotonicSeconds()
        let profile = try options.parsedProfile()
        let shard = try options.parsedShard()
        let selected = try cells(profile)
        guard !selected.isEmpty else {
            throw StudyError.invalidArgument("\(commandName): the selection has no cell of this section for profile \(profile.rawValue); nothing to run or report")
        }

        // 1. Preconditions, before any training.
        let paths = try SectionPaths(options: options, profile: profile, section: section)
        let paperNumbers = try PaperNumbers.load(paper: paper, root: paths.root.appendingPathComponent("papers"))
        let gnuplot = Gnuplot(scriptsFolder: paths.root.appendingPathComponent("figures"))
        guard gnuplot.executable != nil else {
            throw StudyError.invalidArgument("gnuplot is not installed (or not on PATH), and the report needs it: install gnuplot-nox (`make setup` as root) before training")
        }
        try paths.checkWritable()
        let store = RunStore(root: paths.runs, cacheRoot: paths.root.appendingPathComponent(".cache/runs"))
        store.removeStaleTemporaries(section: section)
        let provenance = Provenance.current(openBLASCore: blas.core, blasThreads: blas.threads,
                                            denseProducts: DenseProducts.kernels.rawValue, repository: paths.root)
        let published = paths.results.appendingPathComponent(section)
        let scratch = paths.results.appendingPathComponent("scratch").appendingPathComponent(profile.rawValue)
            .appendingPathComponent(section)
        let dataStore = DataStore(root: paths.dataRoot, mirror: paths.mirror)
        // Figures drawn while training go where this run's report will go.
        let figures = profile == Self.publishedProfile && selectionIsComplete ? published : scratch
        let context = SectionContext(data: ImageDataCache(store: dataStore), reportFolder: figures, shard: shard)

        // 2. The missing cells.
        if !options.reportOnly {
            var runnable: [CellConfiguration] = []
            var absent: [String: Int] = [:]
            for cell in selected {
                if let dataset = absentData(cell, context), !store.isDone(cell) {
                    absent[dataset, default: 0] += 1
                } else {
                    runnable.append(cell)
                }
            }
            for (dataset, count) in absent.sorted(by: { $0.key < $1.key }) {
                print("\(commandName): \(count) cell\(count == 1 ? "" : "s") not run: data set \(dataset) is absent from \(paths.dataRoot.path)\(paths.mirror.map { " and the mirror \($0.path)" } ?? "") (`make data` fetches it)")
            }
            let runner = CellRunner(store: store, shard: shard, provenance: provenance,
                                    progress: ProgressReporter.standardOutput())
            let summary = try runner.run(runnable) { cell, progress in try train(cell, progress, context) }
            try afterTraining(context, summary)
        }

        // 3. The report, all new or all old.
        var records = try store.records(for: selected)
        let finishedCells = records.count
        var choice = ProfileChoice(single: profile)
        if prefersFinishedPaperGroups && profile != .paper {
            let paperCells = try cells(.paper)
            (choice, records) = ProfileChoice.preferringFinishedPaperGroups(
                records: records, profile: profile, paperCells: paperCells,
                paperRecords: try store.records(for: paperCells))
        }
        let destination = reportDestination(profile: profile, selectionIsComplete: selectionIsComplete,
                                            runs: records.count, published: published, scratch: scratch)
        let folder = try ReportFolder.begin(destination)
        do {
            let command = Self.regenerateCommand(section: section, profile: profile)
            var reportProvenance = ReportProvenance(profile: profile, seedsPerCell: seedsPerCell(profile),
                                                    provenance: provenance, runs: records, command: command)
            reportProvenance.profileNote = choice.note(groups: Set(selected.map(CellGroup.init)).count)
            let input = SectionReportInput(
                profile: profile, cells: selected, records: records, profileChoice: choice, paper: paperNumbers,
                folder: folder.staging, provenance: reportProvenance,
                gnuplot: gnuplot, runsFolderText: paths.runsFolderText(section: section), store: store)
            let summary = try report(input)
            try summary.write(to: folder.staging.appendingPathComponent("summary.json"))
            try folder.commit()
        } catch {
            folder.abandon()
            throw error
        }
        if destination == published { try ResultsIndex.write(resultsFolder: paths.results) }
        let elapsed = ProgressReporter.monotonicSeconds() - started
        // Finished paper groups replace their cells' runs in the report (10 paper seeds for 3
        // quick ones), so the count of cells and the count of runs reported are told apart.
        let paperRuns = profile == .paper ? 0 : records.filter { $0.configuration.profile == .paper }.count
        print(Self.completionLine(commandName: commandName, finishedCells: finishedCells, selected: selected,
                                  profile: profile, paperRuns: paperRuns, report: destination, seconds: elapsed))
    }

    /// The last line of a run: how many of the selected cells have run files, and where the
    /// report is. Cells are counted by id, as the runner and the store count them (both take a
    /// cell listed twice once), so the two counts of the line always agree.
    static func completionLine(commandName: String, finishedCells: Int, selected: [CellConfiguration],
                               profile: Profile, paperRuns: Int, report: URL, seconds: Double) -> String {
        let cellCount = Set(selected.map(\.id)).count
        let paperNote = paperRuns == 0 ? "" : " (the report takes \(paperRuns) paper-profile runs for the groups whose paper seeds are all done)"
        return "\(commandName): \(finishedCells) of \(cellCount) \(profile.rawValue) cells have results\(paperNote); report in \(report.path)/README.md (\(String(format: "%.0f", seconds)) s)"
    }

    /// The published folder, or the scratch folder with the reason printed.
    func reportDestination(profile: Profile, selectionIsComplete: Bool, runs: Int, published: URL,
                           scratch: URL) -> URL {
        var reason: String?
        if profile != Self.publishedProfile {
            reason = "profile \(profile.rawValue) is not the published profile (\(Self.publishedProfile.rawValue))"
        } else if !selectionIsComplete {
            reason = "a selection of the section's cells was run"
        } else if let existing = SectionSummary.read(from: published.appendingPathComponent("summary.json")),
                  existing.runs > runs {
            reason = "the published report covers \(existing.runs) runs and this one \(runs)"
        }
        guard let reason else { return published }
        print("\(commandName): \(reason), so the published report \(published.path) stays as it is; this report goes to \(scratch.path)")
        return scratch
    }

    /// The command that regenerates a section's report with this profile, as its report prints it.
    public static func regenerateCommand(section: String, profile: Profile) -> String {
        "make figures SECTION=\(section)" + (profile == .quick ? "" : " PROFILE=\(profile.rawValue)")
    }
}

/// Where a section reads and writes, resolved once: user-given paths against the working
/// directory, everything else against the repository root (the process then works from the
/// root, so `papers/`, `figures/` and git see the repository wherever it was started).
struct SectionPaths {
    let root: URL
    let results: URL
    let runs: URL
    let dataRoot: URL
    let mirror: URL?

    init(options: SectionRunOptions, profile: Profile, section: String) throws {
        let workingDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        func resolve(_ path: String) -> URL { URL(fileURLWithPath: path, relativeTo: workingDirectory).standardizedFileURL }
        root = try RepositoryRoot.locate()
        results = options.results.map(resolve) ?? root.appendingPathComponent("results")
        // Smoke runs are for tests and trials: their run files never mix with the published ones.
        runs = profile == .smoke ? results.appendingPathComponent("scratch").appendingPathComponent("runs")
                                 : results.appendingPathComponent("runs")
        let environment = ProcessInfo.processInfo.environment
        if let given = options.dataRoot.flatMap({ $0.isEmpty ? nil : $0 }) ?? environment["DATA_ROOT"].flatMap({ $0.isEmpty ? nil : $0 }) {
            dataRoot = resolve(given)
        } else {
            dataRoot = root.appendingPathComponent("data")
        }
        // --mirror or $DATA_MIRROR (empty means unset), resolved now, checked to be a folder.
        mirror = DataStore.mirror(option: options.mirror).map { resolve($0.relativePath) }
        try DataStore(root: dataRoot, mirror: mirror).checkMirror()
        guard FileManager.default.changeCurrentDirectoryPath(root.path) else {
            throw StudyError.invalidArgument("cannot change to the repository folder \(root.path)")
        }
    }

    /// Fails before any training when run files or reports could not be written.
    func checkWritable() throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: runs, withIntermediateDirectories: true)
            let probe = runs.appendingPathComponent(".write-probe-\(getpid())")
            try Data().write(to: probe)
            try manager.removeItem(at: probe)
        } catch {
            throw StudyError.invalidArgument("the results folder \(runs.path) is not writable (\(error.localizedDescription)); no cell was trained")
        }
    }

    func runsFolderText(section: String) -> String {
        let path = runs.appendingPathComponent(section).path
        return path.hasPrefix(root.path + "/") ? String(path.dropFirst(root.path.count + 1)) : path
    }
}
