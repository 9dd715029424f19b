import _Differentiation
import NeuralLayers
import Randomness
import TensorCore
import XCTest
@testable import VAEModels

/// The one model definition with the switches of Figure 1, on a small dense instance.
final class SemiSupervisedVAETests: XCTestCase {
    private func smallModel(_ variant: ModelVariant, seed: UInt64 = 3,
                            hiddenActivation: Activation = .relu) -> DenseSemiSupervisedVAE {
        var generator = SeededGenerator(seed: seed)
        return DenseSemiSupervisedVAE(denseVariant: variant, inputSize: 12, hiddenSize: 8, latentSize: 2,
                                      classCount: 3, hiddenActivation: hiddenActivation, generator: &generator)
    }

    private func smallBatch(seed: UInt64 = 4, labeled: Int = 3) -> TrainingBatch {
        var generator = SeededGenerator(seed: seed)
        let inputs = Tensor(shape: [6, 12], unsafeUninitialized: { out in
            for i in out.indices { out[i] = generator.uniformFloat() } })
        var labels = Tensor.zeros([6, 3])
        for row in 0..<6 { labels.scalars[row * 3 + row % 3] = 1 }
        let mask = Tensor(shape: [6], scalars: (0..<6).map { $0 < labeled ? 1 : 0 })
        return TrainingBatch(inputs: inputs, labels: labels, labeledMask: mask)
    }

    /// A context whose noise stream restarts at the same seed for every evaluation, so the
    /// loss is a deterministic function of the parameters for the finite differences.
    private func lossFunction(_ batch: TrainingBatch) -> @differentiable(reverse) (DenseSemiSupervisedVAE) -> Tensor {
        { model in
            let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 9))
            return model.loss(batch, in: context)
        }
    }

    func testLossGradientMatchesFiniteDifferencesForEveryVariant() {
        for variant in ModelVariant.allCases {
            // Smooth hidden units, so finite differences meet no relu kinks; the paper's relu
            // model is compared exactly with PyTorch in GoldenStepTests.
            let model = smallModel(variant, hiddenActivation: .softplus)
            for result in GradientCheck.parameters(of: model, loss: lossFunction(smallBatch()),
                                                   maxElementsPerTensor: 12) {
                XCTAssertLessThan(result.relativeError, 5e-3, "\(variant.rawValue) \(result)")
            }
        }
    }

    func testSwitchesDecideWhichPartsLearn() {
        let batch = smallBatch()
        for variant in ModelVariant.allCases {
            let model = smallModel(variant)
            let g = gradient(at: model, of: lossFunction(batch))
            let classifierMoves = model.gradient(of: DenseSemiSupervisedVAE.parameterPaths.first { $0.name == "classifier.weight" }!, in: g)
                .scalars.contains { $0 != 0 }
            let decoderMoves = model.gradient(of: DenseSemiSupervisedVAE.parameterPaths.first { $0.name == "decoder.output.weight" }!, in: g)
                .scalars.contains { $0 != 0 }
            XCTAssertEqual(classifierMoves, variant.hasClassifier, variant.rawValue)
            XCTAssertEqual(decoderMoves, variant.hasDecoder, variant.rawValue)
        }
        XCTAssertEqual(smallModel(.semiSupervised).decoder.hidden1.inputSize, 2 + 3, "SS decoder reads z ⊕ π")
        XCTAssertEqual(smallModel(.unsupervisedVAE).decoder.hidden1.inputSize, 2, "EU decoder reads z")
    }

    func testLossTermsAddUpAndUnlabeledBatchesHaveNoClassificationTerm() {
        let model = smallModel(.semiSupervised)
        let recorder = LossRecorder()
        let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 9))
        let total = model.loss(smallBatch(), in: context, terms: recorder).scalar
        XCTAssertEqual(total, recorder.terms.total, accuracy: 1e-4 * abs(total))
        XCTAssertGreaterThan(recorder.terms.classification, 0)
        let unlabeled = LossRecorder()
        _ = model.loss(smallBatch(labeled: 0), in: context, terms: unlabeled)
        XCTAssertEqual(unlabeled.terms.classification, 0)
    }

    func testTrainingIsReproducibleAndReducesTheLoss() throws {
        func train() throws -> (first: Float, last: Float, weights: [Float]) {
            var model = smallModel(.semiSupervised)
            var optimizer = RMSprop(for: model, learningRate: 5e-3, rho: 0.9)
            let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 21))
            let batch = smallBatch()
            var losses: [Float] = []
            for _ in 0..<60 {
                losses.append(try trainingStep(&model, optimizer: &optimizer) { $0.loss(batch, in: context) })
            }
            return (losses[0], losses.suffix(5).reduce(0, +) / 5, model.encoder.hidden1.weight.scalars)
        }
        let a = try train(), b = try train()
        XCTAssertEqual(a.weights, b.weights, "same seed, same bits")
        XCTAssertLessThan(a.last, a.first)
    }

    func testANaNInTheDataStopsTrainingWithTheTermNamed() {
        var model = smallModel(.semiSupervised)
        let before = model.encoder.hidden1.weight
        var optimizer = RMSprop(for: model, learningRate: 1e-3, rho: 0.9)
        var batch = smallBatch()
        batch.inputs.scalars[5] = .nan
        let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 1))
        let recorder = LossRecorder()
        XCTAssertThrowsError(try trainingStep(&model, optimizer: &optimizer, terms: recorder) {
            $0.loss(batch, in: context, terms: recorder)
        }) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("reconstruction"), text)
        }
        XCTAssertEqual(model.encoder.hidden1.weight, before, "a failed step leaves the model unchanged")
    }
}

