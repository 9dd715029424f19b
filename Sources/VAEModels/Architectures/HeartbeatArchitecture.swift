import _Differentiation
import NeuralLayers
import Randomness
import TensorCore

/// AnoDM Table 3, Arrhythmia encoder: a temporal convolutional network as keras-tcn built it in
/// 2019 (`TCN(nb_filters=64, kernel_size=4, nb_stacks=1, dilations=[1, 2, 4, 8, 16, 32],
/// padding="causal", use_skip_connections=True, dropout_rate=0.05, return_sequences=False)`):
///
///     x   = conv1×1(input)                                 keras-tcn's "1D FCN" to 64 channels
///     x, Fᵢ(x) = blockᵢ(x)   for dilations 1, 2, 4, 8, 16, 32   (`TemporalBlock`, `.kerasTCN2019`)
///     out = (F₁ + … + F₆)[last time step]                  skip connections summed, then the last step
///
/// `[n, 187, 1] → [n, filters]`. The receptive field, 1 + 2·(k − 1)·(1 + 2 + … + 32) = 379 steps
/// at k = 4, covers a whole beat, so the last step sees every sample.
public struct TCNEncoder: ContextualLayer {
    public var inputProjection: CausalConv1D
    public var block1: TemporalBlock
    public var block2: TemporalBlock
    public var block3: TemporalBlock
    public var block4: TemporalBlock
    public var block5: TemporalBlock
    public var block6: TemporalBlock

    /// The dilations of Table 3, one block each.
    public static let dilations = [1, 2, 4, 8, 16, 32]

    public init(inputChannels: Int = 1, filters: Int = 64, kernelSize: Int = 4, dropoutRate: Float = 0.05,
                generator: inout SeededGenerator) {
        inputProjection = CausalConv1D(kernelSize: 1, inputChannels: inputChannels, outputChannels: filters,
                                       generator: &generator)
        func block(_ dilation: Int) -> TemporalBlock {
            TemporalBlock(inputChannels: filters, outputChannels: filters, kernelSize: kernelSize, dilation: dilation,
                          dropoutRate: dropoutRate, style: .kerasTCN2019, generator: &generator)
        }
        block1 = block(1)
        block2 = block(2)
        block3 = block(4)
        block4 = block(8)
        block5 = block(16)
        block6 = block(32)
    }

    public init(inputProjection: CausalConv1D, blocks: [TemporalBlock]) {
        precondition(blocks.count == 6 && zip(blocks, TCNEncoder.dilations).allSatisfy { $0.dilation == $1 },
                     "TCNEncoder: six blocks with dilations \(TCNEncoder.dilations)")
        self.inputProjection = inputProjection
        (block1, block2, block3, block4, block5, block6) = (blocks[0], blocks[1], blocks[2], blocks[3], blocks[4], blocks[5])
    }

    public var filters: Int { inputProjection.outputChannels }
    /// Steps the last output depends on: the sum of the blocks' reach, plus the step itself.
    public var receptiveField: Int {
        [block1, block2, block3, block4, block5, block6].map { $0.receptiveField - 1 }.reduce(1, +)
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        var x = inputProjection(input)
        let f1 = block1.transform(x, in: context)
        x = block1.combine(x, transformed: f1)
        let f2 = block2.transform(x, in: context)
        x = block2.combine(x, transformed: f2)
        let f3 = block3.transform(x, in: context)
        x = block3.combine(x, transformed: f3)
        let f4 = block4.transform(x, in: context)
        x = block4.combine(x, transformed: f4)
        let f5 = block5.transform(x, in: context)
        x = block5.combine(x, transformed: f5)
        // The last block's output x is not used: with skip connections on, keras-tcn returns the
        // sum of the blocks' F(x).
        let f6 = block6.transform(x, in: context)
        return lastStep(f1 + f2 + f3 + f4 + f5 + f6)
    }

    /// `[n, T, c] → [n, c]`: the last time step (`return_sequences=False`).
    @differentiable(reverse)
    func lastStep(_ sequence: Tensor) -> Tensor {
        let shape = withoutDerivative(at: sequence).shape
        let (steps, channels) = (shape[1], shape[2])
        return sequence.reshaped(to: [shape[0], steps * channels]).slicingLastAxis((steps - 1) * channels..<(steps * channels))
    }

    public static var parameterPaths: [ParameterPath<TCNEncoder>] {
        CausalConv1D.parameters(at: \.inputProjection, \.inputProjection, named: "inputProjection")
            + TemporalBlock.parameters(at: \.block1, \.block1, named: "block1")
            + TemporalBlock.parameters(at: \.block2, \.block2, named: "block2")
            + TemporalBlock.parameters(at: \.block3, \.block3, named: "block3")
            + TemporalBlock.parameters(at: \.block4, \.block4, named: "block4")
            + TemporalBlock.parameters(at: \.block5, \.block5, named: "block5")
            + TemporalBlock.parameters(at: \.block6, \.block6, named: "block6")
    }
}

