import Experiments
import Foundation
import StudyKit
import TensorCore
import XCTest
@testable import SemiSupervisedStudy

/// What a section executable does when it is misused or meets a fault (issue: runs and
/// reports that survive misuse): every check happens before training, a diverged run is a row,
/// and nothing published is overwritten by a partial run.
final class SectionReliabilityTests: XCTestCase {
    private var scratch: URL!
    private var workingDirectory = FileManager.default.currentDirectoryPath

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("reliability-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() {
        _ = FileManager.default.changeCurrentDirectoryPath(workingDirectory)
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Run files for every quick cell of decoder-regularizer, with made-up metrics; `damage`
    /// edits them.
    private func writeRuns(into results: URL, profile: Profile = .quick, models: Set<ModelName>? = nil,
                           keep: (CellConfiguration) -> Bool = { _ in true },
                           damage: (inout RunRecord) -> Void = { _ in }) throws -> [CellConfiguration] {
        let cells = ClassificationCells(section: .decoderRegularizer, plan: ClassificationProfilePlan(profile)).cells(models: models)
            .filter(keep)
        let store = RunStore(root: results.appendingPathComponent("runs"))
        let provenance = Provenance(git: GitState(commit: "test", dirty: false),
                                    machine: MachineDescription(hostname: "h", cpuModel: "c", coreCount: 2, openBLASCore: "k"))
        for (index, cell) in cells.enumerated() {
            let accuracy = 0.9 + Double(index % 5) / 100
            var record = RunRecord(configuration: cell,
                                   result: CellResult(metrics: ["accuracy": accuracy, "log_loss": 0.3 + Double(index % 3) / 10],
                                                      history: ["accuracy": [accuracy]], epochs: 1),
                                   seconds: 1, provenance: provenance, date: "2026-11-30T00:00:00Z")
            damage(&record)
            try store.save(record)
        }
        return cells
    }

    func testADivergedRunIsARowNotACrash() throws {
        let results = scratch.appendingPathComponent("results")
        var first = true
        _ = try writeRuns(into: results, damage: { record in
            // The first SS_D run diverged: its metrics are stored as "NaN", as the run store writes them.
            if first && record.configuration.model == "SS_D" && record.configuration.dataset == "mnist" {
                record.metrics["accuracy"] = .nan
                record.metrics["log_loss"] = .infinity
                first = false
            }
        })
        try ClassificationSectionOptions.parse(["--report-only", "--results", results.path])
            .run(.decoderRegularizer, commandName: "decoder-regularizer")
        let report = try String(contentsOf: results.appendingPathComponent("decoder-regularizer/README.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("2 (+1 diverged)"), report)  // 3 quick seeds, one diverged
        let csv = try String(contentsOf: results.appendingPathComponent("decoder-regularizer/table-4.csv"), encoding: .utf8)
        XCTAssertFalse(csv.contains("nan") || csv.contains("NaN"), "the diverged value reaches no mean: \(csv)")
    }

    /// Once all 10 paper-profile seeds of SS_D on MNIST have run, the published report takes
    /// that cell from them and says so in its rows, its claims, its provenance and the index;
    /// Fashion-MNIST's SS_D, with 3 of 10 paper seeds, stays on the quick profile (10 cells: Table 10 counts too).
    func testAFinishedPaperProfileCellReplacesTheQuickOne() throws {
        let results = scratch.appendingPathComponent("results")
        _ = try writeRuns(into: results)
        _ = try writeRuns(into: results, profile: .paper, models: [ModelName(.semiSupervised, .dense)],
                          keep: { $0.dataset == "mnist" || $0.seed <= 3 }) { record in
            record.metrics["accuracy"] = 0.5
        }
        try ClassificationSectionOptions.parse(["--report-only", "--results", results.path])
            .run(.decoderRegularizer, commandName: "decoder-regularizer")
        let report = try String(contentsOf: results.appendingPathComponent("decoder-regularizer/README.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("| SS_D   | all labels | accuracy | 0.9855 ± 0.0003 | 0.5000 ± 0.0000 |  10 | paper   |"), report)
        XCTAssertTrue(report.contains("Paper-profile runs still under way (those rows stay on the quick profile): SS_D all labels (Fashion-MNIST) 3 of 10 seeds."), report)
        XCTAssertTrue(report.contains("every one of its paper-profile seeds has a run file; SS_D all labels (MNIST) has."), report)
        XCTAssertTrue(report.contains("SS paper, ES quick"), "the claim row says its two numbers' profiles")
        XCTAssertTrue(report.contains("1 of 10 cells from the paper profile, marked in the tables"), "the provenance counts it")
        let csv = try String(contentsOf: results.appendingPathComponent("decoder-regularizer/table-4.csv"), encoding: .utf8)
        XCTAssertTrue(csv.contains("4,mnist,SS_D,all labels,accuracy,0.9855,0.0003,0.5,0.0,10,paper"), csv)
        let index = try String(contentsOf: results.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(index.contains("1 of 10 cells from the paper profile"), index)
    }

    func testASectionRunsFromAnotherWorkingDirectory() throws {
        let results = scratch.appendingPathComponent("results")
        _ = try writeRuns(into: results)
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(scratch.path), "cannot enter \(scratch.path)")
        try ClassificationSectionOptions.parse(["--report-only", "--results", "results"])
            .run(.decoderRegularizer, commandName: "decoder-regularizer")
        let report = try String(contentsOf: results.appendingPathComponent("decoder-regularizer/README.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("Table 4"), "the paper's numbers were found from \(scratch.path)")
    }

    func testAnUnwritableResultsFolderFailsBeforeTraining() throws {
        // A results "folder" below a plain file cannot be created, even by root.
        let blocker = scratch.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        let started = Date()
        XCTAssertThrowsError(try ClassificationSectionOptions.parse(
            ["--profile", "smoke", "--results", blocker.appendingPathComponent("results").path,
             "--data-root", scratch.appendingPathComponent("no-data").path])
            .run(.decoderRegularizer, commandName: "decoder-regularizer")) { error in
            XCTAssertTrue("\(error)".contains("is not writable"), "\(error)")
            XCTAssertTrue("\(error)".contains("no cell was trained"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }

    func testMissingGnuplotFailsBeforeTraining() throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        setenv("PATH", scratch.path, 1)
        defer { setenv("PATH", path, 1) }
        XCTAssertThrowsError(try ClassificationSectionOptions.parse(
            ["--profile", "smoke", "--results", scratch.appendingPathComponent("results").path,
             "--data-root", scratch.appendingPathComponent("no-data").path])
            .run(.decoderRegularizer, commandName: "decoder-regularizer")) { error in
            XCTAssertTrue("\(error)".contains("gnuplot is not installed"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("results/scratch/runs/decoder-regularizer").path))
        XCTAssertFalse(SubnormalFlushing.isOnForThisThread, "a failed section run left the test process flushing subnormals")
    }

    func testPartialRunsNeverReplaceThePublishedReport() throws {
        let results = scratch.appendingPathComponent("results")
        _ = try writeRuns(into: results)
        try ClassificationSectionOptions.parse(["--report-only", "--results", results.path])
            .run(.decoderRegularizer, commandName: "decoder-regularizer")
        let published = results.appendingPathComponent("decoder-regularizer")
        let before = try String(contentsOf: published.appendingPathComponent("README.md"), encoding: .utf8)
        // A model selection: its report goes to scratch.
        try ClassificationSectionOptions.parse(["--report-only", "--results", results.path, "--models", "SS_D,ES_D"])
            .run(.decoderRegularizer, commandName: "decoder-regularizer")
        XCTAssertTrue(FileManager.default.fileExists(atPath: results.appendingPathComponent("scratch/quick/decoder-regularizer/README.md").path))
        // A redraw with fewer runs than the published report (two run files gone): scratch too.
        let runs = results.appendingPathComponent("runs/decoder-regularizer")
        for name in try FileManager.default.contentsOfDirectory(atPath: runs.path).sorted().prefix(2) {
            try FileManager.default.removeItem(at: runs.appendingPathComponent(name))
        }
        try ClassificationSectionOptions.parse(["--report-only", "--results", results.path])
            .run(.decoderRegularizer, commandName: "decoder-regularizer")
        XCTAssertEqual(try String(contentsOf: published.appendingPathComponent("README.md"), encoding: .utf8), before)
        // The paper profile with no run yet: scratch.
        try ClassificationSectionOptions.parse(["--report-only", "--results", results.path, "--profile", "paper"])
            .run(.decoderRegularizer, commandName: "decoder-regularizer")
        XCTAssertEqual(try String(contentsOf: published.appendingPathComponent("README.md"), encoding: .utf8), before)
        XCTAssertTrue(FileManager.default.fileExists(atPath: results.appendingPathComponent("scratch/paper/decoder-regularizer/README.md").path))
        // The runs flushed subnormals as the executable does, and handed the test's mode back.
        XCTAssertFalse(SubnormalFlushing.isOnForThisThread, "a section run left the test process flushing subnormals")
    }
}
