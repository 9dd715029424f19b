import ArgumentParser
import Datasets
import Experiments
import Foundation
import Reports
import StudyKit

/// The command line shared by the classification sections (`semisupervised-tables`,
/// `decoder-regularizer`).
public struct ClassificationSectionOptions: ParsableArguments {
    @OptionGroup public var common: SectionRunOptions

    @Option(help: "Comma-separated models to run (SS_D, ES_D, SS_CNN, ES_CNN, SS_RNN, ES_RNN); default all. A selection's report goes to results/scratch/.")
    public var models: String?

    public init() {}

    func parsedModels() throws -> Set<ModelName>? {
        try models.map { list in
            Set(try list.split(separator: ",").map { try ModelName(parsing: String($0).trimmingCharacters(in: .whitespaces)) })
        }
    }

    /// Runs the section's missing cells, then writes its report and the results index.
    public func run(_ section: ClassificationSection, commandName: String) throws {
        let modelFilter = try parsedModels()
        let driver = SectionDriver(section: section.name, paper: "semisupervised-vae", options: common,
                                   commandName: commandName)
        let complete = modelFilter.map { Set(ClassificationSection.models + ActivityTable.models).isSubset(of: $0) } ?? true
        try driver.run(
            cells: { profile in ClassificationCells(section: section, plan: ClassificationProfilePlan(profile)).cells(models: modelFilter) },
            selectionIsComplete: complete,
            prefersFinishedPaperGroups: true,
            seedsPerCell: { ClassificationProfilePlan($0).seeds.count },
            absentData: SectionContext.absentActivityData,
            train: { cell, progress, context in
                if cell.dataset == ActivityTable.dataset {
                    return try ClassificationCells.runActivity(cell, data: try context.activityData(), progress: progress)
                }
                return try ClassificationCells.run(cell, data: try context.data(try ImageDatasetName(parsing: cell.dataset)),
                                                   progress: progress)
            },
            report: { input in try ClassificationReport(section: section, input: input).write() })
    }
}
