import ArgumentParser
import Datasets
import Experiments
import Foundation
import StudyKit

/// The command line of `betavae-smallnorb`.
public struct DisentanglementSectionOptions: ParsableArguments {
    @OptionGroup public var common: SectionRunOptions

    @Option(help: "Comma-separated data sets to run: smallnorb (the paper's; needs `make data`), dsprites (rendered here); default both. A selection's report goes to results/scratch/.")
    public var datasets: String?

    @Option(help: "Comma-separated rows of Table 12 to run, by their labelled points (0, 100, 300, 1000, 3000; 1000 includes the supervised-only row); default all. A selection's report goes to results/scratch/.")
    public var labeled: String?

    public init() {}

    func parsedLabeled() throws -> Set<Int>? {
        try labeled.map { list in
            Set(try list.split(separator: ",", omittingEmptySubsequences: false).map { item in
                let text = item.trimmingCharacters(in: .whitespaces)
                guard let count = Int(text), LabelRow.table12.contains(where: { $0.labeled == count }) else {
                    throw StudyError.invalidArgument("--labeled: '\(text)' is not a row of Table 12; known: \(Set(LabelRow.table12.map(\.labeled)).sorted().map(String.init).joined(separator: ", "))")
                }
                return count
            })
        }
    }

    func parsedDatasets() throws -> [FactorDataName]? {
        try datasets.map { list in
            try list.split(separator: ",", omittingEmptySubsequences: false).map {
                try FactorDataName(parsing: $0.trimmingCharacters(in: .whitespaces))
            }
        }
    }

    /// Runs the missing cells whose data set is at hand, then writes the report.
    public func run(commandName: String) throws {
        let selection = try parsedDatasets()
        let rows = try parsedLabeled()
        let driver = SectionDriver(section: DisentanglementCells.sectionName, paper: "semisupervised-vae", options: common,
                                   commandName: commandName)
        let cache = FactorDataCache()
        try driver.run(
            cells: { profile in
                DisentanglementCells(plan: DisentanglementProfilePlan(profile)).cells(datasets: selection)
                    .filter { cell in rows.map { $0.contains((try? DisentanglementCellParameters(decoding: cell).labeledPoints) ?? -1) } ?? true }
            },
            selectionIsComplete: (selection.map { Set($0) == Set(FactorDataName.allCases) } ?? true) && rows == nil,
            seedsPerCell: { DisentanglementProfilePlan($0).seeds.count },
            absentData: { cell, context in
                guard let stored = FactorDataName(rawValue: cell.dataset)?.storedName else { return nil }
                return context.store.isAtHand(stored) ? nil : stored.rawValue
            },
            train: { cell, progress, context in
                switch try FactorDataName(parsing: cell.dataset) {
                case .dSprites:
                    return try DisentanglementCells.run(cell, dataset: DSprites(), progress: progress)
                case .smallNORB:
                    return try DisentanglementCells.run(cell, dataset: try cache.smallNORB(store: context.store), progress: progress)
                }
            },
            report: { input in try DisentanglementReport(input: input).write() })
    }
}
