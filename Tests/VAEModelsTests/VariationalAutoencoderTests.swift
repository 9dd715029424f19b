import _Differentiation
import NeuralLayers
import Randomness
import TensorCore
import Foundation
import XCTest
@testable import VAEModels

/// The one VAE definition beyond paper 1's three switches: complete parameter lists, several
/// heads with their own masks, heads that do not feed the decoder, and the three objectives.
final class VariationalAutoencoderTests: XCTestCase {
    /// Every `Tensor` stored in a model's structs (class instances, such as batch-norm
    /// statistics, are not trainable and are not walked), by dotted path.
    private func storedTensors(_ value: Any, path: String = "") -> [String] {
        if value is Tensor { return [path] }
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .class { return [] }
        return mirror.children.flatMap { child -> [String] in
            let name = child.label ?? "?"
            return storedTensors(child.value, path: path.isEmpty ? name : path + "." + name)
        }
    }

    func testEveryStoredTensorIsAListedParameter() {
        var generator = SeededGenerator(seed: 1)
        let dense = DenseSemiSupervisedVAE(denseVariant: .semiSupervised, inputSize: 6, hiddenSize: 4, generator: &generator)
        let convolutional = ConvolutionalSemiSupervisedVAE(convolutionalVariant: .semiSupervised, imageSize: 8, channels: 2,
                                                           topSize: 4, generator: &generator)
        let recurrent = RecurrentSemiSupervisedVAE(recurrentVariant: .semiSupervised, features: 3, generator: &generator)
        func check<Model: ParameterCollection>(_ model: Model, _ name: String) {
            let stored = Set(storedTensors(model))
            let listed = Set(Model.parameterPaths.map(\.name))
            XCTAssertFalse(stored.isEmpty, name)
            XCTAssertEqual(stored.subtracting(listed).sorted(), [], "\(name): stored tensors no optimiser would ever update")
            XCTAssertEqual(listed.subtracting(stored).sorted(), [], "\(name): listed parameters that do not exist")
        }
        check(dense, "dense")
        check(convolutional, "convolutional")
        check(recurrent, "recurrent")
        check(AnoDMDigitVAE(anoDMDigitsWithLatentSize: 2, beta: 1, generator: &generator), "AnoDM digits")
        check(AnoDMCIFARVAE(anoDMCIFARWithLatentSize: 2, likelihood: .bernoulli, beta: 1, generator: &generator), "AnoDM CIFAR-10")
        check(AnoDMSmallNORBVAE(anoDMSmallNORBWithLatentSize: 2, likelihood: .bernoulli, beta: 1, generator: &generator),
              "AnoDM Small-NORB")
        check(TCNHeartbeatVAE(tcnHeartbeatWithLatentSize: 2, likelihood: .bernoulli, beta: 1, generator: &generator),
              "AnoDM Arrhythmia (TCN)")
        check(CNNHeartbeatVAE(cnnHeartbeatWithLatentSize: 2, likelihood: .bernoulli, beta: 1, generator: &generator),
              "AnoDM Arrhythmia (CNN)")
        check(LSTMHeartbeatVAE(lstmHeartbeatWithLatentSize: 2, likelihood: .bernoulli, beta: 1, generator: &generator),
              "AnoDM Arrhythmia (LSTM)")
        let factor = FactorConvolutionalVAE(factorHeads: [("a", 3), ("b", 2)], imageSize: 16, imageChannels: 1, latentSize: 3,
                                            klWeight: 0.25, classWeight: 1, generator: &generator)
        check(factor, "Table 16")
    }

    func testTheReflectionWalkFindsAForgottenParameter() {
        // The check above must be able to fail: a model that forgets a tensor in its list.
        struct Forgetful: ParameterCollection {
            var listed: Tensor
            var forgotten: Tensor
            static var parameterPaths: [ParameterPath<Forgetful>] { [ParameterPath("listed", \.listed, \.listed)] }
        }
        let model = Forgetful(listed: Tensor(1), forgotten: Tensor(2))
        XCTAssertEqual(Set(storedTensors(model)).subtracting(Forgetful.parameterPaths.map(\.name)), ["forgotten"])
    }

