import ArgumentParser
import Datasets
import Experiments
import Foundation
import Reports
import TensorCore

/// The command line shared by the classification sections (`semisupervised-tables`,
/// `decoder-regularizer`).
public struct ClassificationSectionOptions: ParsableArguments {
    @Option(help: "Profile: smoke (tiny subsets, for tests), quick (reduced seeds and epochs; the default of make figures) or paper (the paper's full protocol).")
    public var profile = "quick"

    @Option(help: "Run only this shard of the cells, as i/n with 1 ≤ i ≤ n (for a cluster job array, e.g. --shard \"$SLURM_ARRAY_TASK_ID/8\"). Results merge through results/runs/.")
    public var shard: String?

    @Option(help: "Comma-separated models to run (SS_D, ES_D, SS_CNN, ES_CNN); default all.")
    public var models: String?

    @Option(help: "The results folder (reports, figures and run files).")
    public var results = "results"

    @Option(help: "Where data sets are kept (default data/, or $DATA_ROOT).")
    public var dataRoot: String?

    @Flag(help: "Only rebuild the report from existing run files; train nothing.")
    public var reportOnly = false

    @Flag(help: "Print the OpenBLAS kernels in use and other details.")
    public var verbose = false

    public init() {}

    /// Runs the section's missing cells, then writes its report and the results index.
    public func run(_ section: ClassificationSection, commandName: String) throws {
        let blas = NumericRuntime.prepare()
        if verbose { print(blas.summary) }
        let started = ProgressReporter.monotonicSeconds()
        let profile = try Profile(parsing: self.profile)
        let shard = try shard.map { try Shard(parsing: $0) } ?? .all
        let modelFilter = try models.map { list in
            Set(try list.split(separator: ",").map { try ModelName(parsing: String($0).trimmingCharacters(in: .whitespaces)) })
        }
        let plan = ProfilePlan(profile)
        let cells = ClassificationCells(section: section, plan: plan).cells(models: modelFilter)
        let resultsFolder = URL(fileURLWithPath: results)
        let store = RunStore(root: resultsFolder.appendingPathComponent("runs"))
        let provenance = Provenance.current(openBLASCore: blas.core)
        if !reportOnly {
            let dataStore = DataStore(root: dataRoot.map { URL(fileURLWithPath: $0) } ?? DataStore.defaultRoot)
            var loaded: [ImageDatasetName: ImageClassificationData] = [:]
            let runner = CellRunner(store: store, shard: shard, provenance: provenance,
                                    progress: ProgressReporter.standardOutput())
            try runner.run(cells) { cell, progress in
                let name = try ImageDatasetName(parsing: cell.dataset)
                if loaded[name] == nil { loaded[name] = try ImageClassificationData.load(name, store: dataStore) }
                return try ClassificationCells.run(cell, data: loaded[name]!, progress: progress)
            }
        }
        let wanted = Set(cells.map(\.id))
        let records = try store.allRecords(section: section.name).filter { wanted.contains($0.id) }
        var command = "make figures SECTION=\(section.name)"
        if profile != .quick { command += " PROFILE=\(profile.rawValue)" }
        let report = ClassificationReport(
            section: section, plan: plan, records: records,
            paper: try PaperNumbers.load(paper: "semisupervised-vae"),
            provenance: ReportProvenance(profile: profile, seedsPerCell: plan.seeds.count, provenance: provenance,
                                         secondsSpent: records.reduce(0) { $0 + $1.seconds }, command: command))
        let folder = resultsFolder.appendingPathComponent(section.name)
        try report.write(to: folder, gnuplot: Gnuplot())
        try ResultsIndex.write(resultsFolder: resultsFolder)
        let elapsed = ProgressReporter.monotonicSeconds() - started
        print("\(commandName): \(records.count) of \(cells.count) cells have results; report in \(folder.path)/README.md (\(String(format: "%.0f", elapsed)) s)")
    }
}
