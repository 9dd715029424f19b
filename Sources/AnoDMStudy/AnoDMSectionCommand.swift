import ArgumentParser
import Experiments
import StudyKit

/// The command line of `anodm-heatmaps`.
public struct AnoDMSectionOptions: ParsableArguments {
    @OptionGroup public var common: SectionRunOptions

    public init() {}

    /// Runs the missing cells, then writes the report and the results index.
    public func run(commandName: String) throws {
        let driver = SectionDriver(section: AnoDMCells.sectionName, paper: "anodm", options: common,
                                   commandName: commandName)
        try driver.run(
            cells: { AnoDMCells(plan: AnoDMProfilePlan($0)).cells() },
            selectionIsComplete: true,
            seedsPerCell: { AnoDMProfilePlan($0).seeds.count },
            train: { cell, progress, context in
                try AnoDMCells.run(cell, data: try context.data(try ImageDatasetName(parsing: cell.dataset)), progress: progress)
            },
            afterTraining: { _, _ in },
            report: { input in try AnoDMReport(input: input).write() })
    }
}
