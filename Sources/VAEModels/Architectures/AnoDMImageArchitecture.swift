import _Differentiation
import NeuralLayers
import Randomness
import TensorCore

/// The image rows of AnoDM's Table 3: which β-VAE each data set gets.
///
/// Every convolution has stride 2 and Keras's "same" size (28 → 14 → 7, 32 → 16 → 8 → 4), and
/// every transposed convolution doubles the size, so the decoders close on the input size with
/// the table's numbers (1568 = 7·7·32, 2048 = 4·4·128). "ReLU activation" in the table is read as
/// relu inside every hidden convolution and dense layer, before the BN or dropout listed after
/// it (Keras's `Conv2D(..., activation="relu")` followed by `BatchNormalization()`); the last
/// transposed convolution is linear (logits or means, as the likelihood reads them).
public enum AnoDMImageArchitecture: String, CaseIterable, Codable, Sendable {
    /// MNIST and Fashion-MNIST, 28×28×1: two convolutions and two dense layers, no BN.
    case digits
    /// CIFAR-10, 32×32×3: three convolutions with BN, dense layers with dropout and BN.
    case cifar10
    /// Small-NORB downscaled to 32×32×1: as CIFAR-10 with smaller kernels and no BN after the
    /// transposed convolutions.
    case smallNORB

    /// `[height, width, channels]` of one input image.
    public var imageShape: [Int] {
        switch self {
        case .digits: return [28, 28, 1]
        case .cifar10: return [32, 32, 3]
        case .smallNORB: return [32, 32, 1]
        }
    }

    /// The encoder's output (the layer the latent mean and variance read).
    public var topSize: Int { self == .digits ? 128 : 256 }
}

/// AnoDM Table 3, MNIST and Fashion-MNIST encoder: Conv2d(32, k3, s2), Conv2d(32, k3, s2),
/// FC 128, FC 128, relu throughout. `[n, 28, 28, 1] → [n, 128]`.
public struct AnoDMDigitEncoder: ContextualLayer {
    public var conv1: Conv2D
    public var conv2: Conv2D
    public var hidden1: Dense
    public var hidden2: Dense

    public init(generator: inout SeededGenerator) {
        conv1 = Conv2D(kernelSize: 3, inputChannels: 1, outputChannels: 32, stride: 2, activation: .relu,
                       generator: &generator)
        conv2 = Conv2D(kernelSize: 3, inputChannels: 32, outputChannels: 32, stride: 2, activation: .relu,
                       generator: &generator)
        hidden1 = Dense(inputSize: 7 * 7 * 32, outputSize: 128, activation: .relu, generator: &generator)
        hidden2 = Dense(inputSize: 128, outputSize: 128, activation: .relu, generator: &generator)
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        hidden2(hidden1(conv2(conv1(input)).flattenedBatch()))
    }

    public static var parameterPaths: [ParameterPath<AnoDMDigitEncoder>] {
        Conv2D.parameters(at: \.conv1, \.conv1, named: "conv1")
            + Conv2D.parameters(at: \.conv2, \.conv2, named: "conv2")
            + Dense.parameters(at: \.hidden1, \.hidden1, named: "hidden1")
            + Dense.parameters(at: \.hidden2, \.hidden2, named: "hidden2")
    }
}

/// AnoDM Table 3, MNIST and Fashion-MNIST decoder: FC 128, FC 1568, reshape to 7×7×32,
/// Deconv2d(32, k3, s2), Deconv2d(1, k3, s2). `[n, latent] → [n, 28, 28, 1]` (linear output).
public struct AnoDMDigitDecoder: ContextualLayer {
    public var hidden1: Dense
    public var hidden2: Dense
    public var deconv1: ConvTranspose2D
    public var deconv2: ConvTranspose2D

