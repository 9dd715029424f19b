import _Differentiation
import NeuralLayers
import Randomness
import TensorCore
import XCTest
@testable import VAEModels

/// AnoDM Table 3, Arrhythmia: the TCN encoder against a PyTorch restatement of keras-tcn's TCN
/// of 2019, its receptive field over a whole beat, and a decoder that closes on 187 samples.
final class HeartbeatArchitectureTests: XCTestCase {
    private func context(_ phase: LearningPhase = .training, seed: UInt64 = 3) -> ForwardContext {
        ForwardContext(phase: phase, generator: SeededGeneratorBox(seed: seed))
    }

    func testTCNEncoderMatchesPyTorchRestatementOfKerasTCN() throws {
        let fixture = try ModelFixture.load("tcn_encoder")
        func conv(_ name: String, dilation: Int = 1, activation: Activation = .linear) -> CausalConv1D {
            CausalConv1D(filter: fixture.tensor("\(name).filter"), bias: fixture.tensor("\(name).bias"),
                         dilation: dilation, activation: activation)
        }
        let blocks = TCNEncoder.dilations.enumerated().map { index, dilation in
            TemporalBlock(conv1: conv("block\(index + 1).conv1", dilation: dilation, activation: .relu),
                          conv2: conv("block\(index + 1).conv2", dilation: dilation, activation: .relu),
                          skip: conv("block\(index + 1).skip"), style: .kerasTCN2019)
        }
        let encoder = TCNEncoder(inputProjection: conv("inputProjection"), blocks: blocks)
        let input = fixture.tensor("input"), projection = fixture.tensor("projection")
        let phase = context()
        XCTAssertLessThan(relativeDistance(encoder(input, in: phase), fixture.tensor("output")), 1e-5)
        let (_, pullback) = valueWithPullback(at: encoder, input) { encoder, input in
            (encoder(input, in: phase) * projection).sum()
        }
        let (encoderGradient, inputGradient) = pullback(Tensor(1))
        XCTAssertLessThan(relativeDistance(inputGradient, fixture.tensor("grad.input")), 1e-5)
        XCTAssertEqual(TCNEncoder.parameterPaths.count, 2 + 6 * 6)
        for path in TCNEncoder.parameterPaths {
            // The last block's residual output is discarded (the code is the sum of the blocks'
            // F(x)), so its 1×1 residual convolution gets no gradient, in keras-tcn as here.
            if path.name.hasPrefix("block6.skip") {
                XCTAssertEqual(encoder.gradient(of: path, in: encoderGradient).scalars.map(abs).max(), 0, path.name)
                continue
            }
            XCTAssertLessThan(relativeDistance(encoder.gradient(of: path, in: encoderGradient),
                                               fixture.tensor("grad.\(path.name)")), 1e-5, path.name)
        }
    }

    func testTheLastStepSeesTheFirstSampleOfA187SampleBeat() {
        var generator = SeededGenerator(seed: 4)
        let encoder = TCNEncoder(generator: &generator)
        XCTAssertEqual(encoder.receptiveField, 1 + 2 * 3 * 63)
        let beat = Tensor.randomUniform([1, 187, 1], lower: 0, upper: 1, using: &generator)
        let inference = context(.inference)
        let code = encoder(beat, in: inference)
        XCTAssertEqual(code.shape, [1, 64])
        var changed = beat
        changed.scalars[0] += 0.5
        XCTAssertNotEqual(encoder(changed, in: inference).scalars, code.scalars, "the first sample reaches the code")
    }

    func testDecoderClosesOn187SamplesAndTheVAETrains() throws {
        var generator = SeededGenerator(seed: 5)
        let model = TCNHeartbeatVAE(tcnHeartbeatWithLatentSize: 8, likelihood: .gaussian(variance: 1), beta: 0.5,
                                    generator: &generator)
        let beats = Tensor.randomUniform([4, 187, 1], lower: 0, upper: 1, using: &generator)
        let inference = context(.inference)
        let (mean, _, _) = model.encode(beats, in: inference)
        XCTAssertEqual(mean.shape, [4, 8])
        XCTAssertEqual(model.decode(latent: mean, in: inference).shape, [4, 187, 1])
        let batch = TrainingBatch(unlabeled: beats)
        let (loss, gradient) = valueWithGradient(at: model) { $0.loss(batch, in: self.context()) }
        XCTAssertTrue(loss.scalar.isFinite)
        let first = try XCTUnwrap(TCNHeartbeatVAE.parameterPaths.first { $0.name == "encoder.inputProjection.filter" })
        XCTAssertGreaterThan(model.gradient(of: first, in: gradient).scalars.map(abs).max() ?? 0, 0)
    }

    func testKerasStyleBlocksAddTheResidualLinearlyAndDropWholeChannels() {
        // F(x) = 0 (zero filters), skip = −x: the keras-tcn block returns −x (no relu), Bai et al.'s relu(−x).
        let zero = CausalConv1D(filter: .zeros([2, 1, 1]), bias: .zeros([1]), activation: .relu)
        let negate = CausalConv1D(filter: Tensor(shape: [1, 1, 1], scalars: [-1]), bias: .zeros([1]))
        let x = Tensor(shape: [1, 3, 1], scalars: [1, -2, 3])
        let keras = TemporalBlock(conv1: zero, conv2: zero, skip: negate, style: .kerasTCN2019)
        let bai = TemporalBlock(conv1: zero, conv2: zero, skip: negate, style: .baiEtAl)
        XCTAssertEqual(keras(x, in: context(.inference)).scalars, [-1, 2, -3])
        XCTAssertEqual(bai(x, in: context(.inference)).scalars, [0, 2, 0])

        var generator = SeededGenerator(seed: 6)
        let values = Tensor.randomUniform([8, 10, 6], lower: 1, upper: 2, using: &generator)
        let dropout = SpatialDropout(rate: 0.5)
        XCTAssertEqual(dropout(values, in: context(.inference)), values)
        let dropped = dropout(values, in: context(.training, seed: 11))
        var droppedChannels = 0
        for n in 0..<8 {
            for c in 0..<6 {
                let column = (0..<10).map { dropped.scalars[(n * 10 + $0) * 6 + c] }
                let kept = (0..<10).map { 2 * values.scalars[(n * 10 + $0) * 6 + c] }
                if column.allSatisfy({ $0 == 0 }) { droppedChannels += 1 } else { XCTAssertEqual(column, kept) }
            }
        }
        XCTAssertGreaterThan(droppedChannels, 8)
        XCTAssertLessThan(droppedChannels, 40)
    }
}
