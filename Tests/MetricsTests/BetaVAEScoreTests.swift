import Datasets
import Foundation
import Randomness
import TensorCore
import XCTest
@testable import Metrics

/// A factor data set whose observation is its factor vector, each factor scaled to [0, 1]: the
/// factor sizes of Small-NORB (instance a nuisance), so representations with a known answer can
/// be written as plain functions of the observation.
private struct FactorsAsObservations: FactorDataset {
    var factorSizes = [5, 10, 9, 18, 6]
    var factorNames = ["category", "instance", "elevation", "azimuth", "lighting"]
    var latentFactorIndices = [0, 2, 3, 4]
    var observationShape: [Int] { [factorSizes.count] }

    func writeObservation(for factors: [Int], into buffer: UnsafeMutableBufferPointer<Float>) {
        for (i, value) in factors.enumerated() { buffer[i] = Float(value) / Float(factorSizes[i] - 1) }
    }
}

/// A representation reading factors `kept` off the observation, plus Gaussian noise of `noise`.
private func factorRepresentation(kept: [Int], noise: Float, generator: inout SeededGenerator) -> (Tensor) -> Tensor {
    var stream = generator.derived("representation noise")
    return { observations in
        let width = observations.columns
        let scalars = (0..<observations.rows).flatMap { row in
            kept.map { observations.scalars[row * width + $0] + noise * stream.normal() }
        }
        return Tensor(shape: [observations.rows, kept.count], scalars: scalars)
    }
}

/// Set BETAVAE_VERBOSE=1 to print each score.
private func report(_ name: String, _ score: BetaVAEScore) {
    guard ProcessInfo.processInfo.environment["BETAVAE_VERBOSE"] != nil else { return }
    print("\(name): evaluation \(score.evaluationAccuracy), training \(score.trainingAccuracy), by factor \(score.evaluationAccuracyByFactor), \(score.classifier.iterations) L-BFGS iterations (\(score.classifier.stop))")
}

final class BetaVAEScoreTests: XCTestCase {
    private let dataset = FactorsAsObservations()

    /// The true latent factors (plus noise well below a factor step) identify the fixed factor:
    /// its coordinate's mean difference is near 0, every other one near a third of its range.
    func testTrueFactorsScoreNearOne() throws {
        var generator = SeededGenerator(seed: 1)
        let score = try betaVAEScore(dataset: dataset, following: .paper, generator: SeededGenerator(seed: 11),
                                     representation: factorRepresentation(kept: [0, 2, 3, 4], noise: 0.01, generator: &generator))
        report("testTrueFactorsScoreNearOne", score)
        XCTAssertGreaterThanOrEqual(score.evaluationAccuracy, 0.95)
        XCTAssertGreaterThanOrEqual(score.trainingAccuracy, 0.95)
        XCTAssertEqual(score.latentFactorIndices, [0, 2, 3, 4])
        XCTAssertEqual(score.classifier.classes, [0, 2, 3, 4], "the instance is never a label")
        XCTAssertEqual(score.protocolName, "paper")
    }

    /// A representation blind to the observations leaves the classifier at chance: 1/4 with four
    /// latent factors. Band: ±0.05, five standard deviations of an accuracy over 2,048 points.
    func testPureNoiseScoresNearChance() throws {
        var stream = SeededGenerator(seed: 2)
        let score = try betaVAEScore(dataset: dataset, following: .paper, generator: SeededGenerator(seed: 12)) { observations in
            Tensor(shape: [observations.rows, 4], scalars: (0..<(observations.rows * 4)).map { _ in stream.normal() })
        }
        report("testPureNoiseScoresNearChance", score)
        XCTAssertEqual(score.evaluationAccuracy, 0.25, accuracy: 0.05)
    }

    /// Encoding category and elevation only: points holding either are recognised, the other two
    /// factors look alike (both leave every coordinate varying), so about half of those are
    /// right: 0.5 · 1 + 0.5 · 0.5 = 0.75 expected, band ±0.1.
    func testPartialRepresentationScoresInBetween() throws {
        var generator = SeededGenerator(seed: 3)
        let score = try betaVAEScore(dataset: dataset, following: .paper, generator: SeededGenerator(seed: 13),
                                     representation: factorRepresentation(kept: [0, 2], noise: 0.01, generator: &generator))
        report("testPartialRepresentationScoresInBetween", score)
        XCTAssertEqual(score.evaluationAccuracy, 0.75, accuracy: 0.1)
        XCTAssertGreaterThan(score.evaluationAccuracyByFactor[0], 0.95, "category is encoded")
        XCTAssertGreaterThan(score.evaluationAccuracyByFactor[1], 0.95, "elevation is encoded")
        XCTAssertLessThan(score.evaluationAccuracyByFactor[2] + score.evaluationAccuracyByFactor[3], 1.3,
                          "azimuth and lighting are confused with each other")
    }

    /// The pairs share exactly the fixed factor; the nuisance (instance) and the other factors
    /// match only by chance (1/size of the time).
    func testPairsShareOnlyTheFixedFactor() {
        var generator = SeededGenerator(seed: 4)
        let (first, second) = drawFactorPairs(dataset: dataset, fixedFactor: 3, count: 4000, generator: &generator)
        XCTAssertTrue(zip(first, second).allSatisfy { $0[3] == $1[3] })
        for factor in [0, 1, 2, 4] {
            let matches = Double(zip(first, second).filter { $0[factor] == $1[factor] }.count) / 4000
            let chance = 1 / Double(dataset.factorSizes[factor])
            XCTAssertEqual(matches, chance, accuracy: 0.03, "factor \(factor) matches at chance")
        }
        XCTAssertTrue((first + second).allSatisfy(dataset.isValid))
    }

