import Embedding
import Randomness
import XCTest
@testable import Metrics

/// AnoDM's scores (anodm section 3.5, appendix F) on cases computed by hand.
final class AnoDMScoreTests: XCTestCase {
    func testNormalizedSquaredErrorPerExample() throws {
        // ‖(1,2,2) − (1,1,2)‖² / ‖(1,2,2)‖² = 1/9; ‖(0,3,4) − (0,0,0)‖² / 25 = 1.
        let scores = try AnoDMScore.normalizedSquaredError(inputs: [1, 2, 2, 0, 3, 4],
                                                           reconstructions: [1, 1, 2, 0, 0, 0], exampleSize: 3)
        XCTAssertEqual(scores[0], 1.0 / 9, accuracy: 1e-12)
        XCTAssertEqual(scores[1], 1, accuracy: 1e-12)
        XCTAssertThrowsError(try AnoDMScore.normalizedSquaredError(inputs: [1, 0, 0, 0], reconstructions: [1, 0, 1, 0],
                                                                   exampleSize: 2)) {
            XCTAssertEqual($0 as? AnoDMScoreError, .zeroInput(example: 1))
        }
        XCTAssertThrowsError(try AnoDMScore.normalizedSquaredError(inputs: [1, 2, 3], reconstructions: [1, 2],
                                                                   exampleSize: 3))
    }

    func testMapDistancesAreMeansOverTheKNearestTrainingPoints() throws {
        let training: [Float] = [0, 0, 3, 0, 0, 4, 10, 10]
        let test: [Float] = [0, 0, 3, 4]
        let distances = try AnoDMScore.mapDistances(testMap: test, trainingMap: training, neighbourCounts: [1, 3])
        // (0,0): itself at 0, then 3 and 4. (3,4): (3,0) at 4, (0,4) at 3, (0,0) at 5.
        XCTAssertEqual(distances[0], [0, 3])
        XCTAssertEqual(distances[1][0], 7.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(distances[1][1], 4, accuracy: 1e-12)
        XCTAssertThrowsError(try AnoDMScore.mapDistances(testMap: test, trainingMap: training, neighbourCounts: [5]))
    }

    func testNormalizedDistanceDividesByCTimesTheMeanPairwiseDistance() throws {
        // The unit square: four sides of 1 and two diagonals of √2 over six pairs.
        let square: [Float] = [0, 0, 1, 0, 0, 1, 1, 1]
        let mean = (4 + 2 * 2.0.squareRoot()) / 6
        XCTAssertEqual(try AnoDMScore.meanPairwiseDistance(square), mean, accuracy: 1e-12)
        let normalized = try AnoDMScore.normalizedMapDistances([1, 2], trainingMap: square, c: 0.5)
        XCTAssertEqual(normalized[0], 1 / (0.5 * mean), accuracy: 1e-12)
        XCTAssertEqual(normalized[1], 2 / (0.5 * mean), accuracy: 1e-12)
        XCTAssertThrowsError(try AnoDMScore.normalizedMapDistances([1], trainingMap: [0, 0, 0, 0]))
        XCTAssertThrowsError(try AnoDMScore.meanPairwiseDistance([0, 0]))
    }

    func testTheAlphaMixAndItsAUROCAtBothEnds() throws {
        XCTAssertEqual(try AnoDMScore.combined(reconstruction: [1, 0], distance: [0, 8], alpha: 0.25), [0.25, 6])
        XCTAssertThrowsError(try AnoDMScore.combined(reconstruction: [1], distance: [1], alpha: 1.5))
        // The reconstruction score ranks the two anomalies first, the distance ranks them last.
        let isAnomaly = [true, true, false, false]
        let areas = try AnoDMScore.areasUnderCurve(reconstruction: [0.9, 0.8, 0.1, 0.2], distance: [1, 2, 30, 40],
                                                   isAnomaly: isAnomaly, alphas: [0, 1])
        XCTAssertEqual(areas, [0, 1])
        XCTAssertEqual(AnoDMScore.alphaGrid.count, 16)
        XCTAssertEqual(AnoDMScore.alphaGrid.first, 0)
        XCTAssertEqual(AnoDMScore.alphaGrid.last, 1)
    }

    func testLatentDistanceIsTheKNearestMeanDistanceInTheLatentSpace() throws {
        let training: [Float] = [0, 0, 0, 1, 2, 2, 5, 5, 5]
        let distances = try AnoDMScore.latentDistances(testMeans: [1, 2, 2], trainingMeans: training, dimensions: 3,
                                                       neighbourCounts: [1, 2])
        // (1,2,2) is the second point itself; the origin is at 3.
        XCTAssertEqual(distances[0][0], 0, accuracy: 1e-6)
        XCTAssertEqual(distances[1][0], 1.5, accuracy: 1e-6)
        XCTAssertThrowsError(try AnoDMScore.latentDistances(testMeans: [1, 2], trainingMeans: training, dimensions: 3,
                                                            neighbourCounts: [1]))
    }

    /// Training points first, test points after, in one fit: the split returns each part, and
    /// test points drawn from a training cluster land nearer the training points than test
    /// points from a cluster the training set lacks.
    func testJointMapSplitsTheFitAndSeparatesANovelCluster() throws {
        var generator = SeededGenerator(seed: 5)
        func cluster(_ centre: Float, _ count: Int) -> [Float] {
            (0..<(count * 4)).map { _ in centre + Float.random(in: -0.5...0.5, using: &generator) }
        }
        let training = cluster(0, 60) + cluster(6, 60)
        let test = cluster(0, 10) + cluster(-6, 10)
        var mapGenerator = SeededGenerator(seed: 9)
        let map = try JointMap(trainingMeans: training, testMeans: test, dimensions: 4,
                               tsne: TSNE(perplexity: 10, iterations: 400, threads: 1), generator: &mapGenerator)
        XCTAssertEqual(map.trainingMap.count, 240)
        XCTAssertEqual(map.testMap.count, 40)
        XCTAssertTrue(map.klDivergence.isFinite)
        let distances = try AnoDMScore.mapDistances(testMap: map.testMap, trainingMap: map.trainingMap,
                                                    neighbourCounts: [1])[0]
        let isNovel = (0..<20).map { $0 >= 10 }
        XCTAssertEqual(try ReceiverOperatingCharacteristic(scores: distances, labels: isNovel).area, 1)
    }
}
