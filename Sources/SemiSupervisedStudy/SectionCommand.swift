import ArgumentParser
import Datasets
import Experiments
import Foundation
import Reports
import TensorCore

/// The command line shared by the classification sections (`semisupervised-tables`,
/// `decoder-regularizer`).
public struct ClassificationSectionOptions: ParsableArguments {
    @OptionGroup public var common: SectionRunOptions

    @Option(help: "Comma-separated models to run (SS_D, ES_D, SS_CNN, ES_CNN); default all.")
    public var models: String?

    public init() {}

    /// Runs the section's missing cells, then writes its report and the results index.
    public func run(_ section: ClassificationSection, commandName: String) throws {
        let blas = NumericRuntime.prepare()
        if common.verbose { print(blas.summary) }
        let started = ProgressReporter.monotonicSeconds()
        let profile = try common.parsedProfile()
        let shard = try common.parsedShard()
        let modelFilter = try models.map { list in
            Set(try list.split(separator: ",").map { try ModelName(parsing: String($0).trimmingCharacters(in: .whitespaces)) })
        }
        let plan = ProfilePlan(profile)
        let cells = ClassificationCells(section: section, plan: plan).cells(models: modelFilter)
        let resultsFolder = common.resultsFolder
        let store = common.runStore
        let provenance = Provenance.current(openBLASCore: blas.core)
        if !common.reportOnly {
            let data = common.imageData()
            let runner = CellRunner(store: store, shard: shard, provenance: provenance,
                                    progress: ProgressReporter.standardOutput())
            try runner.run(cells) { cell, progress in
                try ClassificationCells.run(cell, data: try data(try ImageDatasetName(parsing: cell.dataset)), progress: progress)
            }
        }
        let wanted = Set(cells.map(\.id))
        let records = try store.allRecords(section: section.name).filter { wanted.contains($0.id) }
        let command = common.regenerateCommand(section: section.name, profile: profile)
        let report = ClassificationReport(
            section: section, plan: plan, records: records,
            paper: try PaperNumbers.load(paper: "semisupervised-vae"),
            provenance: ReportProvenance(profile: profile, seedsPerCell: plan.seeds.count, provenance: provenance,
                                         runs: records, command: command))
        let folder = resultsFolder.appendingPathComponent(section.name)
        try report.write(to: folder, gnuplot: Gnuplot())
        try ResultsIndex.write(resultsFolder: resultsFolder)
        let elapsed = ProgressReporter.monotonicSeconds() - started
        print("\(commandName): \(records.count) of \(cells.count) cells have results; report in \(folder.path)/README.md (\(String(format: "%.0f", elapsed)) s)")
    }
}
