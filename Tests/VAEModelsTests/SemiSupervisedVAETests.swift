import _Differentiation
import NeuralLayers
import Randomness
import TensorCore
import XCTest
@testable import VAEModels

/// The one model definition with the switches of Figure 1, on a small dense instance.
final class SemiSupervisedVAETests: XCTestCase {
    private func smallModel(_ variant: ModelVariant, seed: UInt64 = 3) -> DenseSemiSupervisedVAE {
        var generator = SeededGenerator(seed: seed)
        return DenseSemiSupervisedVAE(denseVariant: variant, inputSize: 12, hiddenSize: 8, latentSize: 2,
                                      classCount: 3, generator: &generator)
    }

    private func smallBatch(seed: UInt64 = 4, labeled: Int = 3) -> SemiSupervisedBatch {
        var generator = SeededGenerator(seed: seed)
        let inputs = Tensor(shape: [6, 12], unsafeUninitialized: { out in
            for i in out.indices { out[i] = generator.uniformFloat() } })
        var labels = Tensor.zeros([6, 3])
        for row in 0..<6 { labels.scalars[row * 3 + row % 3] = 1 }
        let mask = Tensor(shape: [6], scalars: (0..<6).map { $0 < labeled ? 1 : 0 })
        return SemiSupervisedBatch(inputs: inputs, labels: labels, labeledMask: mask)
    }

    /// A context whose noise stream restarts at the same seed for every evaluation, so the
    /// loss is a deterministic function of the parameters for the finite differences.
    private func lossFunction(_ batch: SemiSupervisedBatch) -> @differentiable(reverse) (DenseSemiSupervisedVAE) -> Tensor {
        { model in
            let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 9))
            return model.loss(batch, in: context)
        }
    }

    func testLossGradientMatchesFiniteDifferencesForEveryVariant() {
        for variant in ModelVariant.allCases {
            let model = smallModel(variant)
            for result in GradientCheck.parameters(of: model, loss: lossFunction(smallBatch()), maxElementsPerTensor: 12) {
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
