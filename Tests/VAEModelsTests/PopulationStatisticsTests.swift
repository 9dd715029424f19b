import _Differentiation
import NeuralLayers
import Randomness
import TensorCore
import XCTest
@testable import VAEModels

/// Inference-time batch-normalisation statistics measured after training (Ioffe & Szegedy
/// Algorithm 2). Without them a briefly trained convolutional model predicted one class.
final class PopulationStatisticsTests: XCTestCase {
    func testTheEstimateIsTheMeanOfBatchMeansAndTheUnbiasedMeanOfVariances() {
        let statistics = RunningStatistics(channels: 2)
        statistics.beginPopulationEstimate()
        statistics.update(batchMean: Tensor(shape: [2], scalars: [1, 3]), batchVariance: Tensor(shape: [2], scalars: [2, 4]),
                          momentum: 0.99, batchSize: 5)
        statistics.update(batchMean: Tensor(shape: [2], scalars: [3, 5]), batchVariance: Tensor(shape: [2], scalars: [4, 8]),
                          momentum: 0.99, batchSize: 5)
        statistics.finishPopulationEstimate()
        XCTAssertEqual(statistics.mean.scalars, [2, 4])
        XCTAssertEqual(statistics.variance.scalars, [3 * 5 / 4, 6 * 5 / 4])
        // Outside an estimate the moving average is back.
        statistics.update(batchMean: Tensor(shape: [2], scalars: [12, 14]), batchVariance: Tensor(shape: [2], scalars: [3.75, 7.5]),
                          momentum: 0.5, batchSize: 5)
        XCTAssertEqual(statistics.mean.scalars, [7, 9])
    }

    func testEveryBatchNormLayerIsFoundAndDenseModelsHaveNone() {
        var generator = SeededGenerator(seed: 1)
        let convolutional = ConvolutionalSemiSupervisedVAE(convolutionalVariant: .semiSupervised, imageSize: 8, channels: 2,
                                                           topSize: 4, generator: &generator)
        XCTAssertEqual(PopulationStatistics.runningStatistics(in: convolutional).count, 8)
        let dense = DenseSemiSupervisedVAE(denseVariant: .semiSupervised, inputSize: 6, hiddenSize: 4, generator: &generator)
        XCTAssertTrue(PopulationStatistics.runningStatistics(in: dense).isEmpty)
    }

    /// After measuring on one batch, inference on that batch reproduces the batch-statistics
    /// forward pass (up to the m/(m−1) variance correction), however far the moving averages
    /// were from the truth: the failure mode of a short run.
    func testInferenceMatchesBatchStatisticsAfterTheEstimate() {
        var generator = SeededGenerator(seed: 2)
        let encoder = ConvolutionalEncoder(channels: 3, imageSize: 8, topSize: 5, generator: &generator)
        let images = Tensor.randomUniform([64, 8, 8, 1], lower: 0, upper: 0.2, using: &generator)
        let context = ForwardContext(phase: .inference, generator: SeededGeneratorBox(seed: 3))
        let statisticsPhase = ForwardContext(phase: .estimatingStatistics, generator: SeededGeneratorBox(seed: 3))
        let reference = encoder(images, in: statisticsPhase)
        let before = encoder(images, in: context)
        PopulationStatistics.estimate(in: encoder, batches: 1, context: context) { _, phase in
            _ = encoder(images, in: phase)
        }
        XCTAssertEqual(context.phase, .inference, "the phase is restored")
        let after = encoder(images, in: context)
        func gap(_ a: Tensor, _ b: Tensor) -> Float { zip(a.scalars, b.scalars).map { abs($0 - $1) }.max()! }
        let scale = reference.scalars.map(abs).max()!
        XCTAssertLessThan(gap(after, reference), 0.05 * scale)
        XCTAssertGreaterThan(gap(before, reference), 5 * gap(after, reference), "the initial statistics were far off")
    }
}
