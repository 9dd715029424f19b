import Experiments
import Foundation
import Reports
import XCTest
@testable import StudyKit

/// A published report takes a cell group's numbers from the paper profile only once every
/// paper-profile seed of the group has run, and never mixes the two profiles in one number.
final class ProfileChoiceTests: XCTestCase {
    let provenance = Provenance(git: GitState(commit: "test", dirty: false),
                                machine: MachineDescription(hostname: "h", cpuModel: "c", coreCount: 2, openBLASCore: "k"))

    func cell(_ model: String, seed: UInt64, _ profile: Profile) -> CellConfiguration {
        CellConfiguration(section: "s", dataset: "mnist", model: model, setting: "100 labels", seed: seed, profile: profile,
                          hyperparameters: ["epochs": .number(profile == .paper ? 10 : 3)])
    }

    func record(_ cell: CellConfiguration, accuracy: Double) -> RunRecord {
        RunRecord(configuration: cell, result: CellResult(metrics: ["accuracy": accuracy], epochs: 1),
                  seconds: 1, provenance: provenance, date: "2026-12-01T00:00:00Z")
    }

    func testACellListedTwiceDoesNotKeepItsPaperGroupUnfinished() {
        // A cell listed twice (for two figures) has one run, which counts once.
        let paperCells = (1...3).map { cell("A", seed: UInt64($0), .paper) }
        let paperRecords = paperCells.map { record($0, accuracy: 0.9) }
        let (choice, records) = ProfileChoice.preferringFinishedPaperGroups(
            records: [record(cell("A", seed: 1, .quick), accuracy: 0.5)], profile: .quick,
            paperCells: paperCells + paperCells.prefix(2), paperRecords: paperRecords)
        XCTAssertEqual(choice.paperGroups, [CellGroup(dataset: "mnist", model: "A", setting: "100 labels")])
        XCTAssertEqual(records.map(\.configuration.profile), [.paper, .paper, .paper])
    }

    func testFinishedPaperGroupsReplaceTheQuickOnesAndUnfinishedOnesDoNot() {
        // Quick: 2 seeds of A and B. Paper: 3 seeds planned of each; A has all 3, B has 1.
        let quick = ["A", "B"].flatMap { model in (1...2).map { record(cell(model, seed: $0, .quick), accuracy: 0.5) } }
        let paperCells = ["A", "B"].flatMap { model in (1...3).map { cell(model, seed: UInt64($0), .paper) } }
        let paperRecords = paperCells.filter { $0.model == "A" || $0.seed == 1 }.map { record($0, accuracy: 0.9) }
        let (choice, records) = ProfileChoice.preferringFinishedPaperGroups(
            records: quick, profile: .quick, paperCells: paperCells, paperRecords: paperRecords)
        let a = CellGroup(dataset: "mnist", model: "A", setting: "100 labels")
        let b = CellGroup(dataset: "mnist", model: "B", setting: "100 labels")
        XCTAssertEqual(choice.paperGroups, [a])
        XCTAssertEqual(choice.profile(of: a), .paper)
        XCTAssertEqual(choice.profile(of: b), .quick)
        XCTAssertEqual(choice.unfinishedPaperGroups, [b: ProfileChoice.Progress(done: 1, planned: 3)])
        XCTAssertEqual(records.filter { $0.configuration.model == "A" }.map(\.configuration.profile), [.paper, .paper, .paper])
        XCTAssertEqual(records.filter { $0.configuration.model == "B" }.map(\.configuration.profile), [.quick, .quick])
        XCTAssertEqual(choice.note(groups: 2), "1 of 2 cells from the paper profile, marked in the tables")
        // The collected rows name the profile behind each number.
        let rows = Collector.comparisonRows(table: "3", metric: "accuracy", records: records, paper: PaperNumbers([])) {
            $0.metrics["accuracy"]
        }
        XCTAssertEqual(rows.map(\.profile), ["paper", "quick"])
        XCTAssertEqual(rows.map(\.n), [3, 2])
        XCTAssertEqual(ComparisonRow.csvTable(rows).header.last, "profile")
    }

    func testWithoutPaperRunsTheReportIsItsOwnProfile() {
        let quick = [record(cell("A", seed: 1, .quick), accuracy: 0.5)]
        let (choice, records) = ProfileChoice.preferringFinishedPaperGroups(
            records: quick, profile: .quick, paperCells: [cell("A", seed: 1, .paper)], paperRecords: [])
        XCTAssertFalse(choice.isMixed)
        XCTAssertNil(choice.note(groups: 1))
        XCTAssertEqual(records.map(\.id), quick.map(\.id))
    }
}