    public init(latentSize: Int, generator: inout SeededGenerator) {
        hidden1 = Dense(inputSize: latentSize, outputSize: 128, activation: .relu, generator: &generator)
        hidden2 = Dense(inputSize: 128, outputSize: 7 * 7 * 32, activation: .relu, generator: &generator)
        deconv1 = ConvTranspose2D(kernelSize: 3, inputChannels: 32, outputChannels: 32, stride: 2,
                                  activation: .relu, generator: &generator)
        deconv2 = ConvTranspose2D(kernelSize: 3, inputChannels: 32, outputChannels: 1, stride: 2,
                                  generator: &generator)
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        let batch = withoutDerivative(at: input).rows
        let grid = hidden2(hidden1(input)).reshaped(to: [batch, 7, 7, 32])
        return deconv2(deconv1(grid))
    }

    public static var parameterPaths: [ParameterPath<AnoDMDigitDecoder>] {
        Dense.parameters(at: \.hidden1, \.hidden1, named: "hidden1")
            + Dense.parameters(at: \.hidden2, \.hidden2, named: "hidden2")
            + ConvTranspose2D.parameters(at: \.deconv1, \.deconv1, named: "deconv1")
            + ConvTranspose2D.parameters(at: \.deconv2, \.deconv2, named: "deconv2")
    }
}

/// AnoDM Table 3, CIFAR-10 and Small-NORB encoder: three stride-2 convolutions each followed by
/// BN, then two blocks of FC 256, dropout, BN. `[n, 32, 32, c] → [n, 256]`.
///
/// CIFAR-10: filters 64, 128, 128 with kernels 3, 5, 5 and "Dropout (0.9)"; Small-NORB: filters
/// 32, 64, 128, kernels 3, 3, 3 and "Dropout (0.7)". The table's dropout numbers are read as keep
/// probabilities (TensorFlow 1's `keep_prob`, the paper's time), i.e. drop rates 0.1 and 0.3:
/// dropping 90 % of an encoder's units before BN would leave the latent layer almost no signal.
public struct AnoDMNormalizedEncoder: ContextualLayer {
    public var conv1: Conv2D
    public var norm1: BatchNorm
    public var conv2: Conv2D
    public var norm2: BatchNorm
    public var conv3: Conv2D
    public var norm3: BatchNorm
    public var hidden1: Dense
    public var hiddenNorm1: BatchNorm
    public var hidden2: Dense
    public var hiddenNorm2: BatchNorm
    @noDerivative public let dropout: Dropout

    public init(architecture: AnoDMImageArchitecture, generator: inout SeededGenerator) {
        precondition(architecture != .digits, "AnoDMNormalizedEncoder: the digits row has its own encoder")
        let filters = architecture == .cifar10 ? [64, 128, 128] : [32, 64, 128]
        let kernels = architecture == .cifar10 ? [3, 5, 5] : [3, 3, 3]
        let channels = architecture.imageShape[2]
        conv1 = Conv2D(kernelSize: kernels[0], inputChannels: channels, outputChannels: filters[0], stride: 2,
                       activation: .relu, generator: &generator)
        norm1 = BatchNorm(channels: filters[0])
        conv2 = Conv2D(kernelSize: kernels[1], inputChannels: filters[0], outputChannels: filters[1], stride: 2,
                       activation: .relu, generator: &generator)
        norm2 = BatchNorm(channels: filters[1])
        conv3 = Conv2D(kernelSize: kernels[2], inputChannels: filters[1], outputChannels: filters[2], stride: 2,
                       activation: .relu, generator: &generator)
        norm3 = BatchNorm(channels: filters[2])
        hidden1 = Dense(inputSize: 4 * 4 * filters[2], outputSize: 256, activation: .relu, generator: &generator)
        hiddenNorm1 = BatchNorm(channels: 256)
        hidden2 = Dense(inputSize: 256, outputSize: 256, activation: .relu, generator: &generator)
        hiddenNorm2 = BatchNorm(channels: 256)
        dropout = Dropout(rate: architecture == .cifar10 ? 0.1 : 0.3)
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        var x = norm1(conv1(input), in: context)
        x = norm2(conv2(x), in: context)
        x = norm3(conv3(x), in: context)
        let top1 = hiddenNorm1(dropout(hidden1(x.flattenedBatch()), in: context), in: context)
        return hiddenNorm2(dropout(hidden2(top1), in: context), in: context)
    }

