import ArgumentParser
import Datasets
import Experiments
import Foundation
import Reports
import SemiSupervisedStudy
import TensorCore

/// The command line of `semiunsupervised-auc`.
public struct AnomalySectionOptions: ParsableArguments {
    @Option(help: "Profile: smoke (tiny subsets, for tests), quick (2 seeds, 2 epochs; the default of make figures) or paper (the paper's protocol).")
    public var profile = "quick"

    @Option(help: "Run only this shard of the cells, as i/n with 1 ≤ i ≤ n (e.g. --shard \"$SLURM_ARRAY_TASK_ID/8\"). Results merge through results/runs/.")
    public var shard: String?

    @Option(help: "Comma-separated experiments to run: held-out-class (Tables 5, 9), label-fraction (Table 6), feedback (section 5), generation (Figures 2, 3); default all.")
    public var experiments: String?

    @Option(help: "The results folder (reports, figures and run files).")
    public var results = "results"

    @Option(help: "Where data sets are kept (default data/, or $DATA_ROOT).")
    public var dataRoot: String?

    @Flag(help: "Only rebuild the report from existing run files; train nothing.")
    public var reportOnly = false

    @Flag(help: "Print the OpenBLAS kernels in use and other details.")
    public var verbose = false

    public init() {}

    func parsedExperiments() throws -> Set<AnomalyExperiment> {
        guard let experiments else { return Set(AnomalyExperiment.allCases) }
        return Set(try experiments.split(separator: ",").map { item in
            let name = item.trimmingCharacters(in: .whitespaces)
            guard let experiment = AnomalyExperiment(rawValue: name) else {
                throw StudyError.invalidArgument("unknown experiment '\(name)'; known: \(AnomalyExperiment.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return experiment
        })
    }

    /// Runs the missing cells, draws Figure 4, then writes the report and the results index.
    public func run(commandName: String) throws {
        let blas = NumericRuntime.prepare()
        if verbose { print(blas.summary) }
        let started = ProgressReporter.monotonicSeconds()
        let profile = try Profile(parsing: self.profile)
        let shard = try shard.map { try Shard(parsing: $0) } ?? .all
        let plan = AnomalyProfilePlan(profile)
        let cells = AnomalyCells(plan: plan).cells(experiments: try parsedExperiments())
        let resultsFolder = URL(fileURLWithPath: results)
        let folder = resultsFolder.appendingPathComponent(AnomalyCells.sectionName)
        let store = RunStore(root: resultsFolder.appendingPathComponent("runs"))
        let provenance = Provenance.current(openBLASCore: blas.core)
        if !reportOnly {
            let dataStore = DataStore(root: dataRoot.map { URL(fileURLWithPath: $0) } ?? DataStore.defaultRoot)
            var loaded: [ImageDatasetName: ImageClassificationData] = [:]
            func data(_ name: ImageDatasetName) throws -> ImageClassificationData {
                if let data = loaded[name] { return data }
                let data = try ImageClassificationData.load(name, store: dataStore)
                loaded[name] = data
                return data
            }
            let runner = CellRunner(store: store, shard: shard, provenance: provenance,
                                    progress: ProgressReporter.standardOutput())
            try runner.run(cells) { cell, progress in
                try AnomalyCells.run(cell, data: try data(try ImageDatasetName(parsing: cell.dataset)), figures: folder,
                                     progress: progress)
            }
            // Figure 4 needs the data but no training; the first shard draws it.
            if shard.index == 1 {
                _ = try ExampleGrid.write(try data(.fashionMNIST).test, to: folder)
            }
        }
        let records = try store.records(for: cells)
        var command = "make figures SECTION=\(AnomalyCells.sectionName)"
        if profile != .quick { command += " PROFILE=\(profile.rawValue)" }
        let report = AnomalyReport(
            plan: plan, records: records, paper: try PaperNumbers.load(paper: "semisupervised-vae"),
            provenance: ReportProvenance(profile: profile, seedsPerCell: plan.seeds(for: .mnist).count, provenance: provenance,
                                         secondsSpent: records.reduce(0) { $0 + $1.seconds }, command: command))
        try report.write(to: folder, gnuplot: Gnuplot())
        try ResultsIndex.write(resultsFolder: resultsFolder)
        let elapsed = ProgressReporter.monotonicSeconds() - started
        print("\(commandName): \(records.count) of \(cells.count) cells have results; report in \(folder.path)/README.md (\(String(format: "%.0f", elapsed)) s)")
    }
}
