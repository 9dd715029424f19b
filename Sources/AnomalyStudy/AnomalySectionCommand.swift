import ArgumentParser
import Datasets
import Experiments
import Foundation
import Reports
import SemiSupervisedStudy
import TensorCore

/// The command line of `semiunsupervised-auc`.
public struct AnomalySectionOptions: ParsableArguments {
    @OptionGroup public var common: SectionRunOptions

    @Option(help: "Comma-separated experiments to run: held-out-class (Tables 5, 9), label-fraction (Table 6), feedback (section 5), generation (Figures 2, 3); default all.")
    public var experiments: String?

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
        if common.verbose { print(blas.summary) }
        let started = ProgressReporter.monotonicSeconds()
        let profile = try common.parsedProfile()
        let shard = try common.parsedShard()
        let plan = AnomalyProfilePlan(profile)
        let cells = AnomalyCells(plan: plan).cells(experiments: try parsedExperiments())
        let resultsFolder = common.resultsFolder
        let folder = resultsFolder.appendingPathComponent(AnomalyCells.sectionName)
        let store = common.runStore
        let provenance = Provenance.current(openBLASCore: blas.core)
        if !common.reportOnly {
            let data = common.imageData()
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
        let command = common.regenerateCommand(section: AnomalyCells.sectionName, profile: profile)
        let report = AnomalyReport(
            plan: plan, records: records, paper: try PaperNumbers.load(paper: "semisupervised-vae"),
            provenance: ReportProvenance(profile: profile, seedsPerCell: plan.seeds(for: .mnist).count, provenance: provenance,
                                         runs: records, command: command))
        try report.write(to: folder, gnuplot: Gnuplot())
        try ResultsIndex.write(resultsFolder: resultsFolder)
        let elapsed = ProgressReporter.monotonicSeconds() - started
        print("\(commandName): \(records.count) of \(cells.count) cells have results; report in \(folder.path)/README.md (\(String(format: "%.0f", elapsed)) s)")
    }
}
