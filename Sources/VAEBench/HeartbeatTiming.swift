import Foundation
import NeuralLayers
import Randomness
import TensorCore
import VAEModels

/// The training steps of the ECG section (anodm section 4.5): the β-VAE with each of the three
/// encoders of Figure 5 (TCN, CNN, LSTM) and Table 3's Arrhythmia decoder, batch 100 of
/// 187-sample beats, Adam, a 10-D latent and a Bernoulli decoder, as the section's cells train.
enum HeartbeatTiming {
    static func step<Encoder>(_ model: VariationalAutoencoder<Encoder, HeartbeatDecoder>, steps: Int,
                              warmUp: Int = 2) throws -> StepTimings.Timing {
        var values = SeededGenerator(seed: 1)
        let beats = Tensor.randomUniform([100, 187, 1], lower: 0, upper: 1, using: &values)
        let batch = TrainingBatch(unlabeled: beats)
        let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 2))
        return try StepTimings.time(model, optimizer: Adam(for: model), steps: steps, warmUp: warmUp) {
            $0.loss(batch, in: context)
        }
    }
}

extension BenchReport {
    mutating func measureHeartbeatEncoders(steps: Int) throws {
        var generator = SeededGenerator(seed: 0)
        let tcn = try HeartbeatTiming.step(
            TCNHeartbeatVAE(tcnHeartbeatWithLatentSize: 10, likelihood: .bernoulli, beta: 0.01, generator: &generator), steps: steps)
        record("ecg_tcn_step_ms", tcn.medianMilliseconds, "ECG β-VAE step, TCN encoder, batch 100 × 187 (ms, median)")
        let cnn = try HeartbeatTiming.step(
            CNNHeartbeatVAE(cnnHeartbeatWithLatentSize: 10, likelihood: .bernoulli, beta: 0.01, generator: &generator), steps: steps)
        record("ecg_cnn_step_ms", cnn.medianMilliseconds, "ECG β-VAE step, CNN encoder, batch 100 × 187 (ms, median)")
        let lstm = try HeartbeatTiming.step(
            LSTMHeartbeatVAE(lstmHeartbeatWithLatentSize: 10, likelihood: .bernoulli, beta: 0.01, generator: &generator), steps: steps)
        record("ecg_lstm_step_ms", lstm.medianMilliseconds, "ECG β-VAE step, LSTM encoder, batch 100 × 187 (ms, median)")
    }
}

extension BenchReport {
    /// AnoDM's β-VAE for MNIST (Table 3's digit networks, a 10-D latent, Adam at 1e-3, batch
    /// 100 of 28×28 images), as the anodm-heatmaps cells train it.
    mutating func measureAnoDMImageModel(steps: Int) throws {
        var generator = SeededGenerator(seed: 0)
        let model = AnoDMDigitVAE(anoDMDigitsWithLatentSize: 10, beta: 1, generator: &generator)
        var values = SeededGenerator(seed: 1)
        let images = Tensor(shape: [100, 28, 28, 1], unsafeUninitialized: { out in
            for i in out.indices { out[i] = values.uniformFloat() > 0.5 ? 1 : 0 }
        })
        let batch = TrainingBatch(unlabeled: images)
        let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 2))
        let timing = try StepTimings.time(model, optimizer: Adam(for: model, learningRate: 1e-3), steps: steps,
                                          warmUp: 2) { $0.loss(batch, in: context) }
        record("anodm_digits_step_ms", timing.medianMilliseconds, "AnoDM β-VAE step, MNIST, batch 100 (ms, median)")
    }
}
