import Foundation
import NeuralLayers
import Randomness
import TensorCore
import VAEModels

/// Why anomaly scores could not be computed.
public enum AnomalyScoreError: Error, Equatable, CustomStringConvertible {
    case noDecoder(variant: String)
    case imageCountMismatch(values: Int, exampleSize: Int)
    case invalidSetting(String)

    public var description: String {
        switch self {
        case .noDecoder(let variant):
            return "anomaly score: model \(variant) has no decoder, so it has no reconstruction probability"
        case .imageCountMismatch(let values, let exampleSize):
            return "anomaly score: \(values) values are not a whole number of images of \(exampleSize) values"
        case .invalidSetting(let message):
            return "anomaly score: \(message)"
        }
    }
}

/// The anomaly score of semisupervised-vae sections 3.1.3 and 3.2.3 (Tables 5, 6, 9): the
/// negative log reconstruction probability −log p(x | z, π) of a trained VAE, higher for
/// examples the model explains badly, i.e. for the held-out (anomalous) class. The paper
/// calls the score "the log reconstruction probability" but ranks anomalies high; the sign
/// here makes "higher = more anomalous" hold, as `ReceiverOperatingCharacteristic` expects.
public enum AnomalyScore {
    /// −log p(x | z = μ(x), π(x)) per image, in inference mode: the negative of
    /// `LatentVariableModel.reconstructionLogLikelihood`, evaluated `batchSize` images at a time.
    ///
    /// - Parameters:
    ///   - images: `n` images one after another, each `exampleShape` row-major (`[n · ∏ exampleShape]`).
    ///   - exampleShape: the shape of one image as the encoder reads it (`[784]` for the dense
    ///     model, `[28, 28, 1]` for the convolutional one).
    /// - Returns: `[n]` scores, in the images' order.
    public static func negativeLogReconstruction<Model: LatentVariableModel>(
        model: Model, images: [Float], exampleShape: [Int], batchSize: Int = 500
    ) throws -> [Float] {
        let count = try validate(model: model, images: images, exampleShape: exampleShape, batchSize: batchSize)
        let context = BatchedInference.context()
        var scores = [Float]()
        scores.reserveCapacity(count)
        BatchedInference.forEachChunk(of: images, exampleShape: exampleShape, chunk: batchSize) { _, inputs in
            let logLikelihood = model.reconstructionLogLikelihood(inputs, in: context)
            scores.append(contentsOf: logLikelihood.scalars.lazy.map { -$0 })
        }
        return scores
    }

    /// The Monte-Carlo form, for comparison with the mean-code score: the average over
    /// `samples` draws z⁽ˡ⁾ = μ(x) + exp(½ log σ²(x)) ⊙ ε⁽ˡ⁾ of −log p(x | z⁽ˡ⁾, π(x)), in inference
    /// mode, i.e. an estimate of the reconstruction term −E_q[log p(x | z, π)] of eq. 3.
    ///
    /// The noise ε is drawn from `generator` before batching, image after image
    /// (`samples × latentSize` normals per image), so the scores depend on the seed but not
    /// on `batchSize`.
    ///
    /// - Parameters: as `negativeLogReconstruction`; `samples` ≥ 1 draws per image.
    /// - Returns: `[n]` scores, in the images' order.
    public static func monteCarloNegativeLogReconstruction<Model: LatentVariableModel>(
        model: Model, images: [Float], exampleShape: [Int], samples: Int,
        generator: inout SeededGenerator, batchSize: Int = 500
    ) throws -> [Float] {
        let count = try validate(model: model, images: images, exampleShape: exampleShape, batchSize: batchSize)
        guard samples >= 1 else { throw AnomalyScoreError.invalidSetting("needs at least one sample of z, got \(samples)") }
        let latentSize = model.latentSize
        // [n, samples, latentSize]
        let noise = Tensor.randomNormal([count, samples, latentSize], using: &generator).scalars
        let context = BatchedInference.context()
        var scores = [Float]()
        scores.reserveCapacity(count)
        BatchedInference.forEachChunk(of: images, exampleShape: exampleShape, chunk: batchSize) { first, inputs in
            let rows = inputs.rows
            let (mean, logVariance, logits) = model.encode(inputs, in: context)
            let classProbabilities = model.decoderClassProbabilities(fromLogits: logits)
            var total = [Float](repeating: 0, count: rows)
            for sample in 0..<samples {
                let epsilon = Tensor(shape: [rows, latentSize], unsafeUninitialized: { out in
                    for row in 0..<rows {
                        let source = ((first + row) * samples + sample) * latentSize
                        for j in 0..<latentSize { out[row * latentSize + j] = noise[source + j] }
                    }
                })
                let latent = reparameterize(mean: mean, logVariance: logVariance, noise: epsilon)
                let output = model.decode(latent: latent, classProbabilities: classProbabilities, in: context)
                let logLikelihood = model.likelihood.logLikelihood(of: inputs, given: output).scalars
                for row in 0..<rows { total[row] -= logLikelihood[row] }
            }
            scores.append(contentsOf: total.lazy.map { $0 / Float(samples) })
        }
        return scores
    }

    /// KL(q(z | x) ‖ N(0, I)) = ½ Σ_j (μ_j² + σ_j² − 1 − log σ_j²) per image, in inference mode:
    /// added to the Monte-Carlo reconstruction term it gives the negative ELBO of eq. 3 (without
    /// the classification term), the third anomaly score the section compares.
    ///
    /// - Parameters: as `negativeLogReconstruction`.
    /// - Returns: `[n]` divergences in nats, in the images' order.
    public static func klDivergenceFromPrior<Model: LatentVariableModel>(
        model: Model, images: [Float], exampleShape: [Int], batchSize: Int = 500
    ) throws -> [Float] {
        let count = try validate(model: model, images: images, exampleShape: exampleShape, batchSize: batchSize)
        let context = BatchedInference.context()
        let latentSize = model.latentSize
        var divergences = [Float]()
        divergences.reserveCapacity(count)
        BatchedInference.forEachChunk(of: images, exampleShape: exampleShape, chunk: batchSize) { _, inputs in
            let (mean, logVariance, _) = model.encode(inputs, in: context)
            for row in 0..<inputs.rows {
                var total: Float = 0
                for j in 0..<latentSize {
                    let m = mean.scalars[row * latentSize + j], v = logVariance.scalars[row * latentSize + j]
                    total += m * m + Foundation.exp(v) - 1 - v
                }
                divergences.append(total / 2)
            }
        }
        return divergences
    }

    /// Checks the inputs and returns the number of images.
    private static func validate<Model: LatentVariableModel>(
        model: Model, images: [Float], exampleShape: [Int], batchSize: Int
    ) throws -> Int {
        guard model.hasDecoder else { throw AnomalyScoreError.noDecoder(variant: model.structureName) }
        guard batchSize >= 1 else { throw AnomalyScoreError.invalidSetting("batch size must be positive, got \(batchSize)") }
        let exampleSize = exampleShape.reduce(1, *)
        guard !exampleShape.isEmpty, exampleSize > 0, images.count % exampleSize == 0 else {
            throw AnomalyScoreError.imageCountMismatch(values: images.count, exampleSize: exampleSize)
        }
        return images.count / exampleSize
    }
}
