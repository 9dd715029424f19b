import Experiments
import Foundation
import Reports
import SmokeTestSupport
import XCTest
@testable import VABCStudy

/// The whole section with the smoke profile: the moons, the MNIST figure fold with its judge,
/// run files, report, CSVs and figures; above-chance assertions on what the smoke runs can show.
final class VABCSmokeSectionTests: XCTestCase {
    func testSectionRunsEndToEndAboveChance() throws {
        let smoke = try SmokeScratch("vabc-smoke", dataset: "mnist", describedAs: "MNIST")
        defer { smoke.remove() }
        let results = smoke.results
        try VABCSectionOptions.parse(smoke.smokeArguments)
            .run(commandName: "vabc-negative-generation")

        let folder = results.appendingPathComponent("scratch/smoke/vabc-negative-generation")
        let report = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("Profile **smoke**"))
        XCTAssertTrue(report.contains("**Ours, not in the paper.**"), "the quality numbers are marked as ours")
        let tableOneRow = try XCTUnwrap(report.split(separator: "\n").first { $0.contains("| digit 1, p 0.1 |") })
        for cell in ["53258 / 53258", "6742 / 6742", "59328 / 59326", "672 / 674"] {
            XCTAssertTrue(tableOneRow.contains(cell), "Table I, digit 1, p 0.1: the paper's count beside ours, \(cell)")
        }
        let csv = try String(contentsOf: folder.appendingPathComponent("nge.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").first, "table,dataset,model,setting,metric,paper_mean,paper_std,ours_mean,ours_std,n")
        for name in ["figure-2-nge.png", "figure-3-moons1-vae.png", "figure-3-moons1-v-abc.png", "figure-4-moons2-v-abc.png",
                     "figure-5-gradient-y0.png", "figure-5-gradient-y1.png", "figure-8-ellipses.png",
                     "figure-9-nge-vs-p.png", "figure-9-nge-vs-gamma.png", "schedules.png"] {
            let png = try Data(contentsOf: folder.appendingPathComponent(name))
            XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], name)
        }
        // Figure 6 through libpng: two 15 × 15 grids of 28-pixel tiles side by side.
        let manifold = try PNGImage.read(from: folder.appendingPathComponent("figure-6-manifold.png"))
        let panel = 15 * 28 + 14
        XCTAssertEqual(manifold.width, 2 * panel + 12)
        XCTAssertEqual(manifold.height, panel)

        let store = RunStore(root: results.appendingPathComponent("scratch/runs"))
        let runs = try store.allRecords(section: VABCCells.sectionName)
        XCTAssertEqual(Set(runs.map(\.id)), Set(VABCCells(plan: VABCProfilePlan(.smoke)).cells().map(\.id)))
        // The moons: V-ABC's generated points lie farther from the negative moon than the VAE's
        // (smoke seed 1, measured: Moons1 0.599 vs 0.544, Moons2 0.623 vs 0.499).
        for dataset in ["Moons1", "Moons2"] {
            func distance(_ model: String) throws -> Double {
                let run = try XCTUnwrap(runs.first { $0.configuration.dataset == dataset && $0.configuration.model == model
                    && $0.configuration.hyperparameters["experiment"]?.stringValue == "moons" })
                return try XCTUnwrap(run.metrics["mean_distance_to_negative_moon"])
            }
            XCTAssertGreaterThan(try distance("V-ABC"), try distance("VAE"), dataset)
        }
        // MNIST: the judge is far above chance (0.1) even after the smoke's one epoch on 3,000
        // images (measured 0.84), and every sample is judged.
        for run in runs where run.configuration.dataset == "MNIST" {
            XCTAssertGreaterThan(try XCTUnwrap(run.metrics["judge_test_accuracy"]), 0.6)
            let shares = (0..<10).compactMap { run.metrics["class_share_\($0)"] }
            XCTAssertEqual(shares.count, 10)
            XCTAssertEqual(shares.reduce(0, +), 1, accuracy: 1e-9)
            XCTAssertEqual(run.metrics["nge"], run.metrics["class_share_8"])
        }
    }
}
