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
        let images = AnoDMImageCache()
        try driver.run(
            cells: { AnoDMCells(plan: AnoDMProfilePlan($0)).cells() },
            selectionIsComplete: true,
            seedsPerCell: { AnoDMProfilePlan($0).seeds.count },
            absentData: { cell, context in
                let stored = try? AnoDMDataset(parsing: cell.dataset).storedName
                return stored.flatMap { context.store.isAtHand($0) ? nil : $0.rawValue }
            },
            train: { cell, progress, context in
                try AnoDMCells.run(cell, images: try images.of(try AnoDMDataset(parsing: cell.dataset), store: context.store),
                                   progress: progress)
            },
            afterTraining: { _, _ in },
            report: { input in try AnoDMReport(input: input).write() })
    }
}
