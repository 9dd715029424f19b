import ArgumentParser
import Datasets
import Experiments
import Foundation
import Reports
import StudyKit

/// The command line of `semiunsupervised-auc`.
public struct AnomalySectionOptions: ParsableArguments {
    @OptionGroup public var common: SectionRunOptions

    @Option(help: "Comma-separated experiments to run: held-out-class (Tables 5, 9), label-fraction (Table 6), feedback (section 5), generation (Figures 2, 3), activity-held-out (Table 11, UCI-HAR); default all. A selection's report goes to results/scratch/.")
    public var experiments: String?

    public init() {}

    func parsedExperiments() throws -> Set<AnomalyExperiment> {
        try AnomalyExperiment.parsingList(experiments)
    }

    /// Runs the missing cells, draws Figure 4 when cells trained, then writes the report and
    /// the results index.
    public func run(commandName: String) throws {
        let selection = try parsedExperiments()
        let driver = SectionDriver(section: AnomalyCells.sectionName, paper: "semisupervised-vae", options: common,
                                   commandName: commandName)
        try driver.run(
            cells: { AnomalyCells(plan: AnomalyProfilePlan($0)).cells(experiments: selection) },
            selectionIsComplete: selection == Set(AnomalyExperiment.allCases),
            seedsPerCell: { AnomalyProfilePlan($0).seeds(for: .mnist).count },
            absentData: SectionContext.absentActivityData,
            train: { cell, progress, context in
                if cell.dataset == ActivityHeldOut.dataset {
                    return try AnomalyCells.runActivity(cell, data: try context.activityData(), progress: progress)
                }
                return try AnomalyCells.run(cell, data: try context.data(try ImageDatasetName(parsing: cell.dataset)),
                                            progress: progress)
            },
            afterTraining: { context, summary in
                // Figure 4 shows real images and needs the data set, so it is drawn when this
                // process trained cells (or the figure is missing and the data is here), never
                // by a redraw from run files; the first shard draws it.
                let figure = context.reportFolder.appendingPathComponent(ExampleGrid.fileName)
                let missing = !FileManager.default.fileExists(atPath: figure.path)
                guard context.shard.index == 1, selection.contains(.generation),
                      !summary.ran.isEmpty || (missing && context.data.isAvailable(.fashionMNIST)) else { return }
                _ = try ExampleGrid.write(try context.data(.fashionMNIST).test, to: context.reportFolder)
            },
            report: { input in try AnomalyReport(input: input).write() })
    }
}
