import Datasets
import Experiments
import Foundation
import NeuralLayers
import Randomness
import TensorCore
import VAEModels
import XCTest
@testable import VABCStudy

final class VABCUnitTests: XCTestCase {
    // MARK: The loss as the cells train it

    /// The per-point loss at z = μ against values computed by hand from the same encoder outputs.
    func testPointLossesMatchTheFormulaByHand() throws {
        var generator = SeededGenerator(seed: 3)
        let model = VABCModel(vabc: .moons(), generator: &generator)
        let x = Tensor(shape: [2, 2], scalars: [0.5, -0.2, 1.5, 0.3])
        let context = ForwardContext(phase: .inference, generator: SeededGeneratorBox(seed: 0))
        let (mean, logVariance, _) = model.encode(x, in: context)
        let decoded = model.decode(latent: mean, in: context).scalars
        let gamma: Float = 0.7, variance: Float = 0.25
        for y: Float in [1, 0] {
            let losses = VABCTraining.pointLosses(model, inputs: x, y: y, gamma: gamma, variance: variance)
            for n in 0..<2 {
                let m = Double(mean.scalars[n]), v = Double(logVariance.scalars[n])
                let kl = 0.5 * (m * m + exp(v) - 1 - v)
                let d0 = Double(x.scalars[2 * n] - decoded[2 * n]), d1 = Double(x.scalars[2 * n + 1] - decoded[2 * n + 1])
                let l = (d0 * d0 + d1 * d1) / (2 * Double(variance))
                let expected = kl + (y == 1 ? l : -log(1 - exp(-Double(gamma) * l)))
                XCTAssertEqual(Double(losses[n]), expected, accuracy: 1e-4 * max(1, abs(expected)), "y = \(y), point \(n)")
            }
        }
    }

    /// γ stated on the squared error becomes 2·v·γ on L = ‖x − x̂‖²/(2v): the penalty's argument
    /// is the same number.
    func testGammaOnTheSquaredErrorIsConvertedExactly() {
        let mnist = VABCDatasetSettings.mnist()
        XCTAssertEqual(mnist.effectiveVariance, 0.1, accuracy: 1e-7)
        XCTAssertEqual(mnist.gammaOnL(0.05), 0.01, accuracy: 1e-8)
        let moons = VABCDatasetSettings.moons()
        XCTAssertEqual(moons.effectiveVariance, 0.25)
        XCTAssertEqual(moons.gammaOnL(3), 1.5)
        let squaredError: Float = 7
        XCTAssertEqual(mnist.gammaOnL(0.05) * squaredError / (2 * mnist.effectiveVariance), 0.05 * squaredError, accuracy: 1e-6)
    }

    // MARK: Annealing

    func testAnnealingSchedulesAtTheirEndsAndMidpoint() {
        let settings = VABCDatasetSettings.mnist()
        let annealing = VABCAnnealing(settings: settings, stepsPerEpoch: 100)
        let start = annealing.weights(atStep: 0)
        XCTAssertEqual(start.klWeight, 0)
        XCTAssertEqual(start.gamma, settings.gammaOnL(4), accuracy: 1e-7)
        let middle = annealing.weights(atStep: 250)   // 2.5 of E' = 5 epochs
        XCTAssertEqual(middle.klWeight, 0.5, accuracy: 1e-6)
        XCTAssertEqual(middle.gamma, settings.gammaOnL((4 + 0.05) / 2), accuracy: 1e-6)
        for step in [500, 501, 10_000] {
            let end = annealing.weights(atStep: step)
            XCTAssertEqual(end.klWeight, 1)
            XCTAssertEqual(end.gamma, settings.gammaOnL(0.05), accuracy: 1e-9)
        }
        // Monotone in between: the KL weight rises, γ falls.
        let path = (0...500).map { annealing.weights(atStep: $0) }
        XCTAssertTrue(zip(path, path.dropFirst()).allSatisfy { $0.1.klWeight >= $0.0.klWeight && $0.1.gamma <= $0.0.gamma })

        var initialisation = SeededGenerator(seed: 42)
        var model = VABCModel(vabc: settings, generator: &initialisation)
        annealing.adjust(&model, step: 250)
        XCTAssertEqual(model.klWeight, middle.klWeight)
        XCTAssertEqual(model.objective, .vabc(gamma: middle.gamma, variance: settings.effectiveVariance))
    }

