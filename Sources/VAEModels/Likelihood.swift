import _Differentiation
import NeuralLayers
import TensorCore

/// The decoder's output distribution p(x | z, π) and how its parameters are laid out.
public enum Likelihood: Codable, Equatable, Sendable {
    /// Bernoulli per pixel; the decoder outputs logits (the images of Tables 13, 14).
    case bernoulli
    /// Gaussian with a fixed variance σ²; the decoder outputs the mean (V-ABC).
    case gaussian(variance: Float)
    /// Gaussian with a learned variance; the decoder outputs the mean and a raw variance,
    /// concatenated on the last axis, variance = softplus(raw) (Table 15).
    case gaussianLearnedVariance

    /// How many values the decoder emits per input feature.
    public var outputsPerFeature: Int { self == .gaussianLearnedVariance ? 2 : 1 }

    /// log p(x | decoder output), one value per example: `[batch]`.
    @differentiable(reverse, wrt: output)
    public func logLikelihood(of targets: Tensor, given output: Tensor) -> Tensor {
        switch self {
        case .bernoulli:
            return bernoulliLogLikelihood(of: targets, logits: output)
        case .gaussian(let variance):
            return gaussianLogLikelihood(of: targets, mean: output, variance: variance)
        case .gaussianLearnedVariance:
            let features = withoutDerivative(at: targets).columns
            return gaussianLogLikelihood(of: targets, mean: output.slicingLastAxis(0..<features),
                                         rawVariance: output.slicingLastAxis(features..<(2 * features)))
        }
    }

    /// The mean of the distribution (what a reconstruction or a generated sample shows; V-ABC's x̂).
    @differentiable(reverse, wrt: output)
    public func mean(of output: Tensor) -> Tensor {
        switch self {
        case .bernoulli: return sigmoid(output)
        case .gaussian: return output
        case .gaussianLearnedVariance: return output.slicingLastAxis(0..<(withoutDerivative(at: output).columns / 2))
        }
    }
}
