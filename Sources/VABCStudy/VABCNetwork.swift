import _Differentiation
import NeuralLayers
import Randomness
import TensorCore
import VAEModels

/// V-ABC's encoder (vabc V-C): two ReLU layers, `input → outer → inner` (moons 2-20-20,
/// MNIST 784-300-100); μ and log σ² fork from the inner layer (linear).
public struct VABCEncoder: ContextualLayer {
    public var outer: Dense
    public var inner: Dense

    public init(inputSize: Int, outerSize: Int, innerSize: Int, generator: inout SeededGenerator) {
        outer = Dense(inputSize: inputSize, outputSize: outerSize, activation: .relu, generator: &generator)
        inner = Dense(inputSize: outerSize, outputSize: innerSize, activation: .relu, generator: &generator)
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        inner(outer(input.flattenedBatch()))
    }

    public static var parameterPaths: [ParameterPath<VABCEncoder>] {
        Dense.parameters(at: \.outer, \.outer, named: "outer") + Dense.parameters(at: \.inner, \.inner, named: "inner")
    }
}

/// V-ABC's decoder: the encoder mirrored, `latent → inner → outer → output` with ReLU, then a
/// linear output (moons: the mean of a Gaussian) or logits whose sigmoid is the pixel mean (MNIST;
/// the sigmoid lives in `Likelihood.bernoulli.mean`).
public struct VABCDecoder: ContextualLayer {
    public var inner: Dense
    public var outer: Dense
    public var output: Dense

    public init(latentSize: Int, innerSize: Int, outerSize: Int, outputSize: Int, generator: inout SeededGenerator) {
        inner = Dense(inputSize: latentSize, outputSize: innerSize, activation: .relu, generator: &generator)
        outer = Dense(inputSize: innerSize, outputSize: outerSize, activation: .relu, generator: &generator)
        output = Dense(inputSize: outerSize, outputSize: outputSize, generator: &generator)
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        output(outer(inner(input)))
    }

    public static var parameterPaths: [ParameterPath<VABCDecoder>] {
        Dense.parameters(at: \.inner, \.inner, named: "inner") + Dense.parameters(at: \.outer, \.outer, named: "outer")
            + Dense.parameters(at: \.output, \.output, named: "output")
    }
}

/// The one VAE definition with V-ABC's multilayer perceptrons.
public typealias VABCModel = VariationalAutoencoder<VABCEncoder, VABCDecoder>

extension VariationalAutoencoder where Encoder == VABCEncoder, Decoder == VABCDecoder {
    /// The network of `settings` with the V-ABC objective at its starting weights; the VAE
    /// baseline is the same network trained on wanted points only (y = 1 everywhere), where the
    /// objective is the negative ELBO `w·KL + L`.
    public init(vabc settings: VABCDatasetSettings, generator: inout SeededGenerator) {
        let encoder = VABCEncoder(inputSize: settings.inputSize, outerSize: settings.outerSize,
                                  innerSize: settings.innerSize, generator: &generator)
        let mean = Dense(inputSize: settings.innerSize, outputSize: settings.latentSize, generator: &generator)
        let logVariance = Dense(inputSize: settings.innerSize, outputSize: settings.latentSize, generator: &generator)
        let decoder = VABCDecoder(latentSize: settings.latentSize, innerSize: settings.innerSize,
                                  outerSize: settings.outerSize, outputSize: settings.inputSize, generator: &generator)
        self.init(encoder: encoder, latentMean: mean, latentLogVariance: logVariance,
                  classifier: Dense(inputSize: settings.innerSize, outputSize: 1, generator: &generator),
                  decoder: decoder, heads: [], hasDecoder: true, likelihood: settings.likelihood,
                  objective: .vabc(gamma: settings.gammaSchedule.start, variance: settings.effectiveVariance),
                  klWeight: 0)
    }
}
