import Foundation
import Metrics
import NeuralLayers
import Randomness
import TensorCore
import VAEModels
import XCTest

/// The anomaly score of sections 3.1.3 and 3.2.3 on a tiny dense model.
final class AnomalyScoreTests: XCTestCase {
    private let inputSize = 12
    private let imageCount = 7

    private func smallModel(_ variant: ModelVariant = .semiSupervised) -> DenseSemiSupervisedVAE {
        var generator = SeededGenerator(seed: 3)
        return DenseSemiSupervisedVAE(denseVariant: variant, inputSize: inputSize, hiddenSize: 8, latentSize: 2,
                                      classCount: 3, generator: &generator)
    }

    private func images(seed: UInt64 = 4) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<(imageCount * inputSize)).map { _ in generator.uniformFloat() }
    }

    private func reference(_ model: DenseSemiSupervisedVAE, _ values: [Float]) -> [Float] {
        let context = ForwardContext(phase: .inference, generator: SeededGeneratorBox(seed: 0))
        return model.reconstructionLogLikelihood(Tensor(shape: [imageCount, inputSize], scalars: values), in: context)
            .scalars.map { -$0 }
    }

    func testScoreIsNegativeReconstructionLogLikelihood() throws {
        for variant in [ModelVariant.semiSupervised, .unsupervisedVAE] {
            let model = smallModel(variant)
            let values = images()
            let scores = try AnomalyScore.negativeLogReconstruction(model: model, images: values,
                                                                    exampleShape: [inputSize], batchSize: imageCount)
            XCTAssertEqual(scores, reference(model, values), variant.rawValue)
            XCTAssertEqual(scores.count, imageCount)
            XCTAssertTrue(scores.allSatisfy { $0 > 0 }, "−log of a Bernoulli probability of [0, 1] targets is positive")
        }
    }

    func testKLDivergenceIsTheClosedFormOfTheEncodersGaussian() throws {
        let model = smallModel()
        let values = images()
        let divergences = try AnomalyScore.klDivergenceFromPrior(model: model, images: values, exampleShape: [inputSize],
                                                                 batchSize: 3)
        let context = ForwardContext(phase: .inference, generator: SeededGeneratorBox(seed: 0))
        let (mean, logVariance, _) = model.encode(Tensor(shape: [imageCount, inputSize], scalars: values), in: context)
        XCTAssertEqual(divergences.count, imageCount)
        for row in 0..<imageCount {
            // In Double, independently of the Float loop: ½ Σ (μ² + σ² − 1 − log σ²).
            var expected = 0.0
            for j in 0..<2 {
                let m = Double(mean.scalars[row * 2 + j]), v = Double(logVariance.scalars[row * 2 + j])
                expected += (m * m + Foundation.exp(v) - 1 - v) / 2
            }
            XCTAssertEqual(Double(divergences[row]), expected, accuracy: 1e-5)
            XCTAssertGreaterThanOrEqual(divergences[row], 0)
        }
        XCTAssertThrowsError(try AnomalyScore.klDivergenceFromPrior(model: smallModel(.supervisedEncoder), images: values,
                                                                    exampleShape: [inputSize]))
    }

    func testBatchingDoesNotChangeTheScores() throws {
        let model = smallModel()
        let values = images()
        let whole = try AnomalyScore.negativeLogReconstruction(model: model, images: values, exampleShape: [inputSize],
                                                               batchSize: imageCount)
        for batchSize in [1, 2, 3, 100] {
            let batched = try AnomalyScore.negativeLogReconstruction(model: model, images: values,
                                                                     exampleShape: [inputSize], batchSize: batchSize)
            XCTAssertEqual(batched.count, imageCount)
            for (a, b) in zip(batched, whole) { XCTAssertEqual(a, b, "batch \(batchSize)") }
        }
    }

    func testMonteCarloWithOneSampleMatchesAHandReparameterisation() throws {
        let model = smallModel()
        let values = images()
        var generator = SeededGenerator(seed: 17)
        let scores = try AnomalyScore.monteCarloNegativeLogReconstruction(
            model: model, images: values, exampleShape: [inputSize], samples: 1, generator: &generator, batchSize: 3)

        var replay = SeededGenerator(seed: 17)
        let noise = Tensor.randomNormal([imageCount, 2], using: &replay)
        let context = ForwardContext(phase: .inference, generator: SeededGeneratorBox(seed: 0))
        let inputs = Tensor(shape: [imageCount, inputSize], scalars: values)
        let (mean, logVariance, logits) = model.encode(inputs, in: context)
        let output = model.decode(latent: reparameterize(mean: mean, logVariance: logVariance, noise: noise),
                                  classProbabilities: softmax(logits), in: context)
        let expected = model.likelihood.logLikelihood(of: inputs, given: output).scalars.map { -$0 }
        for (a, b) in zip(scores, expected) { XCTAssertEqual(a, b) }
        XCTAssertEqual(generator.next(), replay.next(), "the scorer drew exactly n · samples · latentSize normals")
    }

    func testMonteCarloIsReproducibleIndependentOfBatchingAndCollapsesToTheMeanCode() throws {
        var model = smallModel()
        let values = images()
        func monteCarlo(seed: UInt64, batchSize: Int) throws -> [Float] {
            var generator = SeededGenerator(seed: seed)
            return try AnomalyScore.monteCarloNegativeLogReconstruction(
                model: model, images: values, exampleShape: [inputSize], samples: 5, generator: &generator,
                batchSize: batchSize)
        }
        let first = try monteCarlo(seed: 5, batchSize: imageCount)
        XCTAssertEqual(try monteCarlo(seed: 5, batchSize: imageCount), first)
        for (a, b) in zip(try monteCarlo(seed: 5, batchSize: 2), first) { XCTAssertEqual(a, b) }
        XCTAssertNotEqual(try monteCarlo(seed: 6, batchSize: imageCount), first)
        let meanCode = try AnomalyScore.negativeLogReconstruction(model: model, images: values, exampleShape: [inputSize])
        XCTAssertNotEqual(first, meanCode)

        // With σ² = e⁻²⁰⁰ every draw is z = μ, so the average is the mean-code score.
        model.latentLogVariance.weight = Tensor.zeros(model.latentLogVariance.weight.shape)
        model.latentLogVariance.bias = Tensor(shape: model.latentLogVariance.bias.shape, repeating: -200)
        for (a, b) in zip(try monteCarlo(seed: 5, batchSize: 3), meanCode) { XCTAssertEqual(a, b) }
    }

    func testInvalidRequestsAreRefused() {
        let values = images()
        XCTAssertThrowsError(try AnomalyScore.negativeLogReconstruction(model: smallModel(.supervisedEncoder), images: values,
                                                                        exampleShape: [inputSize])) {
            XCTAssertEqual($0 as? AnomalyScoreError, .noDecoder(variant: "ES"))
        }
        XCTAssertThrowsError(try AnomalyScore.negativeLogReconstruction(model: smallModel(), images: Array(values.dropLast()),
                                                                        exampleShape: [inputSize])) {
            XCTAssertEqual($0 as? AnomalyScoreError, .imageCountMismatch(values: values.count - 1, exampleSize: inputSize))
        }
        var generator = SeededGenerator(seed: 1)
        XCTAssertThrowsError(try AnomalyScore.monteCarloNegativeLogReconstruction(
            model: smallModel(), images: values, exampleShape: [inputSize], samples: 0, generator: &generator))
    }
}
