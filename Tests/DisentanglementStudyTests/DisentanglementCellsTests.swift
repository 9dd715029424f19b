import Datasets
import Experiments
import Metrics
import Randomness
import StudyKit
import TensorCore
import VAEModels
import XCTest
@testable import DisentanglementStudy

/// The section's grid, its batches and its pool: what the end-to-end test cannot see.
final class DisentanglementCellsTests: XCTestCase {
    func testQuickGridIsTable12ForBothDataSets() throws {
        let cells = DisentanglementCells(plan: DisentanglementProfilePlan(.quick)).cells()
        XCTAssertEqual(cells.count, 2 * 6 * 3, "two data sets, Table 12's six rows, three seeds")
        XCTAssertEqual(Set(cells.map(\.setting)), ["0 labeled", "100 labeled", "300 labeled", "1000 labeled", "3000 labeled",
                                                   "1000 labeled, no unlabeled"])
        for cell in cells {
            let parameters = try DisentanglementCellParameters(decoding: cell)
            XCTAssertEqual(parameters.labeledPoints == 0, parameters.classWeight == nil, "α only where points are labelled")
            XCTAssertEqual(parameters.klWeight, 0.25)
            XCTAssertEqual(parameters.learningRate, 0.001)
            XCTAssertEqual(parameters.imageSize, cell.dataset == "smallnorb" ? 96 : 64)
            XCTAssertEqual(parameters.imageChannels, cell.dataset == "smallnorb" ? 2 : 1)
        }
        // α is the same for every row of a data set (the paper fixes it on the unsupervised row).
        let alphas = Set(cells.filter { $0.dataset == "dsprites" }.compactMap { try? DisentanglementCellParameters(decoding: $0).classWeight })
        XCTAssertEqual(alphas.count, 1)
    }

    func testAnInconsistentCellIsRefusedByName() throws {
        var cell = DisentanglementCells(plan: DisentanglementProfilePlan(.smoke)).cells()[1]
        cell.hyperparameters["class_weight"] = nil
        XCTAssertThrowsError(try DisentanglementCellParameters(decoding: cell)) { error in
            XCTAssertTrue("\(error)".contains("class_weight"), "\(error)")
        }
    }

    func testPoolIsDistinctValidAndSeeded() throws {
        var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7)
        let pool = try DisentanglementCells.distinctFactorVectors(DSprites(), count: 500, generator: &a)
        XCTAssertEqual(pool, try DisentanglementCells.distinctFactorVectors(DSprites(), count: 500, generator: &b))
        XCTAssertEqual(Set(pool).count, 500)
        XCTAssertTrue(pool.allSatisfy { DSprites().isValid($0) })
        var tiny = SeededGenerator(seed: 1)
        XCTAssertThrowsError(try DisentanglementCells.distinctFactorVectors(Grid(), count: 7, generator: &tiny))
        let all = try DisentanglementCells.distinctFactorVectors(Grid(), count: 6, generator: &tiny)
        XCTAssertEqual(Set(all), [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]], "every combination exactly once")
    }

    /// A labelled point carries a one-hot label per head at its factor's value and mask 1 for
    /// every head; an unlabelled one mask 0; half of each batch is labelled.
    func testBatchesLabelEachHeadWithItsFactor() {
        let pool = [[0, 2], [1, 0], [1, 1], [0, 0], [1, 2], [0, 1]]
        var batches = FactorBatches(
            plan: BatchPlan(variant: .semiSupervised, labeledIndices: [0, 1], trainCount: pool.count, batchSize: 4,
                            generator: SeededGenerator(seed: 3)),
            dataset: Grid(), pool: pool, headFactors: [0, 1], stepsPerEpoch: 1)
        let plannedCopy = BatchPlan(variant: .semiSupervised, labeledIndices: [0, 1], trainCount: pool.count, batchSize: 4,
                                    generator: SeededGenerator(seed: 3))
        var plan = plannedCopy
        let planned = plan.nextBatch()
        let batch = batches.next()
        XCTAssertEqual(batch.labelMasks.count, 2)
        XCTAssertEqual(batch.labels.shape, [4, 5])
        for (row, index) in planned.indices.enumerated() {
            XCTAssertEqual(batch.inputs.scalars[row * 2], Float(pool[index][0]), "observation of the planned point")
            let labelled: Float = planned.labeled[row] ? 1 : 0
            XCTAssertEqual(batch.labelMasks[0].scalars[row], labelled)
            XCTAssertEqual(batch.labelMasks[1].scalars[row], labelled)
            guard planned.labeled[row] else { continue }
            let labels = Array(batch.labels.scalars[(row * 5)..<((row + 1) * 5)])
            var expected = [Float](repeating: 0, count: 5)
            expected[pool[index][0]] = 1
            expected[2 + pool[index][1]] = 1
            XCTAssertEqual(labels, expected)
        }
        XCTAssertEqual(planned.labeled.filter { $0 }.count, 2)
    }

    /// Shared points give the same scores as scoring each protocol on its own.
    func testSharedPointsEqualSeparateScores() throws {
        let dataset = Grid()
        let presets = [BetaVAEProtocol(name: "small", batchSize: 4, trainingPoints: 20, evaluationPoints: 10),
                       BetaVAEProtocol(name: "large", batchSize: 4, trainingPoints: 40, evaluationPoints: 30)]
        let representation: (Tensor) -> Tensor = { observations in
            Tensor(shape: [observations.rows, 2], scalars: observations.scalars.enumerated().map { $0.element + Float($0.offset % 3) * 0.01 })
        }
        let shared = try betaVAEScores(dataset: dataset, following: presets, generator: SeededGenerator(seed: 11),
                                       representation: representation)
        for (preset, score) in zip(presets, shared) {
            let alone = try betaVAEScore(dataset: dataset, following: preset, generator: SeededGenerator(seed: 11),
                                         representation: representation)
            XCTAssertEqual(score.evaluationAccuracy, alone.evaluationAccuracy, preset.name)
            XCTAssertEqual(score.classifier.coefficients, alone.classifier.coefficients, preset.name)
        }
    }
}

/// Two factors (2 and 3 values) whose observation is the factor vector itself.
struct Grid: FactorDataset {
    var factorSizes: [Int] { [2, 3] }
    var factorNames: [String] { ["a", "b"] }
    var latentFactorIndices: [Int] { [0, 1] }
    var observationShape: [Int] { [2] }
    func writeObservation(for factors: [Int], into buffer: UnsafeMutableBufferPointer<Float>) {
        buffer[0] = Float(factors[0])
        buffer[1] = Float(factors[1])
    }
}
