import Experiments
import Foundation
import XCTest
@testable import StudyKit

/// results/README.md: one entry per section summary, with the training time of the section's
/// run files of the summary's profile and the total.
final class ResultsIndexTests: XCTestCase {
    func testTheIndexSumsTheRunTimesOfEachSectionsProfile() throws {
        let results = FileManager.default.temporaryDirectory.appendingPathComponent("index-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: results) }
        let store = RunStore(root: results.appendingPathComponent("runs"))
        let provenance = Provenance(git: GitState(commit: "test", dirty: false),
                                    machine: MachineDescription(hostname: "h", cpuModel: "c", coreCount: 2, openBLASCore: "k"))
        // Section a: two quick runs (90 s and 45 s) and a paper run (1000 s) the quick summary must not count.
        for (seed, profile, seconds) in [(UInt64(1), Profile.quick, 90.0), (2, .quick, 45), (1, .paper, 1000)] {
            let cell = CellConfiguration(section: "a", dataset: "mnist", model: "M", setting: "s", seed: seed, profile: profile)
            try store.save(RunRecord(configuration: cell, result: CellResult(metrics: ["x": 1], epochs: 1),
                                     seconds: seconds, provenance: provenance, date: "2026-11-30T00:00:00Z"))
        }
        for (section, title) in [("a", "Section A"), ("b", "Section B"), ("c", "Section C")] {
            let folder = results.appendingPathComponent(section)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try SectionSummary(section: section, title: title, profile: "quick", seeds: 2, runs: section == "a" ? 2 : 0,
                               headlines: ["headline \(section)"],
                               profileNote: section == "c" ? "1 of 4 cells from the paper profile, marked in the tables" : nil)
                .write(to: folder.appendingPathComponent("summary.json"))
        }
        try ResultsIndex.write(resultsFolder: results)
        let index = try String(contentsOf: results.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(index.contains("Training every run behind these reports took 2m 15s in all"), index)
        XCTAssertTrue(index.contains("Profile quick, 2 seeds per cell, 2 runs; training them took 2m 15s."), index)
        XCTAssertTrue(index.contains("Profile quick, 2 seeds per cell, 0 runs; training them took 0s."), index)
        XCTAssertTrue(index.contains("- headline b"))
        XCTAssertTrue(index.contains("Profile quick, 2 seeds per cell, 0 runs behind the numbers; 1 of 4 cells from the paper profile, marked in the tables. Training the quick-profile runs took 0s, the paper-profile runs in `runs/` 0s."), index)
    }
}
