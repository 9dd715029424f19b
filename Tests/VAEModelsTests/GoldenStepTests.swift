import _Differentiation
import Foundation
import NeuralLayers
import Randomness
import TensorCore
import XCTest
@testable import VAEModels

/// The dense SS model itself (not a copy of it) against PyTorch: one loss, its gradient and
/// one RMSprop step, from Tests/NeuralLayersTests/Fixtures/semisupervised_step.json
/// (tools/golden/make_fixtures.py). Catches any drift between the model's loss assembly and
/// eq. 3–5 that finite differences, blurred by relu kinks, could miss.
final class GoldenStepTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Entry: Decodable { let shape: [Int]; let values: [Float] }
        let tensors: [String: Entry]
        func tensor(_ name: String) -> Tensor {
            guard let entry = tensors[name] else { preconditionFailure("fixture has no tensor \(name)") }
            return Tensor(shape: entry.shape, scalars: entry.values)
        }
    }

    /// Our parameter names next to the fixture's.
    private let names: [(ours: String, theirs: String)] = [
        ("encoder.hidden1", "encoder1"), ("encoder.hidden2", "encoder2"), ("latentMean", "mu"),
        ("latentLogVariance", "logVar"), ("classifier", "classLogits"), ("decoder.hidden1", "decoder1"),
        ("decoder.hidden2", "decoder2"), ("decoder.output", "decoderOutput"),
    ]

    func testOneTrainingStepMatchesPyTorch() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../NeuralLayersTests/Fixtures/semisupervised_step.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        var generator = SeededGenerator(seed: 0)
        var model = DenseSemiSupervisedVAE(denseVariant: .semiSupervised, inputSize: 16, hiddenSize: 12,
                                           latentSize: 2, classCount: 3, generator: &generator)
        let paths = Dictionary(uniqueKeysWithValues: DenseSemiSupervisedVAE.parameterPaths.map { ($0.name, $0) })
        for (ours, theirs) in names {
            for part in ["weight", "bias"] {
                model[keyPath: paths["\(ours).\(part)"]!.value] = fixture.tensor("param.\(theirs).\(part)")
            }
        }
        let batch = TrainingBatch(inputs: fixture.tensor("x"), labels: fixture.tensor("labels"),
                                        labeledMask: fixture.tensor("mask"))
        let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 0),
                                     latentNoise: fixture.tensor("epsilon"))
        let (loss, gradient) = valueWithGradient(at: model) { $0.loss(batch, in: context) }
        XCTAssertEqual(loss.scalar, fixture.tensor("loss").scalar, accuracy: 1e-4 * abs(fixture.tensor("loss").scalar))

        var optimizer = RMSprop(for: model, learningRate: 5e-4, rho: 0.9, momentum: 0, epsilon: 1e-7)
        var stepped = model
        optimizer.update(&stepped, along: gradient)
        for (ours, theirs) in names {
            for part in ["weight", "bias"] {
                let path = paths["\(ours).\(part)"]!
                let reference = fixture.tensor("grad.\(theirs).\(part)")
                let bound = 1e-4 * max(1, reference.scalars.map(abs).max()!)
                let ourGradient = model.gradient(of: path, in: gradient)
                let gap = zip(ourGradient.scalars, reference.scalars).map { abs($0 - $1) }.max()!
                XCTAssertLessThanOrEqual(gap, bound, "gradient of \(path.name)")
                let referenceStep = fixture.tensor("rmsprop.\(theirs).\(part)") - fixture.tensor("param.\(theirs).\(part)")
                let ourStep = stepped[keyPath: path.value] - model[keyPath: path.value]
                let largest = referenceStep.scalars.map(abs).max()!
                let stepGap = zip(ourStep.scalars, referenceStep.scalars).map { abs($0 - $1) }.max()!
                XCTAssertLessThanOrEqual(stepGap, 1e-3 * largest, "RMSprop step of \(path.name)")
            }
        }
    }
}
