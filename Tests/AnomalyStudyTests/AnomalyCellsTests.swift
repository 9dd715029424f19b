import Datasets
import Experiments
import Foundation
import Reports
import XCTest
@testable import AnomalyStudy
import StudyKit

/// The section's grid, the held-out-class split and the transcription of the paper's tables.
final class AnomalyCellsTests: XCTestCase {
    private var papers: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../papers").standardized
    }

    func testQuickGridHasEveryTableCellOnceWithDistinctIDs() {
        let cells = AnomalyCells(plan: AnomalyProfilePlan(.quick)).cells()
        // Tables 5 and 9: 10 classes × 2 models × 3 seeds each; Table 6: 2 classes × 6 fractions × 3 seeds;
        // feedback: 2 classes × 2 seeds; Figures 2, 3: one each; Table 11: EU_RNN, SS_RNN × 3 seeds.
        XCTAssertEqual(cells.count, 120 + 36 + 4 + 2 + 6)
        XCTAssertEqual(Set(cells.map(\.id)).count, cells.count)
        XCTAssertTrue(cells.allSatisfy { $0.section == "semiunsupervised-auc" && $0.hyperparameters["epochs"]?.intValue == 2 })
        let paper = AnomalyCells(plan: AnomalyProfilePlan(.paper)).cells(experiments: [.heldOutClass])
        XCTAssertEqual(paper.filter { $0.dataset == "mnist" }.count, 10 * 2 * 10)
        XCTAssertEqual(paper.filter { $0.dataset == "fashion-mnist" }.count, 10 * 2 * 5, "Table 9: five runs per cell")
    }

    func testEveryTranscribedPaperNumberHasItsCellInThePaperProfile() throws {
        let numbers = try PaperNumbers.load(paper: "semisupervised-vae", root: papers)
        let cells = AnomalyCells(plan: AnomalyProfilePlan(.paper)).cells(experiments: [.heldOutClass, .labelFraction])
        let groups = Set(cells.map { CellGroup($0) })
        for table in ["5", "6", "9"] {
            let reported = numbers.table(table)
            XCTAssertEqual(reported.count, table == "6" ? 12 : 20, "Table \(table)")
            for number in reported {
                XCTAssertTrue(groups.contains(CellGroup(dataset: number.dataset, model: number.model, setting: number.setting)),
                              "no cell for \(number)")
            }
        }
    }

    func testTranscriptionReproducesTheTextsFourPointOneAverageGain() throws {
        // Section 3.1.3: "an average improvement of 4.1% over the purely unsupervised model", digit 1 excepted.
        let numbers = try PaperNumbers.load(paper: "semisupervised-vae", root: papers)
        let gaps = (0..<10).filter { $0 != 1 }.map { c -> Double in
            let setting = AnomalyCells.setting(anomalous: c)
            let ss = numbers.number(table: "5", dataset: "mnist", model: "SS_D", setting: setting, metric: "auc")!.mean
            let eu = numbers.number(table: "5", dataset: "mnist", model: "EU_D", setting: setting, metric: "auc")!.mean
            return ss - eu
        }
        XCTAssertEqual(gaps.reduce(0, +) / 9, 0.041, accuracy: 0.0005)
        XCTAssertTrue(gaps.allSatisfy { $0 > 0 })
    }

    func testSettingsNameTheClassAndTheLabelShare() {
        XCTAssertEqual(AnomalyCells.setting(anomalous: 7), "class 7")
        XCTAssertEqual(AnomalyCells.setting(anomalous: 9, fraction: 0.01), "class 9, 1% labels")
        XCTAssertEqual(AnomalyCells.setting(anomalous: 7, fraction: 0.995), "class 7, 99.5% labels")
    }

    func testHoldingOutAClassRenumbersTheNormalClassesAndMarksTheAnomalies() {
        // Six 2×1 images, labels 0 1 2 0 2 1 (train) and 2 1 0 (test); class 1 held out.
        let train = LabeledImages(pixels: [0, 0, 255, 255, 10, 10, 20, 20, 30, 30, 40, 40], labels: [0, 1, 2, 0, 2, 1], shape: [2, 1])
        let test = LabeledImages(pixels: [51, 51, 102, 102, 255, 0], labels: [2, 1, 0], shape: [2, 1])
        let data = ImageClassificationData(name: .mnist, train: train, test: test)
        let split = HeldOutClassData(holdingOut: 1, from: data, classCount: 3)
        XCTAssertEqual(split.normalClasses, [0, 2])
        XCTAssertEqual(split.train.labels, [0, 1, 0, 1], "class 2 becomes label 1")
        XCTAssertEqual(split.train.pixels, [0, 0, 10, 10, 20, 20, 30, 30])
        XCTAssertEqual(split.normalTest.labels, [1, 0])
        XCTAssertEqual(split.testIsAnomalous, [false, true, false])
        XCTAssertEqual(split.testPixels.count, 6)
        for (value, expected) in zip(split.testPixels, [Float(0.2), 0.2, 0.4, 0.4, 1, 0]) { XCTAssertEqual(value, expected, accuracy: 1e-6) }
    }

    func testCellsWithBrokenHyperparametersAreRefusedByName() {
        var cell = AnomalyCells(plan: AnomalyProfilePlan(.smoke)).cells(experiments: [.labelFraction])[0]
        cell.hyperparameters["label_fraction"] = .number(1.5)
        XCTAssertThrowsError(try AnomalyCellParameters(decoding: cell)) { XCTAssertTrue("\($0)".contains("label_fraction"), "\($0)") }
        cell.hyperparameters["experiment"] = .string("held-out")
        XCTAssertThrowsError(try AnomalyCellParameters(decoding: cell)) { XCTAssertTrue("\($0)".contains("'experiment'") && "\($0)".contains("held-out"), "\($0)") }
    }
}

/// The typed configurations give every committed run file of the section its id back.
final class CommittedAnomalyRunIdentityTests: XCTestCase {
    func testEveryCommittedRunFileIsACellOfTheCurrentGrid() throws {
        let runs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../results/runs").standardized
        let records = try RunStore(root: runs).allRecords(section: AnomalyCells.sectionName)
        XCTAssertFalse(records.isEmpty)
        for profile in Set(records.map(\.configuration.profile)) {
            let ids = Set(AnomalyCells(plan: AnomalyProfilePlan(profile)).cells().map(\.id))
            for record in records where record.configuration.profile == profile {
                XCTAssertTrue(ids.contains(record.id), "run file \(record.id) (\(record.configuration.label)) is no cell of the grid")
                XCTAssertEqual(try AnomalyCellParameters(decoding: record.configuration).dictionary, record.configuration.hyperparameters)
            }
        }
    }
}