    /// Two heads (3 and 2 classes) that do not feed the decoder, on a small dense model.
    private func twoHeadModel(seed: UInt64 = 5) -> DenseSemiSupervisedVAE {
        var generator = SeededGenerator(seed: seed)
        let encoder = DenseEncoder(inputSize: 6, hiddenSize: 5, activation: .softplus, generator: &generator)
        return DenseSemiSupervisedVAE(
            encoder: encoder,
            latentMean: Dense(inputSize: 5, outputSize: 2, generator: &generator),
            latentLogVariance: Dense(inputSize: 5, outputSize: 2, generator: &generator),
            classifier: Dense(inputSize: 5, outputSize: 5, generator: &generator),
            decoder: DenseDecoder(inputSize: 2, hiddenSize: 5, outputSize: 6, activation: .softplus, generator: &generator),
            heads: [ClassifierHead(name: "shape", classCount: 3, feedsDecoder: false),
                    ClassifierHead(name: "scale", classCount: 2, feedsDecoder: false)],
            hasDecoder: true, likelihood: .bernoulli, classWeight: 2)
    }

    private func twoHeadBatch(shapeMask: [Float], scaleMask: [Float]) -> TrainingBatch {
        var generator = SeededGenerator(seed: 8)
        let inputs = Tensor(shape: [4, 6], unsafeUninitialized: { for i in $0.indices { $0[i] = generator.uniformFloat() } })
        // shape labels 0, 1, 2, 0; scale labels 1, 0, 1, 0, side by side.
        var labels = Tensor.zeros([4, 5])
        for (row, (shape, scale)) in [(0, 1), (1, 0), (2, 1), (0, 0)].enumerated() {
            labels.scalars[row * 5 + shape] = 1
            labels.scalars[row * 5 + 3 + scale] = 1
        }
        return TrainingBatch(inputs: inputs, labels: labels,
                             labelMasks: [Tensor(shape: [4], scalars: shapeMask), Tensor(shape: [4], scalars: scaleMask)])
    }

