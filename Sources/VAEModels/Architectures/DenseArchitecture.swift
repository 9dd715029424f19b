import _Differentiation
import NeuralLayers
import Randomness
import TensorCore

/// Encoder of semisupervised-vae Table 13: input 784 → 1024 relu → 1024 relu.
public struct DenseEncoder: ContextualLayer {
    public var hidden1: Dense
    public var hidden2: Dense

    public init(inputSize: Int, hiddenSize: Int, activation: Activation = .relu, generator: inout SeededGenerator) {
        hidden1 = Dense(inputSize: inputSize, outputSize: hiddenSize, activation: activation, generator: &generator)
        hidden2 = Dense(inputSize: hiddenSize, outputSize: hiddenSize, activation: activation, generator: &generator)
    }

    /// `[batch, ...] → [batch, hidden]` (images are flattened first, as in the paper).
    @differentiable(reverse)
    @differentiable(reverse, wrt: self)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        hidden2(hidden1(input.flattenedBatch()))
    }

    public static var parameterPaths: [ParameterPath<DenseEncoder>] {
        Dense.parameters(at: \.hidden1, \.hidden1, named: "hidden1")
            + Dense.parameters(at: \.hidden2, \.hidden2, named: "hidden2")
    }
}

/// Decoder of Table 13: z ⊕ π → 1024 relu → 1024 relu → 784. The output layer is linear
/// here: the paper's sigmoid lives in the Bernoulli likelihood, which reads logits.
public struct DenseDecoder: ContextualLayer {
    public var hidden1: Dense
    public var hidden2: Dense
    public var output: Dense

    public init(inputSize: Int, hiddenSize: Int, outputSize: Int, activation: Activation = .relu,
                generator: inout SeededGenerator) {
        hidden1 = Dense(inputSize: inputSize, outputSize: hiddenSize, activation: activation, generator: &generator)
        hidden2 = Dense(inputSize: hiddenSize, outputSize: hiddenSize, activation: activation, generator: &generator)
        output = Dense(inputSize: hiddenSize, outputSize: outputSize, generator: &generator)
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        output(hidden2(hidden1(input)))
    }

    public static var parameterPaths: [ParameterPath<DenseDecoder>] {
        Dense.parameters(at: \.hidden1, \.hidden1, named: "hidden1")
            + Dense.parameters(at: \.hidden2, \.hidden2, named: "hidden2")
            + Dense.parameters(at: \.output, \.output, named: "output")
    }
}

/// The one VAE definition with the dense architecture of Table 13 (paper 1 names its models SS_D, ES_D, EU_D).
public typealias DenseSemiSupervisedVAE = VariationalAutoencoder<DenseEncoder, DenseDecoder>

extension VariationalAutoencoder where Encoder == DenseEncoder, Decoder == DenseDecoder {
    /// The fully connected model of Table 13 (`SS_D`, `ES_D`, `EU_D`). `hiddenActivation` is relu
    /// in the paper; the tests swap in a smooth one so finite differences meet no kinks.
    public init(denseVariant variant: ModelVariant, inputSize: Int = 784, hiddenSize: Int = 1024,
                latentSize: Int = 2, classCount: Int = 10, likelihood: Likelihood = .bernoulli,
                classWeight: Float = 1, hiddenActivation: Activation = .relu, generator: inout SeededGenerator) {
        let encoder = DenseEncoder(inputSize: inputSize, hiddenSize: hiddenSize, activation: hiddenActivation,
                                   generator: &generator)
        let mean = Dense(inputSize: hiddenSize, outputSize: latentSize, generator: &generator)
        let logVariance = Dense(inputSize: hiddenSize, outputSize: latentSize, generator: &generator)
        let classifier = Dense(inputSize: hiddenSize, outputSize: classCount, generator: &generator)
        let decoderInput = latentSize + (variant.decoderReadsClasses ? classCount : 0)
        let decoder = DenseDecoder(inputSize: decoderInput, hiddenSize: hiddenSize,
                                   outputSize: inputSize * likelihood.outputsPerFeature, activation: hiddenActivation,
                                   generator: &generator)
        self.init(encoder: encoder, latentMean: mean, latentLogVariance: logVariance, classifier: classifier,
                  decoder: decoder, variant: variant, likelihood: likelihood, classWeight: classWeight)
    }
}
