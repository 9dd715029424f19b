import Foundation
import NeuralLayers
import Randomness
import TensorCore
import VABCStudy
import VAEModels

/// The V-ABC training step of the MNIST cells (vabc V-C): the 784-300-100 MLP with a 2-D latent
/// space, batch 80 (40 unlabeled, 40 unwanted), Adam, the V-ABC loss at its final weights.
enum VABCTiming {
    static func step(steps: Int, warmUp: Int = 3) throws -> StepTimings.Timing {
        let settings = VABCDatasetSettings.mnist()
        var generator = SeededGenerator(seed: 0)
        var model = VABCModel(vabc: settings, generator: &generator)
        VABCAnnealing(settings: settings, stepsPerEpoch: 1).adjust(&model, step: Int(settings.annealingEpochs))
        var pixels = SeededGenerator(seed: 1)
        let inputs = Tensor(shape: [80, 784], unsafeUninitialized: { out in
            for i in out.indices { out[i] = pixels.uniformFloat() } })
        let batch = TrainingBatch(unlabeled: inputs, wanted: Tensor(shape: [80], scalars: (0..<80).map { $0 < 40 ? 1 : 0 }))
        let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 2))
        return try StepTimings.time(model, optimizer: Adam(for: model), steps: steps, warmUp: warmUp) {
            $0.loss(batch, in: context)
        }
    }
}

extension BenchReport {
    mutating func measureVABC(steps: Int) throws {
        let timing = try VABCTiming.step(steps: max(20, steps))
        record("vabc_step_ms", timing.medianMilliseconds, "V-ABC step, MNIST MLP, batch 80 (ms, median)")
    }
}
