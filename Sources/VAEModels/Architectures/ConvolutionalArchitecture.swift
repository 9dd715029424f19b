import _Differentiation
import NeuralLayers
import Randomness
import TensorCore

/// Encoder of semisupervised-vae Table 14 (input `[batch, 28, 28, 1]`):
/// three 3×3 convolutions with 64 channels (strides 1, 1, 2), each followed by batch
/// normalisation and relu; flatten (12544); dense 512, batch normalisation, relu; dropout 0.5.
public struct ConvolutionalEncoder: ContextualLayer {
    public var conv1: Conv2D
    public var norm1: BatchNorm
    public var conv2: Conv2D
    public var norm2: BatchNorm
    public var conv3: Conv2D
    public var norm3: BatchNorm
    public var dense: Dense
    public var denseNorm: BatchNorm
    @noDerivative public let dropout: Dropout
    @noDerivative public let activation: Activation

    public init(imageChannels: Int = 1, channels: Int = 64, imageSize: Int = 28, topSize: Int = 512,
                activation: Activation = .relu, generator: inout SeededGenerator) {
        self.activation = activation
        conv1 = Conv2D(kernelSize: 3, inputChannels: imageChannels, outputChannels: channels, generator: &generator)
        norm1 = BatchNorm(channels: channels)
        conv2 = Conv2D(kernelSize: 3, inputChannels: channels, outputChannels: channels, generator: &generator)
        norm2 = BatchNorm(channels: channels)
        conv3 = Conv2D(kernelSize: 3, inputChannels: channels, outputChannels: channels, stride: 2, generator: &generator)
        norm3 = BatchNorm(channels: channels)
        let flattened = (imageSize / 2) * (imageSize / 2) * channels
        dense = Dense(inputSize: flattened, outputSize: topSize, generator: &generator)
        denseNorm = BatchNorm(channels: topSize)
        dropout = Dropout(rate: 0.5)
    }

    @differentiable(reverse)
    @differentiable(reverse, wrt: self)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        var x = norm1(conv1(input), in: context, then: activation)
        x = norm2(conv2(x), in: context, then: activation)
        x = norm3(conv3(x), in: context, then: activation)
        let top = denseNorm(dense(x.flattenedBatch()), in: context, then: activation)
        return dropout(top, in: context)
    }

    public static var parameterPaths: [ParameterPath<ConvolutionalEncoder>] {
        Conv2D.parameters(at: \.conv1, \.conv1, named: "conv1")
            + BatchNorm.parameters(at: \.norm1, \.norm1, named: "norm1")
            + Conv2D.parameters(at: \.conv2, \.conv2, named: "conv2")
            + BatchNorm.parameters(at: \.norm2, \.norm2, named: "norm2")
            + Conv2D.parameters(at: \.conv3, \.conv3, named: "conv3")
            + BatchNorm.parameters(at: \.norm3, \.norm3, named: "norm3")
            + Dense.parameters(at: \.dense, \.dense, named: "dense")
            + BatchNorm.parameters(at: \.denseNorm, \.denseNorm, named: "denseNorm")
    }
}

/// Decoder of Table 14: dense to 12544, batch normalisation, relu, dropout 0.5; reshape to
/// 14×14×64; transposed 3×3 convolutions (strides 1, 1, 2) each with batch normalisation and
/// relu; a final 3×3 convolution to one channel of Bernoulli logits, `[batch, 28, 28, 1]`.
public struct ConvolutionalDecoder: ContextualLayer {
    public var dense: Dense
    public var denseNorm: BatchNorm
    public var deconv1: ConvTranspose2D
    public var norm1: BatchNorm
    public var deconv2: ConvTranspose2D
    public var norm2: BatchNorm
    public var deconv3: ConvTranspose2D
    public var norm3: BatchNorm
    public var output: Conv2D
    @noDerivative public let dropout: Dropout
    @noDerivative public let gridSize: Int
    @noDerivative public let channels: Int
    @noDerivative public let activation: Activation

