import ArgumentParser
import Datasets
import Experiments
import StudyKit

/// The command line of `anodm-ecg`.
public struct HeartbeatSectionOptions: ParsableArguments {
    @OptionGroup public var common: SectionRunOptions

    public init() {}

    /// Runs the missing cells, then writes the report and the results index.
    public func run(commandName: String) throws {
        let driver = SectionDriver(section: HeartbeatCells.sectionName, paper: "anodm", options: common,
                                   commandName: commandName)
        // The heartbeat set is rebuilt from the raw records once, when the first cell needs it.
        var heartbeats: Heartbeats?
        try driver.run(
            cells: { HeartbeatCells(plan: HeartbeatProfilePlan($0)).cells() },
            selectionIsComplete: true,
            seedsPerCell: { HeartbeatProfilePlan($0).seeds.count },
            train: { cell, progress, context in
                if heartbeats == nil { heartbeats = try Heartbeats.extract(store: context.store) }
                return try HeartbeatCells.run(cell, heartbeats: heartbeats!, progress: progress)
            },
            report: { input in try HeartbeatReport(input: input).write() })
    }
}
