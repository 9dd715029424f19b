import _Differentiation
import NeuralLayers
import Randomness
import TensorCore

/// Encoder of semisupervised-vae Table 15 (input `[batch, 128, 6]`): a dense layer of 40
/// relu units along the feature axis, an LSTM of 40 units returning every step, and a dense
/// layer of 30 relu units along the feature axis. The heads fork per time step.
public struct RecurrentEncoder: ContextualLayer {
    public var inputProjection: Dense
    public var lstm: LSTM
    public var top: Dense

    public init(features: Int = 6, projectionSize: Int = 40, lstmSize: Int = 40, topSize: Int = 30,
                activation: Activation = .relu, generator: inout SeededGenerator) {
        inputProjection = Dense(inputSize: features, outputSize: projectionSize, activation: activation, generator: &generator)
        lstm = LSTM(inputSize: projectionSize, hiddenSize: lstmSize, generator: &generator)
        top = Dense(inputSize: lstmSize, outputSize: topSize, activation: activation, generator: &generator)
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        top(lstm(inputProjection(input)))
    }

    public static var parameterPaths: [ParameterPath<RecurrentEncoder>] {
        Dense.parameters(at: \.inputProjection, \.inputProjection, named: "inputProjection")
            + LSTM.parameters(at: \.lstm, \.lstm, named: "lstm")
            + Dense.parameters(at: \.top, \.top, named: "top")
    }
}

/// Decoder of Table 15: dense 30 relu, LSTM 40, dense 40 relu along the feature axis, then
/// per step a Gaussian mean (linear) and variance (softplus) for each of the 6 features,
/// emitted side by side on the last axis for `Likelihood.gaussianLearnedVariance`.
public struct RecurrentDecoder: ContextualLayer {
    public var inputProjection: Dense
    public var lstm: LSTM
    public var hidden: Dense
    public var output: Dense

    public init(inputSize: Int, projectionSize: Int = 30, lstmSize: Int = 40, hiddenSize: Int = 40,
                features: Int = 6, activation: Activation = .relu, generator: inout SeededGenerator) {
        inputProjection = Dense(inputSize: inputSize, outputSize: projectionSize, activation: activation, generator: &generator)
        lstm = LSTM(inputSize: projectionSize, hiddenSize: lstmSize, generator: &generator)
        hidden = Dense(inputSize: lstmSize, outputSize: hiddenSize, activation: activation, generator: &generator)
        output = Dense(inputSize: hiddenSize, outputSize: 2 * features, generator: &generator)
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        output(hidden(lstm(inputProjection(input))))
    }

    public static var parameterPaths: [ParameterPath<RecurrentDecoder>] {
        Dense.parameters(at: \.inputProjection, \.inputProjection, named: "inputProjection")
            + LSTM.parameters(at: \.lstm, \.lstm, named: "lstm")
            + Dense.parameters(at: \.hidden, \.hidden, named: "hidden")
            + Dense.parameters(at: \.output, \.output, named: "output")
    }
}

/// The one VAE definition with the recurrent architecture of Table 15 (SS_RNN, ES_RNN, EU_RNN).
public typealias RecurrentSemiSupervisedVAE = VariationalAutoencoder<RecurrentEncoder, RecurrentDecoder>

extension VariationalAutoencoder where Encoder == RecurrentEncoder, Decoder == RecurrentDecoder {
    /// The recurrent model of Table 15 (`SS_RNN`, `ES_RNN`, `EU_RNN`) for UCI-HAR windows.
    public init(recurrentVariant variant: ModelVariant, features: Int = 6, latentSize: Int = 2,
                classCount: Int = 6, classWeight: Float = 1, hiddenActivation: Activation = .relu,
                generator: inout SeededGenerator) {
        let encoder = RecurrentEncoder(features: features, activation: hiddenActivation, generator: &generator)
        let mean = Dense(inputSize: 30, outputSize: latentSize, generator: &generator)
        let logVariance = Dense(inputSize: 30, outputSize: latentSize, generator: &generator)
        let classifier = Dense(inputSize: 30, outputSize: classCount, generator: &generator)
        let decoderInput = latentSize + (variant.decoderReadsClasses ? classCount : 0)
        let decoder = RecurrentDecoder(inputSize: decoderInput, features: features, activation: hiddenActivation,
                                       generator: &generator)
        self.init(encoder: encoder, latentMean: mean, latentLogVariance: logVariance, classifier: classifier,
                  decoder: decoder, variant: variant, likelihood: .gaussianLearnedVariance, classWeight: classWeight)
    }
}
