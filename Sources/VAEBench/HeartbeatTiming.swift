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
