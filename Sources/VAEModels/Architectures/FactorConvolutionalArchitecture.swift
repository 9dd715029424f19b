import _Differentiation
import NeuralLayers
import Randomness
import TensorCore

/// Encoder of semisupervised-vae Table 16 (Small-NORB, input `[batch, 96, 96, 2]`): four 7×7
/// stride-2 convolutions with 32, 32, 64, 64 channels, each followed by batch normalisation
/// and relu (96 → 48 → 24 → 12 → 6); flatten (6·6·64 = 2304); dense 256, batch normalisation,
/// relu; dropout 0.5.
///
/// The same layers read any square image whose side is a multiple of 16: on dSprites
/// (`[batch, 64, 64, 1]`) the convolutions give 32, 16, 8, 4 and the flattened top has
/// 4·4·64 = 1024 values. Only the input channels and the flattened size change.
public struct FactorConvolutionalEncoder: ContextualLayer {
    public var conv1: Conv2D
    public var norm1: BatchNorm
    public var conv2: Conv2D
    public var norm2: BatchNorm
    public var conv3: Conv2D
    public var norm3: BatchNorm
    public var conv4: Conv2D
    public var norm4: BatchNorm
    public var dense: Dense
    public var denseNorm: BatchNorm
    @noDerivative public let dropout: Dropout
    @noDerivative public let imageSize: Int

    /// Table 16's channels, kernel and top layer.
    public static let channels = [32, 32, 64, 64]
    public static let kernelSize = 7
    public static let topSize = 256

    public init(imageSize: Int = 96, imageChannels: Int = 2, generator: inout SeededGenerator) {
        precondition(imageSize % 16 == 0, "FactorConvolutionalEncoder: the image side \(imageSize) must be a multiple of 16 (four stride-2 layers)")
        self.imageSize = imageSize
        let c = Self.channels, k = Self.kernelSize
        conv1 = Conv2D(kernelSize: k, inputChannels: imageChannels, outputChannels: c[0], stride: 2, generator: &generator)
        norm1 = BatchNorm(channels: c[0])
        conv2 = Conv2D(kernelSize: k, inputChannels: c[0], outputChannels: c[1], stride: 2, generator: &generator)
        norm2 = BatchNorm(channels: c[1])
        conv3 = Conv2D(kernelSize: k, inputChannels: c[1], outputChannels: c[2], stride: 2, generator: &generator)
        norm3 = BatchNorm(channels: c[2])
        conv4 = Conv2D(kernelSize: k, inputChannels: c[2], outputChannels: c[3], stride: 2, generator: &generator)
        norm4 = BatchNorm(channels: c[3])
        let grid = imageSize / 16
        dense = Dense(inputSize: grid * grid * c[3], outputSize: Self.topSize, generator: &generator)
        denseNorm = BatchNorm(channels: Self.topSize)
        dropout = Dropout(rate: 0.5)
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        var x = norm1(conv1(input), in: context, then: .relu)
        x = norm2(conv2(x), in: context, then: .relu)
        x = norm3(conv3(x), in: context, then: .relu)
        x = norm4(conv4(x), in: context, then: .relu)
        let top = denseNorm(dense(x.flattenedBatch()), in: context, then: .relu)
        return dropout(top, in: context)
    }

    public static var parameterPaths: [ParameterPath<FactorConvolutionalEncoder>] {
        Conv2D.parameters(at: \.conv1, \.conv1, named: "conv1")
            + BatchNorm.parameters(at: \.norm1, \.norm1, named: "norm1")
            + Conv2D.parameters(at: \.conv2, \.conv2, named: "conv2")
            + BatchNorm.parameters(at: \.norm2, \.norm2, named: "norm2")
            + Conv2D.parameters(at: \.conv3, \.conv3, named: "conv3")
            + BatchNorm.parameters(at: \.norm3, \.norm3, named: "norm3")
            + Conv2D.parameters(at: \.conv4, \.conv4, named: "conv4")
            + BatchNorm.parameters(at: \.norm4, \.norm4, named: "norm4")
            + Dense.parameters(at: \.dense, \.dense, named: "dense")
            + BatchNorm.parameters(at: \.denseNorm, \.denseNorm, named: "denseNorm")
    }
}

extension FactorConvolutionalEncoder: InputDescribing {
    public var exampleShape: [Int?] { [imageSize, imageSize, conv1.inputChannels] }
}

/// Decoder of Table 16: dense 2304 from the resampled z alone, batch normalisation, relu,
/// dropout 0.5; reshape to 6×6×64; four 7×7 stride-2 transposed convolutions with 64, 64, 32,
/// 32 channels, each with batch normalisation and relu (6 → 12 → 24 → 48 → 96); a 7×7 stride-1
/// convolution to the image's channels (Bernoulli logits, `[batch, 96, 96, 2]`).
///
/// For a side of 64 (dSprites) the grid is 4×4×64 (dense 1024) and the output has one channel.
public struct FactorConvolutionalDecoder: ContextualLayer {
    public var dense: Dense
    public var denseNorm: BatchNorm
    public var deconv1: ConvTranspose2D
    public var norm1: BatchNorm
    public var deconv2: ConvTranspose2D
    public var norm2: BatchNorm
    public var deconv3: ConvTranspose2D
    public var norm3: BatchNorm
    public var deconv4: ConvTranspose2D
    public var norm4: BatchNorm
    public var output: Conv2D
    @noDerivative public let dropout: Dropout
    @noDerivative public let gridSize: Int

    /// Table 16's transposed-convolution channels.
    public static let channels = [64, 64, 32, 32]

