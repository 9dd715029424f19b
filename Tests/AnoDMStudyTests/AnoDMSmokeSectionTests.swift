import Experiments
import Foundation
import Reports
import StudyKit
import SmokeTestSupport
import XCTest
@testable import AnoDMStudy

/// The whole section with the smoke profile: real data from the mirror, real training, run
/// files with their maps and scores, the report, CSVs and figures; then a redraw without data.
final class AnoDMSmokeSectionTests: XCTestCase {
    func testSectionRunsEndToEndAboveChanceAndRedrawsWithoutData() throws {
        let smoke = try SmokeScratch("anodm-smoke", dataset: "mnist", describedAs: "MNIST and Fashion-MNIST")
        defer { smoke.remove() }
        let mirror = smoke.mirror, results = smoke.results, data = smoke.data
        let arguments = smoke.smokeArguments
        try AnoDMSectionOptions.parse(arguments).run(commandName: "anodm-heatmaps")

        let folder = results.appendingPathComponent("scratch/smoke/anodm-heatmaps")
        let report = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("Profile **smoke**"))
        XCTAssertTrue(report.contains("make figures SECTION=anodm-heatmaps PROFILE=smoke"))
        XCTAssertTrue(report.contains("labelled *oracle*"))
        for name in ["figure-2-mnist-class-7.png", "figure-2-fashion-mnist-class-3.png", "figure-8-mnist-class-7.png",
                     "figure-3-beta-0.01.png", "figure-3-beta-1.png", "figure-4-class-3.png"] {
            let png = try Data(contentsOf: folder.appendingPathComponent(name))
            XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], name)
        }
        let csv = try String(contentsOf: folder.appendingPathComponent("table-1-mnist.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").first, "table,dataset,model,setting,metric,paper_mean,paper_std,ours_mean,ours_std,n")

        let store = RunStore(root: results.appendingPathComponent("scratch/runs"))
        let runs = try store.allRecords(section: AnoDMCells.sectionName)
        let atHand = AnoDMCells(plan: AnoDMProfilePlan(.smoke)).cells().filter { ["mnist", "fashion-mnist"].contains($0.dataset) }
        XCTAssertEqual(Set(runs.map(\.id)), Set(atHand.map(\.id)), "CIFAR-10 and Small-NORB are not in the mirror")
        XCTAssertEqual(runs.count, 6, "classes 3 and 7 in both data sets, two β for the heatmap class")
        XCTAssertTrue(report.contains("**Not run here: CIFAR-10, Small-NORB.**"))
        let singleSpaced = report.replacingOccurrences(of: " +", with: " ", options: .regularExpression)
        XCTAssertTrue(singleSpaced.contains("| 3 (cat) | 0.604 | not run: data absent |"), "Table 1's CIFAR-10 rows say why they are empty")
        XCTAssertTrue(singleSpaced.contains("| Small-NORB 4 (car) | 0.564 (0.5, 1.0) | not run: data absent |"))
        for run in runs {
            for key in ["auroc_reconstruction", "auroc_tsne_k1", "auroc_tsne_k3", "auroc_tsne_k5", "auroc_latent_distance",
                        "auroc_standardised", "auroc_mu_alpha_0.5", "auroc_normalized_alpha_0.5"] {
                let value = try XCTUnwrap(run.metrics[key], "\(run.configuration.label) \(key)")
                XCTAssertTrue((0...1).contains(value), "\(key) = \(value)")
            }
            // α = 1 is the reconstruction error alone, α = 0 the map distance alone.
            XCTAssertEqual(run.metrics["auroc_mu_alpha_1.0"], run.metrics["auroc_reconstruction"])
            XCTAssertEqual(run.metrics["auroc_mu_alpha_0.0"], run.metrics["auroc_tsne_k1"])
            XCTAssertEqual(try store.array("map", of: run).shape, [300 + 600, 2])
            XCTAssertNotNil(run.seeds["scoring"])
        }
        // Fashion-MNIST "Sneaker" held out is the easy class for reconstruction (paper: β-VAE
        // 0.842); after one smoke epoch it is already far from chance (measured: 0.840). A
        // score without information would sit near 0.5.
        let sneaker = try XCTUnwrap(runs.first { $0.configuration.dataset == "fashion-mnist"
            && $0.configuration.hyperparameters["anomalous_class"]?.intValue == 7 })
        XCTAssertGreaterThan(try XCTUnwrap(sneaker.metrics["auroc_reconstruction"]), 0.7)
        XCTAssertNotNil(runs.first { $0.metrics["auroc_z_alpha_0.5"] != nil }, "the heatmap cells fit the z-based map too")

        // A redraw from the run files reads no data set.
        unsetenv("DATA_MIRROR")
        defer { setenv("DATA_MIRROR", mirror.path, 1) }
        try FileManager.default.removeItem(at: data)
        try AnoDMSectionOptions.parse(arguments + ["--report-only"]).run(commandName: "anodm-heatmaps")
        XCTAssertFalse(FileManager.default.fileExists(atPath: data.path), "the redraw fetched no data")
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("table-1-mnist.csv"), encoding: .utf8), csv)
    }
}
