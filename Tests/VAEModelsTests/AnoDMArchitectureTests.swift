import _Differentiation
import NeuralLayers
import Randomness
import TensorCore
import XCTest
@testable import VAEModels

/// AnoDM Table 3: every image row's β-VAE closes on its input shape, trains (finite loss, a
/// gradient that reaches the first convolution) and lists every parameter it stores.
final class AnoDMArchitectureTests: XCTestCase {
    private func check<Encoder, Decoder>(_ model: VariationalAutoencoder<Encoder, Decoder>,
                                         _ architecture: AnoDMImageArchitecture, batchNorms: Int,
                                         firstFilter: String, file: StaticString = #filePath, line: UInt = #line) throws {
        var generator = SeededGenerator(seed: 7)
        let images = Tensor.randomUniform([3] + architecture.imageShape, lower: 0, upper: 1, using: &generator)
        let inference = ForwardContext(phase: .inference, generator: SeededGeneratorBox(seed: 1))
        let (mean, logVariance, _) = model.encode(images, in: inference)
        XCTAssertEqual(mean.shape, [3, 6], file: file, line: line)
        XCTAssertEqual(logVariance.shape, [3, 6], file: file, line: line)
        XCTAssertEqual(model.decode(latent: mean, in: inference).shape, [3] + architecture.imageShape,
                       "the decoder closes on the input shape", file: file, line: line)
        XCTAssertEqual(PopulationStatistics.runningStatistics(in: model).count, batchNorms, file: file, line: line)
        XCTAssertEqual(model.structureName, "EU", "no classifier head: a plain β-VAE", file: file, line: line)
        XCTAssertFalse(model.trainedParameterNames.contains { $0.hasPrefix("classifier.") }, file: file, line: line)

        let batch = TrainingBatch(unlabeled: images)
        let training = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 2))
        let (loss, gradient) = valueWithGradient(at: model) { $0.loss(batch, in: training) }
        XCTAssertTrue(loss.scalar.isFinite, file: file, line: line)
        let path = VariationalAutoencoder<Encoder, Decoder>.parameterPaths.first { $0.name == firstFilter }
        let filterGradient = model.gradient(of: try XCTUnwrap(path), in: gradient)
        XCTAssertGreaterThan(filterGradient.scalars.map(abs).max() ?? 0, 0,
                             "the loss reaches the first convolution", file: file, line: line)
    }

    func testDigitsRowClosesOn28x28AndHasNoBatchNorm() throws {
        var generator = SeededGenerator(seed: 1)
        let model = AnoDMDigitVAE(anoDMDigitsWithLatentSize: 6, beta: 0.3, generator: &generator)
        try check(model, .digits, batchNorms: 0, firstFilter: "encoder.conv1.filter")
        // Table 3: 3·3·1·32 + 32, 3·3·32·32 + 32, 1568·128 + 128, 128·128 + 128 in the encoder.
        XCTAssertEqual(model.encoder.parameterCount, 320 + 9248 + 200_832 + 16_512)
        XCTAssertEqual(model.objective, .betaCapacity(capacity: 0))
        XCTAssertEqual(model.klWeight, 0.3)
    }

    func testCIFARRowClosesOn32x32x3() throws {
        var generator = SeededGenerator(seed: 1)
        let model = AnoDMCIFARVAE(anoDMCIFARWithLatentSize: 6, likelihood: .gaussian(variance: 1), beta: 1,
                                  generator: &generator)
        // Encoder: 3 convolutions + 2 dense, each with BN; decoder: 3 dense + 2 transposed, each with BN.
        try check(model, .cifar10, batchNorms: 10, firstFilter: "encoder.conv1.filter")
        XCTAssertEqual(model.encoder.conv2.kernelSize, 5)
        XCTAssertEqual(model.encoder.dropout.rate, 0.1)
    }

    func testSmallNORBRowClosesOn32x32x1() throws {
        var generator = SeededGenerator(seed: 1)
        let model = AnoDMSmallNORBVAE(anoDMSmallNORBWithLatentSize: 6, likelihood: .bernoulli, beta: 2,
                                      capacity: 5, generator: &generator)
        // No BN after the transposed convolutions in this row: 5 in the encoder, 3 in the stem.
        try check(model, .smallNORB, batchNorms: 8, firstFilter: "encoder.conv1.filter")
        XCTAssertEqual(model.encoder.conv2.kernelSize, 3)
        XCTAssertEqual(model.encoder.dropout.rate, 0.3)
        XCTAssertEqual(model.objective, .betaCapacity(capacity: 5))
    }
}