    public init(latentSize: Int, imageSize: Int = 96, imageChannels: Int = 2, generator: inout SeededGenerator) {
        precondition(imageSize % 16 == 0, "FactorConvolutionalDecoder: the image side \(imageSize) must be a multiple of 16 (four stride-2 layers)")
        gridSize = imageSize / 16
        let c = Self.channels, k = FactorConvolutionalEncoder.kernelSize
        let gridChannels = FactorConvolutionalEncoder.channels[3]
        dense = Dense(inputSize: latentSize, outputSize: gridSize * gridSize * gridChannels, generator: &generator)
        denseNorm = BatchNorm(channels: gridSize * gridSize * gridChannels)
        deconv1 = ConvTranspose2D(kernelSize: k, inputChannels: gridChannels, outputChannels: c[0], stride: 2, generator: &generator)
        norm1 = BatchNorm(channels: c[0])
        deconv2 = ConvTranspose2D(kernelSize: k, inputChannels: c[0], outputChannels: c[1], stride: 2, generator: &generator)
        norm2 = BatchNorm(channels: c[1])
        deconv3 = ConvTranspose2D(kernelSize: k, inputChannels: c[1], outputChannels: c[2], stride: 2, generator: &generator)
        norm3 = BatchNorm(channels: c[2])
        deconv4 = ConvTranspose2D(kernelSize: k, inputChannels: c[2], outputChannels: c[3], stride: 2, generator: &generator)
        norm4 = BatchNorm(channels: c[3])
        output = Conv2D(kernelSize: k, inputChannels: c[3], outputChannels: imageChannels, generator: &generator)
        dropout = Dropout(rate: 0.5)
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        let top = dropout(denseNorm(dense(input), in: context, then: .relu), in: context)
        let batch = withoutDerivative(at: input).rows
        var x = top.reshaped(to: [batch, gridSize, gridSize, FactorConvolutionalEncoder.channels[3]])
        x = norm1(deconv1(x), in: context, then: .relu)
        x = norm2(deconv2(x), in: context, then: .relu)
        x = norm3(deconv3(x), in: context, then: .relu)
        x = norm4(deconv4(x), in: context, then: .relu)
        return output(x)
    }

    public static var parameterPaths: [ParameterPath<FactorConvolutionalDecoder>] {
        Dense.parameters(at: \.dense, \.dense, named: "dense")
            + BatchNorm.parameters(at: \.denseNorm, \.denseNorm, named: "denseNorm")
            + ConvTranspose2D.parameters(at: \.deconv1, \.deconv1, named: "deconv1")
            + BatchNorm.parameters(at: \.norm1, \.norm1, named: "norm1")
            + ConvTranspose2D.parameters(at: \.deconv2, \.deconv2, named: "deconv2")
            + BatchNorm.parameters(at: \.norm2, \.norm2, named: "norm2")
            + ConvTranspose2D.parameters(at: \.deconv3, \.deconv3, named: "deconv3")
            + BatchNorm.parameters(at: \.norm3, \.norm3, named: "norm3")
            + ConvTranspose2D.parameters(at: \.deconv4, \.deconv4, named: "deconv4")
            + BatchNorm.parameters(at: \.norm4, \.norm4, named: "norm4")
            + Conv2D.parameters(at: \.output, \.output, named: "output")
    }
}

/// The one VAE definition with the architecture of Table 16: a 32-D Gaussian latent layer,
/// one softmax head per labelled factor, none of which feeds the decoder (section 4: the
/// decoder reads only the resampled z, "otherwise the network could bypass the latent layer").
public typealias FactorConvolutionalVAE = VariationalAutoencoder<FactorConvolutionalEncoder, FactorConvolutionalDecoder>

extension VariationalAutoencoder where Encoder == FactorConvolutionalEncoder, Decoder == FactorConvolutionalDecoder {
    /// Table 16's latent size.
    public static var factorLatentSize: Int { 32 }

    /// The model of Table 16 for images `[imageSize, imageSize, imageChannels]`.
    ///
    /// - Parameters:
    ///   - factorHeads: one head per labelled factor (name and value count); empty for the
    ///     unsupervised row, which then has no π layer at all.
    ///   - klWeight: β_norm of section 4.
    ///   - classWeight: α, the weight of every head's cross-entropy (eq. 5).
    public init(factorHeads: [(name: String, classCount: Int)], imageSize: Int = 96, imageChannels: Int = 2,
                latentSize: Int = 32, klWeight: Float, classWeight: Float, generator: inout SeededGenerator) {
        let encoder = FactorConvolutionalEncoder(imageSize: imageSize, imageChannels: imageChannels, generator: &generator)
        let top = FactorConvolutionalEncoder.topSize
        let mean = Dense(inputSize: top, outputSize: latentSize, generator: &generator)
        let logVariance = Dense(inputSize: top, outputSize: latentSize, generator: &generator)
        let heads = factorHeads.map { ClassifierHead(name: $0.name, classCount: $0.classCount, feedsDecoder: false) }
        // A model without heads keeps a one-column classifier it never uses (the struct needs the layer).
        let classifier = Dense(inputSize: top, outputSize: max(1, heads.map(\.classCount).reduce(0, +)), generator: &generator)
        let decoder = FactorConvolutionalDecoder(latentSize: latentSize, imageSize: imageSize, imageChannels: imageChannels,
                                                 generator: &generator)
        self.init(encoder: encoder, latentMean: mean, latentLogVariance: logVariance, classifier: classifier,
                  decoder: decoder, heads: heads, hasDecoder: true, likelihood: .bernoulli, objective: .elbo,
                  klWeight: klWeight, classWeight: classWeight)
    }
}