    public static var parameterPaths: [ParameterPath<AnoDMNormalizedEncoder>] {
        Conv2D.parameters(at: \.conv1, \.conv1, named: "conv1")
            + BatchNorm.parameters(at: \.norm1, \.norm1, named: "norm1")
            + Conv2D.parameters(at: \.conv2, \.conv2, named: "conv2")
            + BatchNorm.parameters(at: \.norm2, \.norm2, named: "norm2")
            + Conv2D.parameters(at: \.conv3, \.conv3, named: "conv3")
            + BatchNorm.parameters(at: \.norm3, \.norm3, named: "norm3")
            + Dense.parameters(at: \.hidden1, \.hidden1, named: "hidden1")
            + BatchNorm.parameters(at: \.hiddenNorm1, \.hiddenNorm1, named: "hiddenNorm1")
            + Dense.parameters(at: \.hidden2, \.hidden2, named: "hidden2")
            + BatchNorm.parameters(at: \.hiddenNorm2, \.hiddenNorm2, named: "hiddenNorm2")
    }
}

/// AnoDM Table 3, the dense half of the CIFAR-10 and Small-NORB decoders: FC 256, BN, FC 256, BN,
/// FC 2048, BN, reshaped to 4×4×128. `[n, latent] → [n, 4, 4, 128]`.
public struct AnoDMDecoderStem: ContextualLayer {
    public var hidden1: Dense
    public var norm1: BatchNorm
    public var hidden2: Dense
    public var norm2: BatchNorm
    public var hidden3: Dense
    public var norm3: BatchNorm

    public init(latentSize: Int, generator: inout SeededGenerator) {
        hidden1 = Dense(inputSize: latentSize, outputSize: 256, activation: .relu, generator: &generator)
        norm1 = BatchNorm(channels: 256)
        hidden2 = Dense(inputSize: 256, outputSize: 256, activation: .relu, generator: &generator)
        norm2 = BatchNorm(channels: 256)
        hidden3 = Dense(inputSize: 256, outputSize: 4 * 4 * 128, activation: .relu, generator: &generator)
        norm3 = BatchNorm(channels: 4 * 4 * 128)
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        let batch = withoutDerivative(at: input).rows
        var x = norm1(hidden1(input), in: context)
        x = norm2(hidden2(x), in: context)
        return norm3(hidden3(x), in: context).reshaped(to: [batch, 4, 4, 128])
    }

    public static var parameterPaths: [ParameterPath<AnoDMDecoderStem>] {
        Dense.parameters(at: \.hidden1, \.hidden1, named: "hidden1")
            + BatchNorm.parameters(at: \.norm1, \.norm1, named: "norm1")
            + Dense.parameters(at: \.hidden2, \.hidden2, named: "hidden2")
            + BatchNorm.parameters(at: \.norm2, \.norm2, named: "norm2")
            + Dense.parameters(at: \.hidden3, \.hidden3, named: "hidden3")
            + BatchNorm.parameters(at: \.norm3, \.norm3, named: "norm3")
    }
}

/// AnoDM Table 3, CIFAR-10 decoder: the stem, then DeConv2d(128, k5, s2), BN, Deconv2d(64, k5,
/// s2), BN, Deconv2d(3, k3, s2). `[n, latent] → [n, 32, 32, 3]`.
public struct AnoDMCIFARDecoder: ContextualLayer {
    public var stem: AnoDMDecoderStem
    public var deconv1: ConvTranspose2D
    public var norm1: BatchNorm
    public var deconv2: ConvTranspose2D
    public var norm2: BatchNorm
    public var deconv3: ConvTranspose2D

