import Randomness
import XCTest
import VAEModels
@testable import StudyKit

final class BatchPlanTests: XCTestCase {
    func testSemiSupervisedBatchesAreHalfLabeledAndUpSampleTheLabels() {
        let labeled = [3, 14, 15, 92, 65]
        var plan = BatchPlan(variant: .semiSupervised, labeledIndices: labeled, trainCount: 1000, batchSize: 10,
                             generator: SeededGenerator(seed: 1))
        XCTAssertEqual(plan.stepsPerEpoch, 100)
        var seenLabeled: [Int: Int] = [:]
        for _ in 0..<20 {
            let batch = plan.nextBatch()
            XCTAssertEqual(batch.indices.count, 10)
            XCTAssertEqual(batch.labeled, Array(repeating: true, count: 5) + Array(repeating: false, count: 5))
            for index in batch.indices.prefix(5) { seenLabeled[index, default: 0] += 1 }
            XCTAssertTrue(batch.indices.prefix(5).allSatisfy(labeled.contains))
        }
        // 100 labeled draws over 5 points, one pass per 5 draws: each exactly 20 times.
        XCTAssertEqual(seenLabeled, Dictionary(uniqueKeysWithValues: labeled.map { ($0, 20) }))
    }

    func testUnlabeledHalfCoversTheTrainingSetOncePerPass() {
        var plan = BatchPlan(variant: .semiSupervised, labeledIndices: [0, 1], trainCount: 40, batchSize: 8,
                             generator: SeededGenerator(seed: 2))
        var unlabeled: [Int] = []
        for _ in 0..<10 { unlabeled += plan.nextBatch().indices.suffix(4) }
        XCTAssertEqual(unlabeled.sorted(), Array(0..<40))
    }

    func testSupervisedAndUnsupervisedVariantsAndEveryLabel() {
        var es = BatchPlan(variant: .supervisedEncoder, labeledIndices: [7, 8, 9], trainCount: 100, batchSize: 6,
                           generator: SeededGenerator(seed: 3))
        let esBatch = es.nextBatch()
        XCTAssertTrue(esBatch.labeled.allSatisfy { $0 })
        XCTAssertEqual(esBatch.indices.sorted(), [7, 7, 8, 8, 9, 9])
        var eu = BatchPlan(variant: .unsupervisedVAE, labeledIndices: [], trainCount: 100, batchSize: 6,
                           generator: SeededGenerator(seed: 3))
        XCTAssertTrue(eu.nextBatch().labeled.allSatisfy { !$0 })
        var all = BatchPlan(variant: .semiSupervised, labeledIndices: Array(0..<100), trainCount: 100, batchSize: 10,
                            generator: SeededGenerator(seed: 3))
        XCTAssertTrue(all.nextBatch().labeled.allSatisfy { $0 }, "with every label, SS batches are fully labeled")
    }

    func testSameSeedSameBatches() {
        func batches(_ seed: UInt64) -> [[Int]] {
            var plan = BatchPlan(variant: .semiSupervised, labeledIndices: [1, 2, 3], trainCount: 50, batchSize: 4,
                                 generator: SeededGenerator(seed: seed))
            return (0..<5).map { _ in plan.nextBatch().indices }
        }
        XCTAssertEqual(batches(4), batches(4))
        XCTAssertNotEqual(batches(4), batches(5))
    }
}

