import _Differentiation
import Foundation
import NeuralLayers
import Randomness
import TensorCore
import XCTest
@testable import VAEModels

/// Ten training steps of the dense models (semisupervised-vae Table 13, SS, ES and EU at
/// reduced widths) against PyTorch, as llm.c's test_gpt2 checks ten steps rather than one:
/// a wrong optimiser state (ρ, the square averages carried between steps) or a loss term
/// that only matters once the parameters move shows up here and not in a single step.
/// Fixture: Fixtures/dense_trajectory.json (tools/golden/make_model_fixtures.py); step k
/// trains on batch x[k] with ε = epsilon[k] through the public `trainingStep`.
final class DenseTrajectoryGoldenTests: XCTestCase {
    /// Float32 against a float64 reference: the loss before every step to 1e-4 relative
    /// (measured gaps at most 1.4e-7). The parameters after ten steps are compared by how far
    /// they moved, ‖Δours − Δref‖/‖Δref‖ per tensor: RMSprop's steps are nearly
    /// lr·sign(g)/√s, so rounding in g changes them little (measured at most 4.2e-6), while a
    /// learning rate 1% off, or a wrong ρ, moves them by 1e-2 relative or more.
    private let lossTolerance: Float = 1e-4
    private let movementTolerance = 1e-4

    func testTenStepsOfTheSemiSupervisedModelMatchPyTorch() throws {
        try checkTrajectory(.semiSupervised)
    }

    func testTenStepsOfTheSupervisedEncoderMatchPyTorch() throws {
        try checkTrajectory(.supervisedEncoder)
    }

    func testTenStepsOfTheUnsupervisedVAEMatchPyTorch() throws {
        try checkTrajectory(.unsupervisedVAE)
    }

    private func checkTrajectory(_ variant: ModelVariant) throws {
        let fixture = try ModelFixture.load("dense_trajectory")
        let name = variant.rawValue
        var generator = SeededGenerator(seed: 0)
        var model = DenseSemiSupervisedVAE(denseVariant: variant, inputSize: fixture.count("inputSize"),
                                           hiddenSize: fixture.count("hiddenSize"),
                                           latentSize: fixture.count("latentSize"),
                                           classCount: fixture.count("classes"), generator: &generator)
        for path in DenseSemiSupervisedVAE.parameterPaths {
            // EU's decoder reads z alone, so its first layer has its own (narrower) start.
            let own = variant == .unsupervisedVAE && path.name == "decoder.hidden1.weight"
            model[keyPath: path.value] = fixture.tensor(own ? "initial.EU.\(path.name)" : "initial.\(path.name)")
        }
        let start = model
        var optimizer = RMSprop(for: model, learningRate: fixture.number("rmspropLearningRate"),
                                rho: fixture.number("rmspropRho"), momentum: 0,
                                epsilon: fixture.number("rmspropEpsilon"))
        let referenceLosses = fixture.tensor("\(name).losses").scalars
        XCTAssertEqual(referenceLosses.count, fixture.count("steps"))
        for step in referenceLosses.indices {
            let batch = TrainingBatch(inputs: fixture.tensor("x", at: step),
                                            labels: fixture.tensor("labels", at: step),
                                            labeledMask: fixture.tensor("mask"))
            let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 0),
                                         latentNoise: fixture.tensor("epsilon", at: step))
            let loss = try trainingStep(&model, optimizer: &optimizer) { $0.loss(batch, in: context) }
            XCTAssertEqual(loss, referenceLosses[step], accuracy: lossTolerance * abs(referenceLosses[step]),
                           "\(name) loss before step \(step + 1)")
        }

        let paths = Dictionary(uniqueKeysWithValues: DenseSemiSupervisedVAE.parameterPaths.map { ($0.name, $0) })
        let trained = model.trainedParameterNames
        XCTAssertEqual(Set(trained), Set(fixture.tensors.keys.filter { $0.hasPrefix("\(name).final.") }
                                            .map { String($0.dropFirst("\(name).final.".count)) }))
        for parameter in trained {
            let path = paths[parameter]!
            let ourMovement = model[keyPath: path.value] - start[keyPath: path.value]
            let referenceMovement = fixture.tensor("\(name).final.\(parameter)") - start[keyPath: path.value]
            XCTAssertLessThanOrEqual(relativeDistance(ourMovement, referenceMovement), movementTolerance,
                                     "\(name) parameter \(parameter) after \(referenceLosses.count) steps")
        }
    }
}
