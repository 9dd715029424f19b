import NeuralLayers
import TensorCore

/// What the metrics of the papers read off a trained model: encode to the posterior's mean
/// and log-variance (and class logits), decode latent codes, classify. Metrics take any model
/// that can do this, never a concrete model type.
public protocol LatentVariableModel {
    var latentSize: Int { get }
    var likelihood: Likelihood { get }
    /// Whether the model has a latent layer and a decoder (a reconstruction probability).
    var hasDecoder: Bool { get }
    /// Whether the decoder reads class probabilities next to z (paper 1's SS).
    var decoderReadsClasses: Bool { get }
    /// A name for messages (`"SS"`, `"EU"`, ...).
    var structureName: String { get }
    /// The classes the classifier predicts (all heads together).
    var classCount: Int { get }

    /// The encoder's outputs: μ and log σ² (`[batch, latent]`, empty without a decoder) and
    /// the class logits of every head (`[batch, Σ classes]`, empty without heads).
    func encode(_ inputs: Tensor, in context: ForwardContext) -> (mean: Tensor, logVariance: Tensor, classLogits: Tensor)

    /// The decoder's distribution parameters for latent codes z (and the decoder's class
    /// probabilities for models whose decoder reads them).
    func decode(latent: Tensor, classProbabilities: Tensor?, in context: ForwardContext) -> Tensor

    /// softmax(π) of the (first) classifier head, `[batch, classes]`.
    func classProbabilities(_ inputs: Tensor, in context: ForwardContext) -> Tensor

    /// What the decoder reads next to z for these class logits (softmax of the heads that feed
    /// it), or nil when it reads none. A requirement, so a model with several heads is asked.
    func decoderClassProbabilities(fromLogits logits: Tensor) -> Tensor?
}

extension LatentVariableModel {
    /// log p(x | z = μ(x), π(x)) per example: the reconstruction score of the anomaly tables
    /// (higher = better explained; its negative is the anomaly score).
    public func reconstructionLogLikelihood(_ inputs: Tensor, in context: ForwardContext) -> Tensor {
        let (mean, _, logits) = encode(inputs, in: context)
        let output = decode(latent: mean, classProbabilities: decoderClassProbabilities(fromLogits: logits), in: context)
        return likelihood.logLikelihood(of: inputs, given: output)
    }
}
