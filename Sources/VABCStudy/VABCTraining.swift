import Experiments
import Metrics
import NeuralLayers
import Randomness
import StudyKit
import TensorCore
import VAEModels

/// The training and sampling every V-ABC cell shares.
enum VABCTraining {
    /// Adam with PyTorch's defaults (lr 1e-3) through the one training loop; the KL weight and γ
    /// follow `VABCAnnealing` step by step. `validationLoss`, when given, is evaluated after every
    /// epoch and drives early stopping with `patience`.
    static func train(_ model: inout VABCModel, settings: VABCDatasetSettings, epochs: Int,
                      batches: inout NegativeUnlabeledBatches, learningRate: Double, streams: RunStreams,
                      progress: CellProgress?, validationLoss: ((VABCModel) -> Double)? = nil,
                      patience: Int? = nil) throws -> TrainingHistory {
        let annealing = VABCAnnealing(settings: settings, stepsPerEpoch: batches.stepsPerEpoch)
        var loop = TrainingLoop<VABCModel>(epochs: epochs, context: ForwardContext(
            phase: .training, generator: SeededGeneratorBox(streams.noise)))
        loop.adjust = { model, step in annealing.adjust(&model, step: step) }
        if validationLoss != nil, let patience {
            loop.earlyStopping = EarlyStopping(metric: "validation_loss", patience: patience)
        }
        var optimizer = Adam(for: model, learningRate: Float(learningRate))
        return try loop.run(&model, optimizer: &optimizer, batches: &batches, evaluate: { _, model in
            validationLoss.map { ["validation_loss": $0(model)] } ?? [:]
        }, epochFinished: { log in progress?.epochFinished(log.epoch, of: epochs) })
    }

    /// The decoder's means for `count` prior draws z ~ N(0, I): `[count · features]`.
    static func decodedPriorSamples(_ model: VABCModel, count: Int, generator: inout SeededGenerator) -> [Float] {
        let latent = (0..<(count * model.latentSize)).map { _ in generator.normal() }
        return decodedMeans(model, latent: latent)
    }

    /// The decoder's means for the given latent points (`[count · latentSize]`).
    static func decodedMeans(_ model: VABCModel, latent: [Float]) -> [Float] {
        let context = BatchedInference.context()
        return BatchedInference.map(latent, exampleShape: [model.latentSize]) { z in
            model.likelihood.mean(of: model.decode(latent: z, in: context))
        }
    }

    /// The V-ABC loss of each input point with z = μ(x) (no sampling; vabc Figure 5), all points
    /// in fold y, at the final weights (KL weight 1, γ on L).
    static func pointLosses(_ model: VABCModel, inputs: Tensor, y: Float, gamma: Float, variance: Float) -> [Float] {
        let context = BatchedInference.context()
        let (mean, logVariance, _) = model.encode(inputs, in: context)
        let kl = klDivergenceFromStandardNormal(mean: mean, logVariance: logVariance)
        let reconstruction = model.likelihood.mean(of: model.decode(latent: mean, in: context))
        let error = gaussianReconstructionError(of: inputs, reconstruction: reconstruction, variance: variance)
        return (0..<inputs.rows).map { n in
            vabcLoss(kl: Tensor(shape: [1], scalars: [kl.scalars[n]]),
                     reconstructionError: Tensor(shape: [1], scalars: [error.scalars[n]]),
                     labels: Tensor(shape: [1], scalars: [y]), gamma: gamma).scalar
        }
    }

    /// The loss curves a run file keeps.
    static func historyArrays(_ history: TrainingHistory) -> [String: [Double]] {
        var arrays = ["train_loss": history.series("train_loss"), "train_reconstruction": history.series("train_reconstruction"),
                      "train_kl": history.series("train_kl")]
        let validation = history.series("validation_loss")
        if !validation.isEmpty { arrays["validation_loss"] = validation }
        return arrays
    }
}