    func testWithoutAnnealingTheFinalWeightsHoldFromTheFirstStep() {
        let settings = VABCDatasetSettings.moons(annealed: false)
        let annealing = VABCAnnealing(settings: settings, stepsPerEpoch: 10)
        for step in [0, 5, 1_000] {
            XCTAssertEqual(annealing.weights(atStep: step).klWeight, 1)
            XCTAssertEqual(annealing.weights(atStep: step).gamma, settings.gammaOnL(3))
        }
    }

    // MARK: Batches and folds

    func testBatchesAreHalfUnlabeledHalfUnwantedAndCycleTheSmallerFold() {
        let unlabeled = Array(0..<100), unwanted = Array(100..<107)
        var batches = NegativeUnlabeledBatches(unlabeled: unlabeled, unwanted: unwanted, batchSize: 20,
                                               generator: SeededGenerator(seed: 1)) { indices in
            Tensor(shape: [indices.count, 1], scalars: indices.map(Float.init))
        }
        XCTAssertEqual(batches.stepsPerEpoch, 10)
        var seenUnlabeled: [Int] = [], seenUnwanted: [Int] = []
        for _ in 0..<batches.stepsPerEpoch {
            let batch = batches.next()
            let wanted = try! XCTUnwrap(batch.wanted).scalars
            XCTAssertEqual(wanted, Array(repeating: 1, count: 10) + Array(repeating: 0, count: 10))
            let ids = batch.inputs.scalars.map { Int($0) }
            seenUnlabeled += ids.prefix(10)
            seenUnwanted += ids.suffix(10)
        }
        XCTAssertEqual(seenUnlabeled.sorted(), unlabeled, "one epoch is one pass over the unlabeled fold")
        XCTAssertTrue(seenUnwanted.allSatisfy { (100..<107).contains($0) })
        XCTAssertEqual(Set(seenUnwanted.prefix(7)), Set(unwanted), "the unwanted fold is cycled whole before repeating")

        var vae = NegativeUnlabeledBatches(unlabeled: unlabeled, unwanted: [], batchSize: 20,
                                           generator: SeededGenerator(seed: 1)) { Tensor(shape: [$0.count, 1], repeating: 0) }
        XCTAssertEqual(vae.stepsPerEpoch, 5)
        XCTAssertEqual(vae.next().wanted?.scalars, Array(repeating: 1, count: 20))
    }

    /// Table I's counts as our code draws them: MNIST digit 1 has 6,742 training images, so
    /// p = 0.1 gives exactly round(674.2) = 674 unwanted (the paper's 672 is a Bernoulli draw).
    func testTableOneCountsAsOurCodePrintsThem() {
        let labels = [Int32](repeating: 0, count: 53_258) + [Int32](repeating: 1, count: 6_742)
        for (p, unwanted) in [(0.1, 674), (0.2, 1_348), (0.3, 2_023)] {
            var generator = SeededGenerator(seed: 1)
            let folds = Splits.negativeUnlabeled(labels: labels, negativeClass: 1, unwantedProportion: p, generator: &generator)
            XCTAssertEqual(folds.positiveCount, 53_258)
            XCTAssertEqual(folds.negativeCount, 6_742)
            XCTAssertEqual(folds.unwanted.count, unwanted, "p = \(p)")
            XCTAssertEqual(folds.unlabeled.count, 60_000 - unwanted)
        }
        var generator = SeededGenerator(seed: 1)
        let moons = TwoMoons.generate(generator: &generator)
        let moons2 = moons.folds(unwantedProportion: 0.8, generator: &generator)
        XCTAssertEqual([moons2.unlabeled.count, moons2.unwanted.count], [6_000, 4_000])
    }

    // MARK: The judge's metric

