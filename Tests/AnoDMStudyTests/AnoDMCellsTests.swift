import Experiments
import XCTest
@testable import AnoDMStudy

/// The grid of cells per profile and the parameters every cell carries.
final class AnoDMCellsTests: XCTestCase {
    func testTheQuickGridRunsEveryClassAtTheFixedBetaAndTheWholeGridForTheHeatmapClasses() throws {
        let cells = AnoDMCells(plan: AnoDMProfilePlan(.quick)).cells()
        let grid = AnoDMProfilePlan.betaGrid.count
        XCTAssertEqual(cells.count, 3 * (2 * (9 + grid) + 10 + 5),
                       "3 seeds of: MNIST and Fashion-MNIST: 9 classes at the fixed β and one class on the grid; CIFAR-10's 10 and Small-NORB's 5 classes at the fixed β")
        XCTAssertEqual(Set(cells.map(\.seed)), [1, 2, 3])
        XCTAssertEqual(Set(cells.map(\.id)).count, cells.count)
        XCTAssertTrue(AnoDMProfilePlan.betaGrid.contains(AnoDMProfilePlan.fixedBeta))
        for cell in cells {
            let parameters = try AnoDMCellParameters(decoding: cell)
            let dataset = try AnoDMDataset(parsing: cell.dataset)
            let heatmap = dataset.heatmapClass == parameters.anomalousClass
            XCTAssertEqual(parameters.zBasedMap == true, heatmap || dataset.heatmapClass == nil, "\(cell.label)")
            if !heatmap { XCTAssertEqual(parameters.beta, AnoDMProfilePlan.fixedBeta) }
            XCTAssertEqual(parameters.capacity, 0)
            XCTAssertEqual(parameters.mapTrainingPoints, 3_000)
            XCTAssertEqual(parameters.trainImages, dataset.trainingImageCount)
        }
        let paper = AnoDMCells(plan: AnoDMProfilePlan(.paper)).cells()
        XCTAssertEqual(paper.count, (10 + 10 + 10 + 5) * grid * 3, "the whole grid for every class, three seeds")
        XCTAssertTrue(try paper.allSatisfy { try AnoDMCellParameters(decoding: $0).zBasedMap == true }, "Table 2 has every class")
    }

    func testSmallNORBClassOutsideItsFiveCategoriesIsRefused() throws {
        var cell = try XCTUnwrap(AnoDMCells(plan: AnoDMProfilePlan(.smoke)).cells().first { $0.dataset == "smallnorb" })
        cell.hyperparameters["anomalous_class"] = .number(7)
        XCTAssertThrowsError(try AnoDMCellParameters(decoding: cell)) { error in
            XCTAssertTrue("\(error)".contains("outside 0..<5 of smallnorb"), "\(error)")
        }
    }

    func testBadParametersNameTheCell() throws {
        var cell = AnoDMCells(plan: AnoDMProfilePlan(.smoke)).cells()[0]
        cell.hyperparameters["beta"] = .number(0)
        XCTAssertThrowsError(try AnoDMCellParameters(decoding: cell)) { error in
            XCTAssertTrue("\(error)".contains("β 0.0 must be positive"), "\(error)")
        }
    }

    func testStandardisationIsLabelFree() {
        let values = AnoDMEvaluation.standardised([1, 2, 3, 4])
        XCTAssertEqual(values.reduce(0, +), 0, accuracy: 1e-12)
        XCTAssertEqual(values.map { $0 * $0 }.reduce(0, +) / 4, 1, accuracy: 1e-12)
        XCTAssertEqual(AnoDMEvaluation.standardised([2, 2]), [0, 0], "a constant score stays constant")
    }
}