    func testEachHeadLearnsOnlyFromThePointsLabelledForIt() {
        let model = twoHeadModel()
        // Points 0, 1 labelled for the shape only, points 2, 3 for the scale only.
        let batch = twoHeadBatch(shapeMask: [1, 1, 0, 0], scaleMask: [0, 0, 1, 1])
        let recorder = LossRecorder()
        let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 2))
        _ = model.loss(batch, in: context, terms: recorder)
        // eq. 5 per head by hand: −(α/#labelled) Σ log softmax(logits of the head)[label].
        let logits = model.classifier(model.encoder(batch.inputs, in: context))
        func logSoftmaxAt(_ row: Int, _ columns: Range<Int>, _ label: Int) -> Double {
            let values = columns.map { Double(logits.scalars[row * 5 + $0]) }
            let top = values.max()!
            let logSum = top + Foundation.log(values.map { Foundation.exp($0 - top) }.reduce(0, +))
            return values[label] - logSum
        }
        let shape = -(2.0 / 2) * (logSoftmaxAt(0, 0..<3, 0) + logSoftmaxAt(1, 0..<3, 1))
        let scale = -(2.0 / 2) * (logSoftmaxAt(2, 3..<5, 1) + logSoftmaxAt(3, 3..<5, 0))
        XCTAssertEqual(Double(recorder.terms.classification), shape + scale, accuracy: 1e-4)
        // A point labelled for no head moves no classifier weight through its labels: changing
        // its labels changes nothing.
        var relabelled = batch
        relabelled.labels.scalars[2 * 5 + 0] = 1
        relabelled.labels.scalars[2 * 5 + 2] = 0
        let again = LossRecorder()
        _ = model.loss(relabelled, in: ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 2)), terms: again)
        XCTAssertEqual(again.terms.classification, recorder.terms.classification)
    }

    func testHeadsThatDoNotFeedTheDecoderLeaveItsGradientAlone() {
        let batch = twoHeadBatch(shapeMask: [1, 1, 1, 1], scaleMask: [1, 1, 1, 1])
        func decoderGradient(_ model: DenseSemiSupervisedVAE) -> [Float] {
            let gradient = TensorCore.gradient(at: model) { model -> Tensor in
                model.loss(batch, in: ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 3)))
            }
            return DenseSemiSupervisedVAE.parameterPaths.filter { $0.name.hasPrefix("decoder.") }
                .flatMap { model.gradient(of: $0, in: gradient).scalars }
        }
        let model = twoHeadModel()
        var other = model
        other.classifier.weight = other.classifier.weight * 3 + 1
        XCTAssertEqual(decoderGradient(model), decoderGradient(other), "the heads never reach the decoder")
        // With a head that feeds the decoder, the same change does reach it.
        var generator = SeededGenerator(seed: 5)
        let feeding = DenseSemiSupervisedVAE(denseVariant: .semiSupervised, inputSize: 6, hiddenSize: 5, classCount: 5,
                                             hiddenActivation: .softplus, generator: &generator)
        var feedingOther = feeding
        feedingOther.classifier.weight = feedingOther.classifier.weight * 3 + 1
        let oneHead = TrainingBatch(inputs: batch.inputs, labels: batch.labels, labeledMask: Tensor(shape: [4], repeating: 1))
        func gradient(_ model: DenseSemiSupervisedVAE) -> [Float] {
            let g = TensorCore.gradient(at: model) { m -> Tensor in m.loss(oneHead, in: ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 3))) }
            return model.gradient(of: DenseSemiSupervisedVAE.parameterPaths.first { $0.name == "decoder.hidden1.weight" }!, in: g).scalars
        }
        XCTAssertNotEqual(gradient(feeding), gradient(feedingOther))
    }

    func testObjectivesAgainstTheirFormulas() {
        var generator = SeededGenerator(seed: 11)
        var model = DenseSemiSupervisedVAE(denseVariant: .unsupervisedVAE, inputSize: 4, hiddenSize: 3, classCount: 2,
                                           generator: &generator)
        let inputs = Tensor(shape: [2, 4], scalars: [0.1, 0.9, 0.5, 0.3, 0.7, 0.2, 0.4, 0.8])
        let noise = Tensor(shape: [2, 2], scalars: [0.3, -1.2, 0.5, 0.1])
        let batch = TrainingBatch(unlabeled: inputs, wanted: Tensor(shape: [2], scalars: [1, 0]))
        let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 1), latentNoise: noise)
        // The pieces, computed with the model's own layers.
        let top = model.encoder(inputs, in: context)
        let mean = model.latentMean(top), logVariance = model.latentLogVariance(top)
        let kl = klDivergenceFromStandardNormal(mean: mean, logVariance: logVariance).scalars.map(Double.init)
        let output = model.decoder(reparameterize(mean: mean, logVariance: logVariance, noise: noise), in: context)
        let nll = (-model.likelihood.logLikelihood(of: inputs, given: output)).scalars.map(Double.init)
        let xHat = sigmoid(output).scalars
        var squared = [0.0, 0.0]
        for n in 0..<2 {
            for k in 0..<4 {
                let d = Double(inputs.scalars[n * 4 + k]) - Double(xHat[n * 4 + k])
                squared[n] += d * d
            }
        }

        model.klWeight = 0.5
        XCTAssertEqual(Double(model.loss(batch, in: context).scalar), (nll[0] + nll[1]) / 2 + 0.5 * (kl[0] + kl[1]) / 2, accuracy: 1e-4)
        model.objective = .betaCapacity(capacity: 0.2)
        model.klWeight = 4
        let beta = ((nll[0] + 4 * abs(kl[0] - 0.2)) + (nll[1] + 4 * abs(kl[1] - 0.2))) / 2
        XCTAssertEqual(Double(model.loss(batch, in: context).scalar), beta, accuracy: 1e-4)
        model.objective = .vabc(gamma: 3, variance: 2)
        model.klWeight = 1
        let l = squared.map { $0 / 4 }
        let vabc = ((kl[0] + l[0]) + (kl[1] - Foundation.log(1 - Foundation.exp(-3 * l[1])))) / 2
        XCTAssertEqual(Double(model.loss(batch, in: context).scalar), vabc, accuracy: 1e-4)
    }
}
