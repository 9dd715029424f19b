import _Differentiation
import NeuralLayers
import Randomness
import TensorCore
import XCTest
@testable import VAEModels

/// The CNN and LSTM encoders of AnoDM Figure 5's comparison: about the TCN's size, a code per
/// beat, and a β-VAE around each that trains down to its first layer.
final class HeartbeatEncoderTests: XCTestCase {
    private func context(_ phase: LearningPhase = .training, seed: UInt64 = 3) -> ForwardContext {
        ForwardContext(phase: phase, generator: SeededGeneratorBox(seed: seed))
    }

    func testTheThreeEncodersHaveAboutTheSameParameterCount() {
        var generator = SeededGenerator(seed: 1)
        // keras-tcn 2019: a 1×1 input convolution (1·64 + 64), then six blocks of two k = 4
        // convolutions (4·64·64 + 64 each) and a 1×1 residual convolution (64·64 + 64).
        let tcn = TCNEncoder(generator: &generator).parameterCount
        XCTAssertEqual(tcn, 128 + 6 * (2 * 16_448 + 4_160))
        XCTAssertEqual(tcn, 222_464)
        // Five k = 5 convolutions (1→32→64→80→128→128) and FC 6·128 → 64.
        let cnn = ConvolutionalHeartbeatEncoder(generator: &generator)
        XCTAssertEqual(cnn.parameterCount, 192 + 10_304 + 25_680 + 51_328 + 82_048 + 49_216)
        XCTAssertEqual(cnn.flattenedSize, 6 * 128, "187 → 94 → 47 → 24 → 12 → 6 steps")
        // 4·h·(1 + h + 1) at h = 235.
        let lstm = RecurrentHeartbeatEncoder(generator: &generator).parameterCount
        XCTAssertEqual(lstm, 4 * 235 * 237)
        for (name, count) in [("CNN", cnn.parameterCount), ("LSTM", lstm)] {
            XCTAssertLessThan(abs(Double(count - tcn)) / Double(tcn), 0.02, "\(name) \(count) against the TCN's \(tcn)")
        }
        // 235 is the LSTM size closest to the TCN's count.
        XCTAssertLessThan(abs(4 * 235 * 237 - tcn), abs(4 * 234 * 236 - tcn))
        XCTAssertLessThan(abs(4 * 235 * 237 - tcn), abs(4 * 236 * 238 - tcn))
    }

    func testEachEncoderCodesEveryBeatAndSeesItsFirstSample() {
        var generator = SeededGenerator(seed: 2)
        let beats = Tensor.randomUniform([3, 187, 1], lower: 0, upper: 1, using: &generator)
        var changed = beats
        changed.scalars[0] += 0.5
        let inference = context(.inference)
        let cnn = ConvolutionalHeartbeatEncoder(generator: &generator)
        let lstm = RecurrentHeartbeatEncoder(generator: &generator)
        XCTAssertEqual(cnn(beats, in: inference).shape, [3, 64])
        XCTAssertEqual(lstm(beats, in: inference).shape, [3, 235])
        XCTAssertNotEqual(cnn(changed, in: inference).scalars[0..<64], cnn(beats, in: inference).scalars[0..<64])
        XCTAssertNotEqual(lstm(changed, in: inference).scalars[0..<235], lstm(beats, in: inference).scalars[0..<235])
        // Only the changed beat's code changes.
        XCTAssertEqual(lstm(changed, in: inference).scalars[235...], lstm(beats, in: inference).scalars[235...])
    }

    private func checkTraining<Encoder>(_ model: VariationalAutoencoder<Encoder, HeartbeatDecoder>, firstLayer: String,
                                        file: StaticString = #filePath, line: UInt = #line) throws {
        var generator = SeededGenerator(seed: 4)
        let beats = Tensor.randomUniform([4, 187, 1], lower: 0, upper: 1, using: &generator)
        let inference = context(.inference)
        let (mean, logVariance, _) = model.encode(beats, in: inference)
        XCTAssertEqual(mean.shape, [4, 10], file: file, line: line)
        XCTAssertEqual(logVariance.shape, [4, 10], file: file, line: line)
        XCTAssertEqual(model.decode(latent: mean, in: inference).shape, [4, 187, 1], file: file, line: line)
        XCTAssertEqual(model.structureName, "EU", "a plain β-VAE", file: file, line: line)
        let batch = TrainingBatch(unlabeled: beats)
        let (loss, gradient) = valueWithGradient(at: model) { $0.loss(batch, in: self.context()) }
        XCTAssertTrue(loss.scalar.isFinite, file: file, line: line)
        let path = try XCTUnwrap(VariationalAutoencoder<Encoder, HeartbeatDecoder>.parameterPaths.first { $0.name == firstLayer },
                                 file: file, line: line)
        let first = model.gradient(of: path, in: gradient).scalars
        XCTAssertTrue(first.allSatisfy(\.isFinite), file: file, line: line)
        XCTAssertGreaterThan(first.map(abs).max() ?? 0, 0, "the loss reaches \(firstLayer)", file: file, line: line)
    }

    func testTheCNNAndLSTMVAEsTrainDownToTheirFirstLayer() throws {
        var generator = SeededGenerator(seed: 5)
        try checkTraining(CNNHeartbeatVAE(cnnHeartbeatWithLatentSize: 10, likelihood: .bernoulli, beta: 0.01, generator: &generator),
                          firstLayer: "encoder.conv1.filter")
        try checkTraining(LSTMHeartbeatVAE(lstmHeartbeatWithLatentSize: 10, likelihood: .bernoulli, beta: 0.01, generator: &generator),
                          firstLayer: "encoder.lstm.inputWeight")
        try checkTraining(TCNHeartbeatVAE(tcnHeartbeatWithLatentSize: 10, likelihood: .bernoulli, beta: 0.01, generator: &generator),
                          firstLayer: "encoder.inputProjection.filter")
    }
}
