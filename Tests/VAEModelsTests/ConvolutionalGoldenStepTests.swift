import _Differentiation
import Foundation
import NeuralLayers
import Randomness
import TensorCore
import XCTest
@testable import VAEModels

/// The convolutional SS model (semisupervised-vae Table 14) itself against a PyTorch
/// re-statement of it: the loss, the gradient of every parameter and one RMSprop step, from
/// Fixtures/conv_semisupervised_step.json (tools/golden/make_model_fixtures.py). Reduced
/// widths (4 channels, top 16, 6×6 images) keep the fixture small while every layer kind of
/// the architecture runs: stride-1 and stride-2 Conv2D, ConvTranspose2D with and without
/// output padding, BatchNorm on NHWC and dense activations in training mode, both dropouts,
/// the reparameterisation, and the three loss terms.
///
/// Dropout is replayed, not disabled: the fixture's masks were drawn by a port of our
/// SeededGenerator in the order the model draws them (encoder, then decoder), and the test
/// first checks that our stream gives exactly those masks.
final class ConvolutionalGoldenStepTests: XCTestCase {
    /// Float32 against a float64 reference (measured: loss 6e-8 relative; gradients at most
    /// 3e-6 in relative distance per tensor, after eight batch normalisations over as few as
    /// 4 values whose 1/σ amplifies rounding; RMSprop steps at most 1.2e-6). The bounds leave
    /// a margin of 30 or more for other BLAS kernels and thread counts, yet fail on any real
    /// error: a wrong term or layout moves a gradient by O(1) relative.
    private let lossTolerance: Float = 1e-4
    private let gradientTolerance = 1e-4
    /// One RMSprop step is lr·g/(√((1−ρ)g²) + ε), nearly lr·sign(g)/√(1−ρ): an error in g
    /// barely shows, while a wrong ρ or learning rate moves every element.
    private let stepTolerance = 1e-4

    /// Biases that feed a batch normalisation: the normalisation subtracts the batch mean, so
    /// their gradient is zero in exact arithmetic (PyTorch's float64 gives ~1e-17) and ours is
    /// float32 rounding (measured at most 2e-7 of the largest gradient's norm). The test bounds
    /// its size instead of its relative distance, and does not compare their RMSprop step,
    /// which scales that rounding up to lr/√(1−ρ) (harmless: the normalisation cancels any bias).
    private let biasesBeforeBatchNorm: Set<String> = [
        "encoder.conv1.bias", "encoder.conv2.bias", "encoder.conv3.bias", "encoder.dense.bias",
        "decoder.dense.bias", "decoder.deconv1.bias", "decoder.deconv2.bias", "decoder.deconv3.bias",
    ]

    func testOneTrainingStepMatchesPyTorch() throws {
        let fixture = try ModelFixture.load("conv_semisupervised_step")
        var generator = SeededGenerator(seed: 0)
        var model = ConvolutionalSemiSupervisedVAE(
            convolutionalVariant: .semiSupervised, imageSize: fixture.count("imageSize"),
            channels: fixture.count("channels"), topSize: fixture.count("topSize"),
            latentSize: fixture.count("latentSize"), classCount: fixture.count("classes"), generator: &generator)
        for path in ConvolutionalSemiSupervisedVAE.parameterPaths {
            model[keyPath: path.value] = fixture.tensor("param.\(path.name)")
        }
        XCTAssertEqual(model.encoder.dropout.rate, fixture.number("dropoutRate"))
        XCTAssertEqual(model.decoder.dropout.rate, fixture.number("dropoutRate"))

        // The masks our stream draws are the fixture's, and the loss draws nothing else.
        let seed = UInt64(fixture.count("dropoutSeed"))
        let expectedStream = SeededGeneratorBox(seed: seed)
        for part in ["encoder", "decoder"] {
            let reference = fixture.tensor("dropoutMask.\(part)")
            XCTAssertEqual(Dropout.mask(shape: reference.shape, rate: fixture.number("dropoutRate"),
                                        generator: expectedStream), reference, "\(part) dropout mask")
        }

        let batch = TrainingBatch(inputs: fixture.tensor("x"), labels: fixture.tensor("labels"),
                                        labeledMask: fixture.tensor("mask"))
        let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: seed),
                                     latentNoise: fixture.tensor("epsilon"))
        let (loss, gradient) = valueWithGradient(at: model) { $0.loss(batch, in: context) }
        XCTAssertEqual(context.generator.generator.next(), expectedStream.generator.next(),
                       "the loss drew other than the two dropout masks from the stream")
        let referenceLoss = fixture.tensor("loss").scalar
        XCTAssertEqual(loss.scalar, referenceLoss, accuracy: lossTolerance * abs(referenceLoss))

        var optimizer = RMSprop(for: model, learningRate: fixture.number("rmspropLearningRate"),
                                rho: fixture.number("rmspropRho"), momentum: 0,
                                epsilon: fixture.number("rmspropEpsilon"))
        var stepped = model
        optimizer.update(&stepped, along: gradient)

        let largestGradient = ConvolutionalSemiSupervisedVAE.parameterPaths.map {
            euclideanNorm(fixture.tensor("grad.\($0.name)"))
        }.max()!
        for path in ConvolutionalSemiSupervisedVAE.parameterPaths {
            let ours = model.gradient(of: path, in: gradient)
            let reference = fixture.tensor("grad.\(path.name)")
            if biasesBeforeBatchNorm.contains(path.name) {
                XCTAssertLessThanOrEqual(euclideanNorm(reference), 1e-12 * largestGradient,
                                         "reference gradient of \(path.name) should vanish")
                XCTAssertLessThanOrEqual(euclideanNorm(ours), 1e-5 * largestGradient,
                                         "gradient of \(path.name) should vanish")
                continue
            }
            XCTAssertLessThanOrEqual(relativeDistance(ours, reference), gradientTolerance, "gradient of \(path.name)")
            let referenceStep = fixture.tensor("rmsprop.\(path.name)") - fixture.tensor("param.\(path.name)")
            let ourStep = stepped[keyPath: path.value] - model[keyPath: path.value]
            XCTAssertLessThanOrEqual(relativeDistance(ourStep, referenceStep), stepTolerance,
                                     "RMSprop step of \(path.name)")
        }
    }
}