final class InputValidationTests: XCTestCase {
    func testABatchOfTheWrongShapeIsRefusedWithAClearMessage() {
        var generator = SeededGenerator(seed: 1)
        let dense = DenseSemiSupervisedVAE(denseVariant: .semiSupervised, inputSize: 784, hiddenSize: 4,
                                           classCount: 10, generator: &generator)
        let wrong = TrainingBatch(inputs: .zeros([2, 28, 27]), labels: .zeros([2, 10]), labeledMask: .zeros([2]))
        XCTAssertThrowsError(try dense.validate(wrong)) { error in
            XCTAssertEqual(String(describing: error),
                           "model SS reads examples of shape [784], but the batch holds examples of shape [28, 27] (batch shape [2, 28, 27])")
        }
        let wrongClasses = TrainingBatch(inputs: .zeros([2, 784]), labels: .zeros([2, 6]), labeledMask: .zeros([2]))
        XCTAssertThrowsError(try dense.validate(wrongClasses)) { error in
            XCTAssertTrue(String(describing: error).contains("predicts 10 classes, but the labels have 6 columns"))
        }
        XCTAssertNoThrow(try dense.validate(TrainingBatch(inputs: .zeros([2, 784]), labels: .zeros([2, 10]),
                                                                labeledMask: .zeros([2]))))
        let convolutional = ConvolutionalSemiSupervisedVAE(convolutionalVariant: .supervisedEncoder, channels: 4,
                                                           topSize: 8, generator: &generator)
        XCTAssertEqual(convolutional.encoder.exampleShape, [28, 28, 1])
        XCTAssertThrowsError(try convolutional.validate(TrainingBatch(inputs: .zeros([2, 784]), labels: .zeros([2, 10]),
                                                                           labeledMask: .zeros([2]))))
        let recurrent = RecurrentSemiSupervisedVAE(recurrentVariant: .unsupervisedVAE, generator: &generator)
        XCTAssertNoThrow(try recurrent.validate(TrainingBatch(inputs: .zeros([2, 128, 6]), labels: .zeros([2, 6]),
                                                                   labeledMask: .zeros([2]))))
    }
}

/// Whole-model gradient checks of the convolutional and recurrent architectures, small, with
/// smooth hidden units (softplus) so that finite differences meet no relu kinks.
final class ArchitectureGradientTests: XCTestCase {
    func testConvolutionalModelGradients() {
        var generator = SeededGenerator(seed: 5)
        let model = ConvolutionalSemiSupervisedVAE(convolutionalVariant: .semiSupervised, imageSize: 8, channels: 3,
                                                   topSize: 6, latentSize: 2, classCount: 3,
                                                   hiddenActivation: .softplus, generator: &generator)
        let inputs = Tensor(shape: [4, 8, 8, 1], unsafeUninitialized: { out in
            for i in out.indices { out[i] = generator.uniformFloat() } })
        var labels = Tensor.zeros([4, 3])
        for row in 0..<4 { labels.scalars[row * 3 + row % 3] = 1 }
        let batch = TrainingBatch(inputs: inputs, labels: labels, labeledMask: Tensor(shape: [4], scalars: [1, 1, 0, 0]))
        let loss: @differentiable(reverse) (ConvolutionalSemiSupervisedVAE) -> Tensor = { model in
            model.loss(batch, in: ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 9)))
        }
        let results = GradientCheck.parameters(of: model, loss: loss, maxElementsPerTensor: 6)
        let resolution = finiteDifferenceResolution(loss: loss(model).scalar)
        // A bias followed by batch normalisation has no effect on the output: its gradient is
        // zero, and finite differences see only rounding noise there.
        let biasesBeforeNormalisation: Set<String> = [
            "encoder.conv1.bias", "encoder.conv2.bias", "encoder.conv3.bias", "encoder.dense.bias",
            "decoder.dense.bias", "decoder.deconv1.bias", "decoder.deconv2.bias", "decoder.deconv3.bias"]
        for result in results {
            if biasesBeforeNormalisation.contains(result.label) {
                XCTAssertLessThan(abs(result.worstAnalytic), 1e-4, "\(result)")
            } else {
                XCTAssertTrue(result.relativeError < 1e-2 || abs(result.worstAnalytic - result.worstNumeric) < resolution,
                              "\(result)")
            }
        }
    }

    func testRecurrentModelGradients() {
        var generator = SeededGenerator(seed: 6)
        let model = RecurrentSemiSupervisedVAE(recurrentVariant: .semiSupervised, features: 3, latentSize: 2,
                                               classCount: 2, hiddenActivation: .softplus, generator: &generator)
        let inputs = Tensor.randomNormal([2, 5, 3], standardDeviation: 0.5, using: &generator)
        let batch = TrainingBatch(inputs: inputs, labels: Tensor(shape: [2, 2], scalars: [1, 0, 0, 1]),
                                        labeledMask: Tensor(shape: [2], scalars: [1, 0]))
        let loss: @differentiable(reverse) (RecurrentSemiSupervisedVAE) -> Tensor = { model in
            model.loss(batch, in: ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 9)))
        }
        let resolution = finiteDifferenceResolution(loss: loss(model).scalar)
        for result in GradientCheck.parameters(of: model, loss: loss, maxElementsPerTensor: 8) {
            XCTAssertTrue(result.relativeError < 1e-2 || abs(result.worstAnalytic - result.worstNumeric) < resolution,
                          "\(result)")
        }
    }

    /// The smallest derivative a central difference of a Float32 loss can resolve at the
    /// default step: the loss is a sum of hundreds of rounded terms, so each evaluation is off
    /// by several units in the last place (10 here), over twice the step. A tensor whose
    /// gradients are that small is judged by its absolute error instead.
    private func finiteDifferenceResolution(loss: Float, step: Float = 1e-2) -> Double {
        10 * Double(loss.ulp) / (2 * Double(step))
    }
}
