import _Differentiation
import NeuralLayers
import Randomness
import TensorCore
import XCTest
@testable import VAEModels

/// Table 16 and its 64×64×1 adaptation: the layer sizes of the paper's table, heads that never
/// reach the decoder, and one step that trains.
final class FactorConvolutionalArchitectureTests: XCTestCase {
    func testTable16ShapesOnStereoPairs() {
        var generator = SeededGenerator(seed: 3)
        let model = FactorConvolutionalVAE(factorHeads: [("category", 5), ("elevation", 9), ("azimuth", 18), ("lighting", 6)],
                                           klWeight: 0.25, classWeight: 1, generator: &generator)
        XCTAssertEqual(model.encoder.exampleShape, [96, 96, 2])
        XCTAssertEqual(model.encoder.dense.inputSize, 2304, "Table 16: flatten (6, 6, 64)")
        XCTAssertEqual(model.encoder.dense.outputSize, 256)
        XCTAssertEqual(model.latentSize, 32)
        XCTAssertEqual(model.classCount, 5 + 9 + 18 + 6)
        XCTAssertEqual(model.decoder.dense.inputSize, 32, "the decoder reads z alone, never π")
        XCTAssertEqual(model.decoder.dense.outputSize, 2304)
        XCTAssertFalse(model.decoderReadsClasses)
        XCTAssertEqual([model.encoder.conv1, model.encoder.conv2, model.encoder.conv3, model.encoder.conv4].map(\.outputChannels), [32, 32, 64, 64])
        XCTAssertEqual([model.decoder.deconv1, model.decoder.deconv2, model.decoder.deconv3, model.decoder.deconv4].map(\.outputChannels), [64, 64, 32, 32])
        XCTAssertEqual(model.encoder.conv1.kernelSize, 7)
        let context = ForwardContext(phase: .inference, generator: SeededGeneratorBox(seed: 0))
        let (mean, logVariance, logits) = model.encode(Tensor.zeros([2, 96, 96, 2]), in: context)
        XCTAssertEqual(mean.shape, [2, 32])
        XCTAssertEqual(logVariance.shape, [2, 32])
        XCTAssertEqual(logits.shape, [2, 38])
        XCTAssertEqual(model.decode(latent: mean, classProbabilities: nil, in: context).shape, [2, 96, 96, 2])
    }

    func testDSpritesAdaptationShapes() {
        var generator = SeededGenerator(seed: 4)
        let model = FactorConvolutionalVAE(factorHeads: [], imageSize: 64, imageChannels: 1, klWeight: 0.25, classWeight: 0,
                                           generator: &generator)
        XCTAssertEqual(model.encoder.dense.inputSize, 1024, "4×4×64 after four halvings of 64")
        XCTAssertFalse(model.hasClassifier, "the unsupervised row has no π heads")
        let context = ForwardContext(phase: .inference, generator: SeededGeneratorBox(seed: 0))
        let (mean, _, _) = model.encode(Tensor.zeros([3, 64, 64, 1]), in: context)
        XCTAssertEqual(model.decode(latent: mean, classProbabilities: nil, in: context).shape, [3, 64, 64, 1])
    }

    /// Changing the π layer's weights leaves the loss's gradient with respect to the decoder
    /// exactly as it was: no path from the heads to the decoder.
    func testHeadsNeverReachTheDecoder() {
        var generator = SeededGenerator(seed: 5)
        var model = FactorConvolutionalVAE(factorHeads: [("a", 3), ("b", 2)], imageSize: 16, imageChannels: 1, latentSize: 4,
                                           klWeight: 0.25, classWeight: 10, generator: &generator)
        var inputs = Tensor.zeros([4, 16, 16, 1])
        for i in inputs.scalars.indices { inputs.scalars[i] = generator.uniformInt(below: 2) == 0 ? 0 : 1 }
        var labels = Tensor.zeros([4, 5])
        for row in 0..<4 { labels.scalars[row * 5 + row % 3] = 1; labels.scalars[row * 5 + 3 + row % 2] = 1 }
        let batch = TrainingBatch(inputs: inputs, labels: labels,
                                  labelMasks: [Tensor(shape: [4], scalars: [1, 1, 0, 0]), Tensor(shape: [4], scalars: [1, 0, 1, 0])])
        func decoderGradient(_ model: FactorConvolutionalVAE) -> [Float] {
            let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 9),
                                         latentNoise: Tensor(shape: [4, 4], repeating: 0.3))
            let gradient = TensorCore.gradient(at: model) { m -> Tensor in m.loss(batch, in: context) }
            return FactorConvolutionalVAE.parameterPaths.filter { $0.name.hasPrefix("decoder.") }
                .flatMap { model.gradient(of: $0, in: gradient).scalars }
        }
        let before = decoderGradient(model)
        for i in model.classifier.weight.scalars.indices { model.classifier.weight.scalars[i] *= -3 }
        XCTAssertEqual(decoderGradient(model), before)
        XCTAssertTrue(before.contains { $0 != 0 })
    }
}
