import Experiments
import Reports

/// Which profile each number of a published report comes from.
///
/// A published report is the quick profile's, but where the paper profile has run every seed
/// of a cell group (one model, data set and setting: the runs behind one number), that group's
/// numbers come from the paper profile instead: the papers' own protocol, never mixed with the
/// quick one within a number. A group with only some of its paper-profile runs stays on the
/// quick profile, and the report says how far the paper profile has got.
public struct ProfileChoice: Sendable {
    /// How many of a group's planned paper-profile runs have run files.
    public struct Progress: Sendable, Equatable {
        public var done: Int
        public var planned: Int
    }

    /// The profile of the report (the profile of every group not in `paperGroups`).
    public let reportProfile: Profile
    /// The groups whose numbers come from the paper profile.
    public let paperGroups: Set<CellGroup>
    /// Groups with some, but not all, of their paper-profile runs.
    public let unfinishedPaperGroups: [CellGroup: Progress]

    /// Every number from `profile`.
    public init(single profile: Profile) {
        reportProfile = profile
        paperGroups = []
        unfinishedPaperGroups = [:]
    }

    init(reportProfile: Profile, paperGroups: Set<CellGroup>, unfinishedPaperGroups: [CellGroup: Progress]) {
        self.reportProfile = reportProfile
        self.paperGroups = paperGroups
        self.unfinishedPaperGroups = unfinishedPaperGroups
    }

    /// The records of a report that prefers finished paper-profile groups: `records` (the
    /// report's own profile) where a group's paper-profile runs are not all done, the
    /// paper-profile records (`paperRecords`, runs of `paperCells`) where they are.
    public static func preferringFinishedPaperGroups(
        records: [RunRecord], profile: Profile, paperCells: [CellConfiguration], paperRecords: [RunRecord]
    ) -> (choice: ProfileChoice, records: [RunRecord]) {
        guard profile != .paper else { return (ProfileChoice(single: profile), records) }
        // A cell listed twice is planned once, as the store returns its record once.
        var seen = Set<String>()
        let planned = Dictionary(grouping: paperCells.filter { seen.insert($0.id).inserted }, by: CellGroup.init)
        let done = Dictionary(grouping: paperRecords, by: { CellGroup($0.configuration) })
        var finished = Set<CellGroup>(), unfinished: [CellGroup: Progress] = [:]
        for (group, cells) in planned {
            let count = done[group]?.count ?? 0
            if count == cells.count {
                finished.insert(group)
            } else if count > 0 {
                unfinished[group] = Progress(done: count, planned: cells.count)
            }
        }
        let chosen = records.filter { !finished.contains(CellGroup($0.configuration)) }
            + paperRecords.filter { finished.contains(CellGroup($0.configuration)) }
        return (ProfileChoice(reportProfile: profile, paperGroups: finished, unfinishedPaperGroups: unfinished), chosen)
    }

    /// The profile the numbers of `group` come from.
    public func profile(of group: CellGroup) -> Profile {
        paperGroups.contains(group) ? .paper : reportProfile
    }

    /// Whether any number comes from another profile than the report's.
    public var isMixed: Bool { !paperGroups.isEmpty }

    /// For the provenance: "8 of 16 cells from the paper profile" (nil when none is).
    public func note(groups: Int) -> String? {
        guard isMixed else { return nil }
        return "\(paperGroups.count) of \(groups) cell\(groups == 1 ? "" : "s") from the \(Profile.paper.rawValue) profile, marked in the tables"
    }
}