    /// Labels are latent factors, drawn uniformly; the features are the mean absolute differences,
    /// checked by hand on one point with the identity representation.
    func testPointsLabelsAndFeatures() throws {
        var generator = SeededGenerator(seed: 5)
        let points = try betaVAEPoints(dataset: dataset, count: 2000, batchSize: 2, generator: &generator) { $0 }
        XCTAssertEqual(points.representationSize, 5)
        XCTAssertFalse(points.labels.contains(1), "the instance is never held fixed")
        for factor in [0, 2, 3, 4] {
            XCTAssertEqual(Double(points.labels.filter { $0 == factor }.count) / 2000, 0.25, accuracy: 0.04)
        }
        for (index, label) in points.labels.enumerated() {
            XCTAssertEqual(points.features[index * 5 + label], 0, "point \(index): the fixed factor never differs")
        }
        // Replay the first point's draws.
        var replay = SeededGenerator(seed: 5)
        let fixed = [0, 2, 3, 4][replay.uniformInt(below: 4)]
        let (first, second) = drawFactorPairs(dataset: dataset, fixedFactor: fixed, count: 2, generator: &replay)
        let expected = (0..<5).map { j -> Double in
            (0..<2).map { Double(abs(dataset.observation(for: first[$0])[j] - dataset.observation(for: second[$0])[j])) }
                .reduce(0, +) / 2
        }
        XCTAssertEqual(points.labels[0], fixed)
        XCTAssertEqual(Array(points.features[0..<5]), expected)
    }

    func testSameSeedSameScoreAndPresets() throws {
        let small = BetaVAEProtocol(name: "small", batchSize: 8, trainingPoints: 200, evaluationPoints: 100)
        func score(_ seed: UInt64) throws -> BetaVAEScore {
            var generator = SeededGenerator(seed: 6)
            return try betaVAEScore(dataset: dataset, following: small, generator: SeededGenerator(seed: seed),
                                    representation: factorRepresentation(kept: [0, 2, 3], noise: 0.05, generator: &generator))
        }
        let (a, b) = (try score(1), try score(1))
        XCTAssertEqual(a.evaluationAccuracy, b.evaluationAccuracy)
        XCTAssertEqual(a.classifier.coefficients, b.classifier.coefficients)
        XCTAssertEqual(BetaVAEProtocol.paper, BetaVAEProtocol(name: "paper", batchSize: 64, trainingPoints: 2048, evaluationPoints: 2048))
        XCTAssertEqual(BetaVAEProtocol.disentanglementLib.trainingPoints, 10_000)
        XCTAssertEqual(BetaVAEProtocol.disentanglementLib.evaluationPoints, 5_000)
        XCTAssertEqual(BetaVAEProtocol.disentanglementLib.batchSize, 64)
    }

    func testRejectsRepresentationOfWrongShape() {
        var generator = SeededGenerator(seed: 7)
        XCTAssertThrowsError(try betaVAEPoints(dataset: dataset, count: 3, batchSize: 4, generator: &generator) { observations in
            Tensor(shape: [observations.rows / 2, 3], repeating: 0)
        }) { error in
            XCTAssertTrue("\(error)".contains("returned shape [4, 3] for 8 observations"), "\(error)")
        }
    }

    /// dSprites with a hand-made representation: centre of mass (x, y) and pixel count. It
    /// encodes both positions and scale (the area depends on shape too, but less); holding shape
    /// or orientation fixed leaves all three codes varying alike, so the classifier cannot tell
    /// those two apart and recognises at most one: about 4 of 5 factors, 0.8 expected.
    func testDSpritesWithCentreOfMassRepresentation() throws {
        let small = BetaVAEProtocol(name: "small", batchSize: 16, trainingPoints: 300, evaluationPoints: 300)
        let score = try betaVAEScore(dataset: DSprites(), following: small, generator: SeededGenerator(seed: 8)) { images in
            let size = 64 * 64
            var codes = [Float]()
            for row in 0..<images.rows {
                var (count, sumX, sumY): (Float, Float, Float) = (0, 0, 0)
                for p in 0..<size where images.scalars[row * size + p] > 0 {
                    count += 1; sumX += Float(p % 64); sumY += Float(p / 64)
                }
                codes += [sumX / count / 64, sumY / count / 64, count / 256]
            }
            return Tensor(shape: [images.rows, 3], scalars: codes)
        }
        report("testDSpritesWithCentreOfMassRepresentation", score)
        XCTAssertGreaterThan(score.evaluationAccuracyByFactor[3], 0.9, "position x is encoded")
        XCTAssertGreaterThan(score.evaluationAccuracyByFactor[4], 0.9, "position y is encoded")
        XCTAssertGreaterThan(score.evaluationAccuracyByFactor[1], 0.9, "scale is encoded")
        XCTAssertLessThan(score.evaluationAccuracyByFactor[0] + score.evaluationAccuracyByFactor[2], 1.15,
                          "shape and orientation look alike")
        XCTAssertEqual(score.evaluationAccuracy, 0.8, accuracy: 0.07)
    }
}
