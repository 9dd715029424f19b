import Datasets
import NeuralLayers
import Randomness
import TensorCore
import XCTest
@testable import StudyKit
@testable import VAEModels

/// The adapter from paper 1's cells onto the training loop, and the evaluation behind every
/// published accuracy and log loss.
final class SemiSupervisedTrainingTests: XCTestCase {
    /// Two classes of 4×4 images: class 0 bright on the left half, class 1 on the right, with
    /// noise; `count` images, labels alternating.
    private func halves(count: Int, seed: UInt64) -> LabeledImages {
        var generator = SeededGenerator(seed: seed)
        var pixels: [UInt8] = [], labels: [Int32] = []
        for i in 0..<count {
            let label = i % 2
            for _ in 0..<4 {
                for column in 0..<4 {
                    let bright = (column < 2) == (label == 0)
                    pixels.append(UInt8(min(255, (bright ? 170 : 30) + Int(generator.uniformInt(below: 60)))))
                }
            }
            labels.append(Int32(label))
        }
        return LabeledImages(pixels: pixels, labels: labels, shape: [4, 4])
    }

    func testSemiSupervisedTrainingLearnsFromTenLabelsAndEvaluatesEveryEpoch() throws {
        let data = ImageClassificationData(name: .mnist, train: halves(count: 400, seed: 1), test: halves(count: 200, seed: 2))
        var generator = SeededGenerator(seed: 3)
        var model = DenseSemiSupervisedVAE(denseVariant: .semiSupervised, inputSize: 16, hiddenSize: 16, classCount: 2,
                                           classWeight: 16, generator: &generator)
        let settings = TrainingSettings(epochs: 4, batchSize: 20, learningRate: 3e-3, rho: 0.9, classWeight: 16)
        var epochsSeen: [Int] = []
        let history = try trainSemiSupervised(&model, data: data, exampleShape: [16], labeledIndices: Array(0..<10),
                                              settings: settings, streams: RunStreams(seed: 4)) { epochsSeen.append($0.epoch) }
        XCTAssertEqual(epochsSeen, [1, 2, 3, 4])
        XCTAssertEqual(history.series("accuracy").count, 4)
        XCTAssertGreaterThan(try XCTUnwrap(history.last?.metrics["accuracy"]), 0.95, "ten labels separate two easy classes")
        XCTAssertLessThan(try XCTUnwrap(history.last?.metrics["log_loss"]), 0.3)
        // The reported accuracy is the evaluation's own.
        let evaluation = ClassifierEvaluation(model, images: data.test, exampleShape: [16])
        XCTAssertEqual(evaluation.accuracy, history.last?.metrics["accuracy"])
    }

    func testBatchNormStatisticsAreMeasuredForAModelWithoutAClassifier() throws {
        // The bug the old loop had: an EU model with batch norm was scored with moving averages
        // that never left their start (mean 0, variance 1).
        let data = ImageClassificationData(name: .mnist, train: halves(count: 200, seed: 1), test: halves(count: 20, seed: 2))
        var generator = SeededGenerator(seed: 5)
        var model = ConvolutionalSemiSupervisedVAE(convolutionalVariant: .unsupervisedVAE, imageSize: 4, channels: 2, topSize: 4,
                                                   classCount: 2, generator: &generator)
        let statistics = PopulationStatistics.runningStatistics(in: model)
        XCTAssertFalse(statistics.isEmpty)
        let settings = TrainingSettings(epochs: 1, batchSize: 20, classWeight: 1)
        _ = try trainSemiSupervised(&model, data: data, exampleShape: [4, 4, 1], labeledIndices: [], settings: settings,
                                    streams: RunStreams(seed: 6))
        XCTAssertTrue(statistics.contains { $0.variance.scalars.contains { abs($0 - 1) > 0.05 } },
                      "population statistics were measured after training")
    }

    /// A model whose class probabilities are given, row by row.
    private struct FixedProbabilities: LatentVariableModel {
        let rows: [[Float]]
        var latentSize: Int { 0 }
        var likelihood: Likelihood { .bernoulli }
        var hasDecoder: Bool { false }
        var decoderReadsClasses: Bool { false }
        var structureName: String { "fixed" }
        var classCount: Int { rows[0].count }
        func encode(_ inputs: Tensor, in context: ForwardContext) -> (mean: Tensor, logVariance: Tensor, classLogits: Tensor) {
            fatalError("not used")
        }
        func decode(latent: Tensor, classProbabilities: Tensor?, in context: ForwardContext) -> Tensor { fatalError("not used") }
        func decoderClassProbabilities(fromLogits logits: Tensor) -> Tensor? { nil }
        /// The inputs' first pixel holds the row index / 255.
        func classProbabilities(_ inputs: Tensor, in context: ForwardContext) -> Tensor {
            let size = inputs.count / inputs.rows
            let picked = (0..<inputs.rows).flatMap { rows[Int((inputs.scalars[$0 * size] * 255).rounded())] }
            return Tensor(shape: [inputs.rows, classCount], scalars: picked)
        }
    }

    func testAccuracyAndLogLossOnKnownProbabilities() {
        let rows: [[Float]] = [[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.5, 0.5, 0], [0, 0, 1]]
        // True classes 0, 2, 1, 1: right, wrong, a tie (the first maximum wins: class 0, wrong), wrong with p = 0.
        let images = LabeledImages(pixels: [0, 1, 2, 3], labels: [0, 2, 1, 1], shape: [1])
        let evaluation = ClassifierEvaluation(FixedProbabilities(rows: rows), images: images, exampleShape: [1], chunk: 3)
        XCTAssertEqual(evaluation.accuracy, 0.25)
        let expected = -(log(Double(Float(0.7))) + log(Double(Float(0.3))) + log(Double(Float(0.5))) + log(1e-15)) / 4
        XCTAssertEqual(evaluation.logLoss, expected, accuracy: 1e-12, "p clipped at 1e-15")
    }
}