    public init(latentSize: Int, generator: inout SeededGenerator) {
        stem = AnoDMDecoderStem(latentSize: latentSize, generator: &generator)
        deconv1 = ConvTranspose2D(kernelSize: 5, inputChannels: 128, outputChannels: 128, stride: 2,
                                  activation: .relu, generator: &generator)
        norm1 = BatchNorm(channels: 128)
        deconv2 = ConvTranspose2D(kernelSize: 5, inputChannels: 128, outputChannels: 64, stride: 2,
                                  activation: .relu, generator: &generator)
        norm2 = BatchNorm(channels: 64)
        deconv3 = ConvTranspose2D(kernelSize: 3, inputChannels: 64, outputChannels: 3, stride: 2,
                                  generator: &generator)
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        var x = norm1(deconv1(stem(input, in: context)), in: context)
        x = norm2(deconv2(x), in: context)
        return deconv3(x)
    }

    public static var parameterPaths: [ParameterPath<AnoDMCIFARDecoder>] {
        AnoDMDecoderStem.parameters(at: \.stem, \.stem, named: "stem")
            + ConvTranspose2D.parameters(at: \.deconv1, \.deconv1, named: "deconv1")
            + BatchNorm.parameters(at: \.norm1, \.norm1, named: "norm1")
            + ConvTranspose2D.parameters(at: \.deconv2, \.deconv2, named: "deconv2")
            + BatchNorm.parameters(at: \.norm2, \.norm2, named: "norm2")
            + ConvTranspose2D.parameters(at: \.deconv3, \.deconv3, named: "deconv3")
    }
}

/// AnoDM Table 3, Small-NORB decoder: the stem, then Deconv2d(128, k5, s2), Deconv2d(64, k5,
/// s2), Deconv2d(·, k3, s2), with no BN between them (as the table lists it). The table's last
/// layer has 3 filters for a 32×32×1 input; ours has 1 so that the output is the input's shape.
/// `[n, latent] → [n, 32, 32, 1]`.
public struct AnoDMSmallNORBDecoder: ContextualLayer {
    public var stem: AnoDMDecoderStem
    public var deconv1: ConvTranspose2D
    public var deconv2: ConvTranspose2D
    public var deconv3: ConvTranspose2D

    public init(latentSize: Int, generator: inout SeededGenerator) {
        stem = AnoDMDecoderStem(latentSize: latentSize, generator: &generator)
        deconv1 = ConvTranspose2D(kernelSize: 5, inputChannels: 128, outputChannels: 128, stride: 2,
                                  activation: .relu, generator: &generator)
        deconv2 = ConvTranspose2D(kernelSize: 5, inputChannels: 128, outputChannels: 64, stride: 2,
                                  activation: .relu, generator: &generator)
        deconv3 = ConvTranspose2D(kernelSize: 3, inputChannels: 64, outputChannels: 1, stride: 2,
                                  generator: &generator)
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        deconv3(deconv2(deconv1(stem(input, in: context))))
    }

    public static var parameterPaths: [ParameterPath<AnoDMSmallNORBDecoder>] {
        AnoDMDecoderStem.parameters(at: \.stem, \.stem, named: "stem")
            + ConvTranspose2D.parameters(at: \.deconv1, \.deconv1, named: "deconv1")
            + ConvTranspose2D.parameters(at: \.deconv2, \.deconv2, named: "deconv2")
            + ConvTranspose2D.parameters(at: \.deconv3, \.deconv3, named: "deconv3")
    }
}

/// The one VAE definition with AnoDM's Table 3 networks: a β-VAE without classifier heads.
public typealias AnoDMDigitVAE = VariationalAutoencoder<AnoDMDigitEncoder, AnoDMDigitDecoder>
public typealias AnoDMCIFARVAE = VariationalAutoencoder<AnoDMNormalizedEncoder, AnoDMCIFARDecoder>
public typealias AnoDMSmallNORBVAE = VariationalAutoencoder<AnoDMNormalizedEncoder, AnoDMSmallNORBDecoder>