    public init(inputSize: Int, channels: Int = 64, imageSize: Int = 28, imageChannels: Int = 1,
                activation: Activation = .relu, generator: inout SeededGenerator) {
        self.activation = activation
        gridSize = imageSize / 2
        self.channels = channels
        dense = Dense(inputSize: inputSize, outputSize: gridSize * gridSize * channels, generator: &generator)
        denseNorm = BatchNorm(channels: gridSize * gridSize * channels)
        deconv1 = ConvTranspose2D(kernelSize: 3, inputChannels: channels, outputChannels: channels, generator: &generator)
        norm1 = BatchNorm(channels: channels)
        deconv2 = ConvTranspose2D(kernelSize: 3, inputChannels: channels, outputChannels: channels, generator: &generator)
        norm2 = BatchNorm(channels: channels)
        deconv3 = ConvTranspose2D(kernelSize: 3, inputChannels: channels, outputChannels: channels, stride: 2,
                                  generator: &generator)
        norm3 = BatchNorm(channels: channels)
        output = Conv2D(kernelSize: 3, inputChannels: channels, outputChannels: imageChannels, generator: &generator)
        dropout = Dropout(rate: 0.5)
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        let top = dropout(denseNorm(dense(input), in: context, then: activation), in: context)
        let batch = withoutDerivative(at: input).rows
        var x = top.reshaped(to: [batch, gridSize, gridSize, channels])
        x = norm1(deconv1(x), in: context, then: activation)
        x = norm2(deconv2(x), in: context, then: activation)
        x = norm3(deconv3(x), in: context, then: activation)
        return output(x)
    }

    public static var parameterPaths: [ParameterPath<ConvolutionalDecoder>] {
        Dense.parameters(at: \.dense, \.dense, named: "dense")
            + BatchNorm.parameters(at: \.denseNorm, \.denseNorm, named: "denseNorm")
            + ConvTranspose2D.parameters(at: \.deconv1, \.deconv1, named: "deconv1")
            + BatchNorm.parameters(at: \.norm1, \.norm1, named: "norm1")
            + ConvTranspose2D.parameters(at: \.deconv2, \.deconv2, named: "deconv2")
            + BatchNorm.parameters(at: \.norm2, \.norm2, named: "norm2")
            + ConvTranspose2D.parameters(at: \.deconv3, \.deconv3, named: "deconv3")
            + BatchNorm.parameters(at: \.norm3, \.norm3, named: "norm3")
            + Conv2D.parameters(at: \.output, \.output, named: "output")
    }
}

/// The one VAE definition with the convolutional architecture of Table 14 (SS_CNN, ES_CNN, EU_CNN).
public typealias ConvolutionalSemiSupervisedVAE = VariationalAutoencoder<ConvolutionalEncoder, ConvolutionalDecoder>

extension VariationalAutoencoder where Encoder == ConvolutionalEncoder, Decoder == ConvolutionalDecoder {
    /// The convolutional model of Table 14 (`SS_CNN`, `ES_CNN`, `EU_CNN`).
    public init(convolutionalVariant variant: ModelVariant, imageSize: Int = 28, channels: Int = 64,
                topSize: Int = 512, latentSize: Int = 2, classCount: Int = 10, classWeight: Float = 1,
                hiddenActivation: Activation = .relu, generator: inout SeededGenerator) {
        let encoder = ConvolutionalEncoder(channels: channels, imageSize: imageSize, topSize: topSize,
                                           activation: hiddenActivation, generator: &generator)
        let mean = Dense(inputSize: topSize, outputSize: latentSize, generator: &generator)
        let logVariance = Dense(inputSize: topSize, outputSize: latentSize, generator: &generator)
        let classifier = Dense(inputSize: topSize, outputSize: classCount, generator: &generator)
        let decoderInput = latentSize + (variant.decoderReadsClasses ? classCount : 0)
        let decoder = ConvolutionalDecoder(inputSize: decoderInput, channels: channels, imageSize: imageSize,
                                           activation: hiddenActivation, generator: &generator)
        self.init(encoder: encoder, latentMean: mean, latentLogVariance: logVariance, classifier: classifier,
                  decoder: decoder, variant: variant, likelihood: .bernoulli, classWeight: classWeight)
    }
}
