import ArgumentParser
import Experiments
import Foundation
import StudyKit

/// The command line of `vabc-negative-generation`.
public struct VABCSectionOptions: ParsableArguments {
    @OptionGroup public var common: SectionRunOptions

    @Option(help: "Comma-separated experiments to run: moons (Figures 3-5), moons-without-annealing, mnist (Figures 2, 6-9 left), gamma-sweep (Figure 9 right); default all (Table I always). A selection's report goes to results/scratch/.")
    public var experiments: String?

    public init() {}

    func parsedExperiments() throws -> Set<VABCExperiment> {
        try VABCExperiment.parsingList(experiments)
    }

    public func run(commandName: String) throws {
        let selection = try parsedExperiments()
        let driver = SectionDriver(section: VABCCells.sectionName, paper: VABCCells.paperName, options: common,
                                   commandName: commandName)
        try driver.run(
            cells: { VABCCells(plan: VABCProfilePlan($0)).cells(experiments: selection) },
            selectionIsComplete: selection == Set(VABCExperiment.allCases),
            seedsPerCell: { VABCProfilePlan($0).mnistSeeds.count },
            train: { cell, progress, context in try VABCCells.run(cell, context: context, progress: progress) },
            report: { input in try VABCReport(input: input).write() })
    }
}