extension VariationalAutoencoder {
    /// A β-VAE (anodm eq. 1: `−E[log p(x|z)] + β·|KL − C|`) around `encoder` and `decoder`, with
    /// no classifier head (the classifier slot holds an unused one-output layer, never trained:
    /// `trainedParameterNames` leaves it out when there are no heads).
    static func betaVAE(encoder: Encoder, topSize: Int, decoder: Decoder, latentSize: Int, likelihood: Likelihood,
                        beta: Float, capacity: Float, generator: inout SeededGenerator) -> Self {
        precondition(likelihood.outputsPerFeature == 1,
                     "AnoDM β-VAE: the Table 3 decoders output one value per pixel, not \(likelihood)")
        let mean = Dense(inputSize: topSize, outputSize: latentSize, generator: &generator)
        let logVariance = Dense(inputSize: topSize, outputSize: latentSize, generator: &generator)
        let unusedClassifier = Dense(inputSize: topSize, outputSize: 1, generator: &generator)
        return Self(encoder: encoder, latentMean: mean, latentLogVariance: logVariance, classifier: unusedClassifier,
                    decoder: decoder, heads: [], hasDecoder: true, likelihood: likelihood,
                    objective: .betaCapacity(capacity: capacity), klWeight: beta)
    }
}

extension VariationalAutoencoder where Encoder == AnoDMDigitEncoder, Decoder == AnoDMDigitDecoder {
    /// AnoDM's β-VAE for MNIST and Fashion-MNIST (Table 3).
    public init(anoDMDigitsWithLatentSize latentSize: Int, likelihood: Likelihood = .bernoulli, beta: Float,
                capacity: Float = 0, generator: inout SeededGenerator) {
        let encoder = AnoDMDigitEncoder(generator: &generator)
        let decoder = AnoDMDigitDecoder(latentSize: latentSize, generator: &generator)
        self = .betaVAE(encoder: encoder, topSize: AnoDMImageArchitecture.digits.topSize, decoder: decoder,
                        latentSize: latentSize, likelihood: likelihood, beta: beta, capacity: capacity,
                        generator: &generator)
    }
}

extension VariationalAutoencoder where Encoder == AnoDMNormalizedEncoder, Decoder == AnoDMCIFARDecoder {
    /// AnoDM's β-VAE for CIFAR-10 (Table 3).
    public init(anoDMCIFARWithLatentSize latentSize: Int, likelihood: Likelihood, beta: Float,
                capacity: Float = 0, generator: inout SeededGenerator) {
        let encoder = AnoDMNormalizedEncoder(architecture: .cifar10, generator: &generator)
        let decoder = AnoDMCIFARDecoder(latentSize: latentSize, generator: &generator)
        self = .betaVAE(encoder: encoder, topSize: AnoDMImageArchitecture.cifar10.topSize, decoder: decoder,
                        latentSize: latentSize, likelihood: likelihood, beta: beta, capacity: capacity,
                        generator: &generator)
    }
}

extension VariationalAutoencoder where Encoder == AnoDMNormalizedEncoder, Decoder == AnoDMSmallNORBDecoder {
    /// AnoDM's β-VAE for Small-NORB at 32×32 (Table 3).
    public init(anoDMSmallNORBWithLatentSize latentSize: Int, likelihood: Likelihood, beta: Float,
                capacity: Float = 0, generator: inout SeededGenerator) {
        let encoder = AnoDMNormalizedEncoder(architecture: .smallNORB, generator: &generator)
        let decoder = AnoDMSmallNORBDecoder(latentSize: latentSize, generator: &generator)
        self = .betaVAE(encoder: encoder, topSize: AnoDMImageArchitecture.smallNORB.topSize, decoder: decoder,
                        latentSize: latentSize, likelihood: likelihood, beta: beta, capacity: capacity,
                        generator: &generator)
    }
}
