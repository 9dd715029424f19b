import ArgumentParser
import Experiments
import Foundation
import Reports
import StudyKit
import SmokeTestSupport
import XCTest
@testable import SemiSupervisedStudy

/// Both classification sections end to end with the smoke profile: real data (from the
/// mirror), real training, run files, reports, CSVs and figures; then a rerun that resumes.
final class SmokePipelineTests: XCTestCase {
    func testBothSectionsRunEndToEndAboveChanceAndResume() throws {
        let smoke = try SmokeScratch("smoke", dataset: "mnist", describedAs: "MNIST and Fashion-MNIST")
        defer { smoke.remove() }
        let results = smoke.results
        // A published report that a smoke run must leave byte for byte as it is.
        let published = results.appendingPathComponent("semisupervised-tables")
        try FileManager.default.createDirectory(at: published, withIntermediateDirectories: true)
        try Data("the published report\n".utf8).write(to: published.appendingPathComponent("README.md"))
        for section in ClassificationSection.all {
            let options = try ClassificationSectionOptions.parse(
                smoke.smokeArguments)
            try options.run(section, commandName: section.name)
            let folder = results.appendingPathComponent("scratch/smoke").appendingPathComponent(section.name)
            let report = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
            XCTAssertTrue(report.contains("Profile **smoke**"), report)
            XCTAssertTrue(report.contains("make figures SECTION=\(section.name) PROFILE=smoke"))
            for table in section.tables {
                let csv = try String(contentsOf: folder.appendingPathComponent("table-\(table.number).csv"), encoding: .utf8)
                let lines = csv.split(separator: "\n")
                XCTAssertEqual(lines.first, "table,dataset,model,setting,metric,paper_mean,paper_std,ours_mean,ours_std,n,profile")
                XCTAssertEqual(lines.count - 1, table.settings.count * table.models.count * 2, "one row per model, setting and metric")
                XCTAssertTrue(lines.dropFirst().allSatisfy { $0.hasSuffix(",1,smoke") }, "each number rests on the one smoke seed")
                let png = try Data(contentsOf: folder.appendingPathComponent("table-\(table.number)-accuracy.png"))
                XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
            }
            let runs = try RunStore(root: results.appendingPathComponent("scratch/runs")).allRecords(section: section.name)
            // The UCI-HAR cells (Table 10) need the inertial signals, which the mirror lacks: not run.
            let expected = ClassificationCells(section: section, plan: ClassificationProfilePlan(.smoke)).cells()
                .filter { $0.dataset != ActivityTable.dataset }
            XCTAssertEqual(Set(runs.map(\.id)), Set(expected.map(\.id)))
            for run in runs {
                // One epoch on 2,000 images: every model must already beat chance (0.1) clearly
                // (measured: 0.685 to 0.985).
                let accuracy = try XCTUnwrap(run.metrics["accuracy"])
                XCTAssertGreaterThan(accuracy, Self.smokeAccuracyFloor, "\(run.configuration.label) on \(run.configuration.dataset)")
                XCTAssertLessThan(try XCTUnwrap(run.metrics["log_loss"]), log(10.0) * 3, "\(run.configuration.label)")
                XCTAssertEqual(run.history["accuracy"]?.count, 1)
                XCTAssertNotNil(run.seeds["initialisation"])
            }
        }
        XCTAssertEqual(try String(contentsOf: published.appendingPathComponent("README.md"), encoding: .utf8),
                       "the published report\n", "a smoke run never touches the published report")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: published.path), ["README.md"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: results.appendingPathComponent("README.md").path),
                       "a smoke run does not rewrite the results index")
        // A second run finds every cell done and trains nothing.
        let before = try FileManager.default.contentsOfDirectory(atPath: results.appendingPathComponent("scratch/runs/decoder-regularizer").path)
        let again = try ClassificationSectionOptions.parse(smoke.smokeArguments)
        let started = Date()
        try again.run(.decoderRegularizer, commandName: "decoder-regularizer")
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "nothing was retrained")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: results.appendingPathComponent("scratch/runs/decoder-regularizer").path).sorted(),
                       before.sorted())
    }

    /// The lowest smoke accuracy we accept (chance is 0.1).
    static let smokeAccuracyFloor = 0.5

    func testMakeFiguresRefusesAnUnknownSectionOrProfile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
        func run(_ arguments: [String]) throws -> (status: Int32, error: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["tools/run-sections.sh", "/nonexistent-bin"] + arguments
            process.currentDirectoryURL = root
            let pipe = Pipe()
            process.standardError = pipe
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
        let section = try run(["quick", "no-such-section"])
        XCTAssertEqual(section.status, 2)
        XCTAssertTrue(section.error.contains("unknown section 'no-such-section' (registered: semisupervised-tables decoder-regularizer"), section.error)
        let profile = try run(["fast", ""])
        XCTAssertEqual(profile.status, 2)
        XCTAssertTrue(profile.error.contains("unknown profile 'fast' (smoke, quick, paper)"), profile.error)
    }

    func testBadArgumentsGiveClearErrors() throws {
        XCTAssertThrowsError(try ClassificationSectionOptions.parse(["--profile", "fast"]).run(.decoderRegularizer, commandName: "x")) { error in
            XCTAssertTrue(String(describing: error).contains("unknown profile 'fast'"), "\(error)")
        }
        XCTAssertThrowsError(try ClassificationSectionOptions.parse(["--models", "SS_Q", "--report-only"]).run(.decoderRegularizer, commandName: "x")) { error in
            XCTAssertTrue(String(describing: error).contains("unknown model 'SS_Q'"), "\(error)")
        }
        XCTAssertThrowsError(try ClassificationSectionOptions.parse(["--shard", "3/2", "--report-only"]).run(.decoderRegularizer, commandName: "x"))
        // An empty selection is an error, not an empty report.
        XCTAssertThrowsError(try ClassificationSectionOptions.parse(["--models", "", "--report-only"]).run(.decoderRegularizer, commandName: "x")) { error in
            XCTAssertTrue(String(describing: error).contains("the selection has no cell"), "\(error)")
        }
        XCTAssertThrowsError(try ClassificationSectionOptions.parse(["--models", "EU_D", "--report-only"]).run(.decoderRegularizer, commandName: "x")) { error in
            XCTAssertTrue(String(describing: error).contains("the selection has no cell"), "\(error)")
        }
    }
}
