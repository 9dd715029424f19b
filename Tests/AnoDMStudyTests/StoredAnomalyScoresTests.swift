import Experiments
import XCTest
@testable import AnoDMStudy

/// The scores array both AnoDM sections store and redraw their ROC figures from.
final class StoredAnomalyScoresTests: XCTestCase {
    private let scores = StoredAnomalyScores(reconstruction: [0.1, 0.9, 0.3, 0.7], tsneDistance: [0.2, 0.8, 0.6, 0.4],
                                             latentDistance: [0.5, 0.5, 0.1, 0.9], isAnomaly: [false, true, false, true])

    func testTheArrayHoldsTheRowsInTheirOrderAndReadsBackTheSame() throws {
        let array = scores.array
        XCTAssertEqual(array.shape, [4, 4])
        XCTAssertEqual(array.values, [0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.6, 0.4, 0.5, 0.5, 0.1, 0.9, 0, 1, 0, 1])
        XCTAssertEqual(try StoredAnomalyScores(array), scores)
    }

    func testScoresAreKeptAtTheStoredPrecision() {
        XCTAssertEqual(scores.reconstruction[0], Double(Float(0.1)), "as read back from the run file")
        XCTAssertNotEqual(scores.reconstruction[0], 0.1)
    }

    func testCurvesAreNamedWithTheirAreas() throws {
        let curves = try scores.rocCurves(alpha: 0.5)
        XCTAssertEqual(curves.map(\.name), [
            "AnoDM (oracle α 0.5), AUROC 1.000",  // 0.15, 0.85, 0.45, 0.55: every anomaly above every normal
            "t-SNE only, AUROC 0.750",  // anomalies 0.8, 0.4 against normals 0.2, 0.6: three of four pairs
            "reconstruction only, AUROC 1.000",
            "latent 1-NN, AUROC 0.875",  // 0.5 ties 0.5 (half), 0.9 beats both, 0.5 beats 0.1
        ])
        XCTAssertEqual(curves[0].points.first?.0, 0)
        XCTAssertEqual(curves[0].points.last?.1, 1)
    }

    func testAnArrayOfAnotherShapeIsRefusedByName() {
        XCTAssertThrowsError(try StoredAnomalyScores(RunArray(shape: [3, 2], values: [0, 0, 0, 0, 0, 0]))) { error in
            XCTAssertTrue("\(error)".contains("'scores' has shape [3, 2]"), "\(error)")
        }
    }
}