    /// A fake judge: fixed probabilities, so every number is known.
    func testNegativeGenerationErrorOnAFakeJudge() {
        func row(_ digit: Int, _ p: Float) -> [Float] {
            (0..<10).map { $0 == digit ? p : (1 - p) / 9 }
        }
        let probabilities = row(8, 0.95) + row(8, 0.5) + row(3, 0.99) + row(1, 0.3)
        let measured = NegativeGeneration(probabilities: probabilities, classCount: 10, negativeClass: 8)
        XCTAssertEqual(measured.error, 0.5)
        XCTAssertEqual(measured.sampleCount, 4)
        XCTAssertEqual(measured.classShares[8], 0.5)
        XCTAssertEqual(measured.classShares[3], 0.25)
        XCTAssertEqual(measured.classShares[1], 0.25)
        XCTAssertEqual(measured.classShares.reduce(0, +), 1)
        XCTAssertEqual(measured.confidentShare, 0.5, "0.95 and 0.99 are at least 0.9; 0.5 and 0.3 are not")
        XCTAssertEqual(NegativeGeneration(probabilities: probabilities, classCount: 10, negativeClass: 2).error, 0)
    }

    /// The cached judge judges exactly as the trained one: its file holds the batch-norm
    /// statistics as well as the weights (inference normalises with them).
    func testTheStoredJudgeRestoresWeightsAndBatchNormStatistics() {
        var generator = SeededGenerator(seed: 5)
        let trained = DigitJudge(generator: &generator)
        for (index, statistics) in PopulationStatistics.runningStatistics(in: trained).enumerated() {
            statistics.mean = statistics.mean.map { _ in Float(index + 1) * 0.3 }
            statistics.variance = statistics.variance.map { _ in Float(index + 2) }
        }
        var other = SeededGenerator(seed: 6)
        var restored = DigitJudge(generator: &other)
        let images = (0..<(3 * 784)).map { Float($0 % 7) / 7 }
        XCTAssertNotEqual(restored.probabilities(of: images), trained.probabilities(of: images))
        TrainedJudge.restore(&restored, from: TrainedJudge.storedValues(trained))
        XCTAssertEqual(restored.probabilities(of: images), trained.probabilities(of: images))
        XCTAssertEqual(PopulationStatistics.runningStatistics(in: restored).count, 2)
    }

    func testTheJudgesLearningRateHalvesAfterTheSecondEpoch() {
        XCTAssertEqual((1...5).map(TrainedJudge.learningRate(epoch:)), [1e-3, 1e-3, 5e-4, 2.5e-4, 1.25e-4])
    }

    // MARK: The moons' distance and the claims' tests

    func testDistanceToTheNegativeMoon() {
        XCTAssertEqual(MoonsExperiment.distanceToNegativeMoon(0, 1), 0, accuracy: 1e-7)       // on the arc
        XCTAssertEqual(MoonsExperiment.distanceToNegativeMoon(0, 0.5), 0.5, accuracy: 1e-7)   // inside the arc
        XCTAssertEqual(MoonsExperiment.distanceToNegativeMoon(0, 2), 1, accuracy: 1e-7)       // outside
        XCTAssertEqual(MoonsExperiment.distanceToNegativeMoon(1, -0.5), 0.5, accuracy: 1e-7)  // below the right end
        XCTAssertEqual(MoonsExperiment.distanceToNegativeMoon(-1, -0.3), 0.3, accuracy: 1e-7) // below the left end
    }

    func testSignTestAndOneSidedWelch() {
        XCTAssertEqual(VABCClaims.signTestPValue(successes: 9, trials: 9), 1.0 / 512, accuracy: 1e-15)
        XCTAssertEqual(VABCClaims.signTestPValue(successes: 8, trials: 9), 10.0 / 512, accuracy: 1e-15)
        XCTAssertEqual(VABCClaims.signTestPValue(successes: 0, trials: 9), 1, accuracy: 1e-15)
        // scipy.stats.ttest_ind([1, 2, 3], [4, 5, 7], equal_var=False, alternative="less").pvalue = 0.0209573 (SciPy, venv-tsne)
        let p = try! XCTUnwrap(VABCClaims.oneSidedWelch(lower: [1, 2, 3], higher: [4, 5, 7]))
        XCTAssertEqual(p, 0.0209573, accuracy: 1e-6)
        XCTAssertEqual(VABCClaims.oneSidedWelch(lower: [4, 5, 7], higher: [1, 2, 3])!, 1 - p, accuracy: 1e-12)
    }
}