/// AnoDM Table 3, Arrhythmia decoder: FC 256, FC 384, FC 2048, BN, then six transposed 1-D
/// convolutions (filters 64, 64, 64, 32, 32, 1; kernel 3; stride 2). `[n, latent] → [n, 187, 1]`.
///
/// The table does not say how 2048 values become a sequence, and six doublings of any whole
/// length never give 187. Our reading: reshape to 4 steps × 512 channels, double six times with
/// "same" transposed convolutions (4 → 256 steps), and keep the first 187 steps (Keras's
/// `Cropping1D((0, 69))`). The beats of the heartbeat set are zero-padded at the end, so the
/// cropped tail is where no signal lives; the cropped outputs get no gradient.
public struct HeartbeatDecoder: ContextualLayer {
    public var hidden1: Dense
    public var hidden2: Dense
    public var hidden3: Dense
    public var norm: BatchNorm
    public var deconv1: ConvTranspose1D
    public var deconv2: ConvTranspose1D
    public var deconv3: ConvTranspose1D
    public var deconv4: ConvTranspose1D
    public var deconv5: ConvTranspose1D
    public var deconv6: ConvTranspose1D
    @noDerivative public let length: Int

    /// Steps × channels the 2048 dense outputs are read as.
    public static let seedSteps = 4
    public static let seedChannels = 512

    public init(latentSize: Int, length: Int = 187, generator: inout SeededGenerator) {
        precondition(length <= HeartbeatDecoder.seedSteps << 6, "HeartbeatDecoder: at most 256 steps, got \(length)")
        self.length = length
        hidden1 = Dense(inputSize: latentSize, outputSize: 256, activation: .relu, generator: &generator)
        hidden2 = Dense(inputSize: 256, outputSize: 384, activation: .relu, generator: &generator)
        hidden3 = Dense(inputSize: 384, outputSize: 2048, activation: .relu, generator: &generator)
        norm = BatchNorm(channels: 2048)
        func deconv(_ input: Int, _ output: Int, _ activation: Activation = .relu) -> ConvTranspose1D {
            ConvTranspose1D(kernelSize: 3, inputChannels: input, outputChannels: output, stride: 2,
                            activation: activation, generator: &generator)
        }
        deconv1 = deconv(HeartbeatDecoder.seedChannels, 64)
        deconv2 = deconv(64, 64)
        deconv3 = deconv(64, 64)
        deconv4 = deconv(64, 32)
        deconv5 = deconv(32, 32)
        deconv6 = deconv(32, 1, .linear)
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        let batch = withoutDerivative(at: input).rows
        let dense = norm(hidden3(hidden2(hidden1(input))), in: context)
        var x = dense.reshaped(to: [batch, HeartbeatDecoder.seedSteps, HeartbeatDecoder.seedChannels])
        x = deconv3(deconv2(deconv1(x)))
        x = deconv6(deconv5(deconv4(x)))
        // [n, 256, 1] → the first `length` steps.
        let steps = HeartbeatDecoder.seedSteps << 6
        return x.reshaped(to: [batch, steps]).slicingLastAxis(0..<length).reshaped(to: [batch, length, 1])
    }

    public static var parameterPaths: [ParameterPath<HeartbeatDecoder>] {
        Dense.parameters(at: \.hidden1, \.hidden1, named: "hidden1")
            + Dense.parameters(at: \.hidden2, \.hidden2, named: "hidden2")
            + Dense.parameters(at: \.hidden3, \.hidden3, named: "hidden3")
            + BatchNorm.parameters(at: \.norm, \.norm, named: "norm")
            + ConvTranspose1D.parameters(at: \.deconv1, \.deconv1, named: "deconv1")
            + ConvTranspose1D.parameters(at: \.deconv2, \.deconv2, named: "deconv2")
            + ConvTranspose1D.parameters(at: \.deconv3, \.deconv3, named: "deconv3")
            + ConvTranspose1D.parameters(at: \.deconv4, \.deconv4, named: "deconv4")
            + ConvTranspose1D.parameters(at: \.deconv5, \.deconv5, named: "deconv5")
            + ConvTranspose1D.parameters(at: \.deconv6, \.deconv6, named: "deconv6")
    }
}

/// The one VAE definition with AnoDM's Arrhythmia networks: a β-VAE with the TCN encoder.
public typealias TCNHeartbeatVAE = VariationalAutoencoder<TCNEncoder, HeartbeatDecoder>

extension VariationalAutoencoder where Encoder == TCNEncoder, Decoder == HeartbeatDecoder {
    /// AnoDM's β-VAE for heartbeats of `length` samples (Table 3, Arrhythmia).
    public init(tcnHeartbeatWithLatentSize latentSize: Int, length: Int = 187, likelihood: Likelihood,
                beta: Float, capacity: Float = 0, generator: inout SeededGenerator) {
        let encoder = TCNEncoder(generator: &generator)
        let decoder = HeartbeatDecoder(latentSize: latentSize, length: length, generator: &generator)
        self = .betaVAE(encoder: encoder, topSize: encoder.filters, decoder: decoder, latentSize: latentSize,
                        likelihood: likelihood, beta: beta, capacity: capacity, generator: &generator)
    }
}
