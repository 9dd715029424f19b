import Experiments
import StudyKit
import XCTest
@testable import SemiSupervisedStudy

final class CellDefinitionTests: XCTestCase {
    func testSectionsExpandIntoTheTablesCells() {
        let quick = ClassificationCells(section: .semiSupervisedTables, plan: ClassificationProfilePlan(.quick)).cells()
        XCTAssertEqual(quick.count, 2 * 2 * 4 * 3 + 2 * 2 * 3, "2 tables × 2 budgets × 4 models × 3 seeds, and Table 10: 2 budgets × SS_RNN, ES_RNN × 3 seeds")
        XCTAssertEqual(Set(quick.map(\.id)).count, quick.count, "every cell has its own id")
        let paper = ClassificationCells(section: .decoderRegularizer, plan: ClassificationProfilePlan(.paper)).cells()
        XCTAssertEqual(paper.count, 2 * 1 * 4 * 10 + 1 * 2 * 10, "Tables 4 and 8, and Table 10 with all labels")
        let first = quick[0]
        XCTAssertEqual(first.model, "SS_D")
        XCTAssertEqual(first.setting, "100 labels")
        XCTAssertEqual(first.hyperparameters["label_budget"]?.intValue, 100)
        XCTAssertEqual(first.hyperparameters["epochs"]?.intValue, 3)
        XCTAssertEqual(first.hyperparameters["class_weight"]?.doubleValue, 784)
        let filtered = ClassificationCells(section: .semiSupervisedTables, plan: ClassificationProfilePlan(.quick))
            .cells(models: [ModelName(.supervisedEncoder, .dense)])
        XCTAssertTrue(filtered.allSatisfy { $0.model == "ES_D" && $0.hyperparameters["epochs"]?.intValue == 6 })
    }

    func testUnknownModelsAndDataSetsAreRefusedWithTheKnownNames() {
        XCTAssertThrowsError(try ModelName(parsing: "SS_X")) { error in
            XCTAssertEqual(String(describing: error),
                           "unknown model 'SS_X'; known models: SS_D, SS_CNN, SS_RNN, ES_D, ES_CNN, ES_RNN, EU_D, EU_CNN, EU_RNN")
        }
        XCTAssertThrowsError(try ImageDatasetName(parsing: "cifar")) { error in
            XCTAssertEqual(String(describing: error), "unknown data set 'cifar'; known: mnist, fashion-mnist")
        }
        XCTAssertEqual(try ModelName(parsing: "ES_CNN"), ModelName(.supervisedEncoder, .convolutional))
    }
}

/// The typed configurations give every committed run file its id back: no published run is
/// orphaned by the move from string-keyed dictionaries to typed structs.
final class CommittedRunIdentityTests: XCTestCase {
    func testEveryCommittedRunFileIsACellOfTheCurrentGrid() throws {
        let runs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../results/runs").standardized
        for section in ClassificationSection.all {
            let records = try RunStore(root: runs).allRecords(section: section.name)
            XCTAssertFalse(records.isEmpty, section.name)
            for profile in Set(records.map(\.configuration.profile)) {
                let ids = Set(ClassificationCells(section: section, plan: ClassificationProfilePlan(profile)).cells().map(\.id))
                for record in records where record.configuration.profile == profile {
                    XCTAssertTrue(ids.contains(record.id), "\(section.name): run file \(record.id) (\(record.configuration.label)) is no cell of the grid")
                    // And the typed struct reads every key back without loss.
                    let parameters = try ClassificationCellParameters(decoding: record.configuration)
                    XCTAssertEqual(parameters.dictionary, record.configuration.hyperparameters)
                }
            }
        }
    }
}
