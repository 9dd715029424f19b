import AnoDMStudy
import Experiments
import Foundation
import Reports
import StudyKit
import SmokeTestSupport
import XCTest
@testable import AnoDMHeartbeatStudy

/// The whole section with the smoke profile: the heartbeat set rebuilt from the mirror's raw
/// MIT-BIH records, real training of the three encoders, run files with their maps, scores and
/// example beats, the report, CSVs and figures; then a redraw without data.
final class HeartbeatSmokeSectionTests: XCTestCase {
    func testSectionRunsEndToEndAboveChanceOnClassQAndRedrawsWithoutData() throws {
        let smoke = try SmokeScratch("anodm-ecg-smoke", dataset: "mitbih", describedAs: "the MIT-BIH records")
        defer { smoke.remove() }
        let mirror = smoke.mirror, results = smoke.results, data = smoke.data
        let arguments = smoke.smokeArguments
        try HeartbeatSectionOptions.parse(arguments).run(commandName: "anodm-ecg")

        let folder = results.appendingPathComponent("scratch/smoke/anodm-ecg")
        let report = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("Profile **smoke**"))
        XCTAssertTrue(report.contains("make figures SECTION=anodm-ecg PROFILE=smoke"))
        XCTAssertTrue(report.contains("labelled *oracle*"))
        XCTAssertTrue(report.contains("Our finding, not the paper's"))
        for name in ["figure-5-oracle.png", "figure-5-no-test-selection.png", "figure-2e-class-F.png", "figure-8b-class-F.png",
                     "figure-6a-normal.png", "figure-6a-anomalous.png", "figure-6b-map.png", "figure-6c-roc.png"] {
            let png = try Data(contentsOf: folder.appendingPathComponent(name))
            XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], name)
        }
        let csv = try String(contentsOf: folder.appendingPathComponent("table-2-arrhythmia.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").first, "table,dataset,model,setting,metric,paper_mean,paper_std,ours_mean,ours_std,n")
        XCTAssertTrue(csv.contains("2,arrhythmia,AnoDM mu,\"class Q (oracle beta, alpha)\",auroc,0.991,"), "the paper's Q row beside ours")

        let store = RunStore(root: results.appendingPathComponent("scratch/runs"))
        let runs = try store.allRecords(section: HeartbeatCells.sectionName)
        XCTAssertEqual(Set(runs.map(\.id)), Set(HeartbeatCells(plan: HeartbeatProfilePlan(.smoke)).cells().map(\.id)))
        XCTAssertEqual(runs.count, 6, "three encoders on class Q, the TCN on class F at two β, the inter-patient cell")
        for run in runs {
            for key in ["auroc_reconstruction", "auroc_tsne_k1", "auroc_latent_distance", "auroc_standardised",
                        "auroc_mu_alpha_0.5", "auroc_normalized_alpha_0.5"] {
                let value = try XCTUnwrap(run.metrics[key], "\(run.configuration.label) \(key)")
                XCTAssertTrue((0...1).contains(value), "\(key) = \(value)")
            }
            XCTAssertEqual(run.metrics["auroc_mu_alpha_1.0"], run.metrics["auroc_reconstruction"])
            XCTAssertEqual(try store.array("map", of: run).shape, [300 + 600, 2])
            XCTAssertEqual(try store.array("examples", of: run).shape[2], 187)
            XCTAssertNotNil(run.seeds["split"])
        }
        // Class Q (mostly paced beats) is the easy class. Six Adam steps teach the decoder
        // nothing yet (its output is still flat, so the normalised error is smallest for the
        // high-energy paced beats: reconstruction alone ranks them low), but the TCN's codes
        // already set them apart: measured 0.629 for the latent 1-NN distance. A code without
        // information would sit near 0.5.
        let tcnQ = try XCTUnwrap(runs.first { $0.configuration.hyperparameters["anomalous_class"]?.intValue == 4
            && $0.configuration.hyperparameters["encoder"]?.stringValue == "tcn" })
        XCTAssertGreaterThan(try XCTUnwrap(tcnQ.metrics["auroc_latent_distance"]), 0.6)

        // A redraw from the run files reads no data set.
        unsetenv("DATA_MIRROR")
        defer { setenv("DATA_MIRROR", mirror.path, 1) }
        try FileManager.default.removeItem(at: data)
        try HeartbeatSectionOptions.parse(arguments + ["--report-only"]).run(commandName: "anodm-ecg")
        XCTAssertFalse(FileManager.default.fileExists(atPath: data.path), "the redraw fetched no data")
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("table-2-arrhythmia.csv"), encoding: .utf8), csv)
    }
}
