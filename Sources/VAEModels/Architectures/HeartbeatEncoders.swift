import _Differentiation
import NeuralLayers
import Randomness
import TensorCore

// AnoDM section 4.5 compares the TCN encoder of Table 3 with a CNN and an LSTM encoder but
// gives neither's architecture. Each here has about the TCN's parameter count (222,464), so
// the comparison is between structures, not sizes (papers/anodm/deviations.md); each ends in
// a vector the VAE maps to μ and log σ² with one dense layer, as it does the TCN's.

/// The CNN encoder of the ECG comparison: five strided 1-D convolutions (kernel 5, stride 2,
/// "same" padding, ReLU; 32, 64, 80, 128, 128 channels) halve a beat five times
/// (187 → 94 → 47 → 24 → 12 → 6 steps), then the 6 × 128 values go through FC 64 with ReLU.
/// `[n, 187, 1] → [n, 64]`; 218,768 parameters for 187-sample beats.
public struct ConvolutionalHeartbeatEncoder: ContextualLayer {
    public var conv1: Conv1D
    public var conv2: Conv1D
    public var conv3: Conv1D
    public var conv4: Conv1D
    public var conv5: Conv1D
    public var hidden: Dense
    /// Steps × channels after the last convolution.
    @noDerivative public let flattenedSize: Int

    public static let channels = [32, 64, 80, 128, 128]
    public static let kernelSize = 5
    public static let topSize = 64

    public init(length: Int = 187, generator: inout SeededGenerator) {
        func conv(_ input: Int, _ output: Int) -> Conv1D {
            Conv1D(kernelSize: Self.kernelSize, inputChannels: input, outputChannels: output, stride: 2,
                   activation: .relu, generator: &generator)
        }
        let widths = [1] + Self.channels
        conv1 = conv(widths[0], widths[1])
        conv2 = conv(widths[1], widths[2])
        conv3 = conv(widths[2], widths[3])
        conv4 = conv(widths[3], widths[4])
        conv5 = conv(widths[4], widths[5])
        // Each stride-2 "same" convolution gives ⌊(T + 2p − k)/2⌋ + 1 = ⌈T/2⌉ steps (odd k).
        let steps = Self.channels.reduce(length) { steps, _ in (steps + 1) / 2 }
        flattenedSize = steps * Self.channels.last!
        hidden = Dense(inputSize: flattenedSize, outputSize: Self.topSize, activation: .relu, generator: &generator)
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        let features = conv5(conv4(conv3(conv2(conv1(input)))))
        return hidden(features.reshaped(to: [withoutDerivative(at: input).shape[0], flattenedSize]))
    }

    public static var parameterPaths: [ParameterPath<ConvolutionalHeartbeatEncoder>] {
        Conv1D.parameters(at: \.conv1, \.conv1, named: "conv1")
            + Conv1D.parameters(at: \.conv2, \.conv2, named: "conv2")
            + Conv1D.parameters(at: \.conv3, \.conv3, named: "conv3")
            + Conv1D.parameters(at: \.conv4, \.conv4, named: "conv4")
            + Conv1D.parameters(at: \.conv5, \.conv5, named: "conv5")
            + Dense.parameters(at: \.hidden, \.hidden, named: "hidden")
    }
}

/// The LSTM encoder of the ECG comparison (the LSTM-VAE of Park et al. that the paper cites, as a β-VAE): one
/// LSTM layer reads the beat sample by sample, and its hidden state after the last of the 187
/// steps is the code. 235 hidden units: 4·235·(1 + 235 + 1) = 222,780 parameters, the size
/// closest to the TCN's. `[n, T, 1] → [n, 235]`.
public struct RecurrentHeartbeatEncoder: ContextualLayer {
    public var lstm: LSTM

    public static let hiddenSize = 235

    public init(inputChannels: Int = 1, hiddenSize: Int = RecurrentHeartbeatEncoder.hiddenSize,
                generator: inout SeededGenerator) {
        lstm = LSTM(inputSize: inputChannels, hiddenSize: hiddenSize, generator: &generator)
    }

    public var topSize: Int { lstm.hiddenSize }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        let states = lstm(input)
        let shape = withoutDerivative(at: states).shape
        let (steps, hidden) = (shape[1], shape[2])
        // [n, T, h] → the state after the last step.
        return states.reshaped(to: [shape[0], steps * hidden]).slicingLastAxis((steps - 1) * hidden..<(steps * hidden))
    }

    public static var parameterPaths: [ParameterPath<RecurrentHeartbeatEncoder>] {
        LSTM.parameters(at: \.lstm, \.lstm, named: "lstm")
    }
}

/// The ECG comparison's β-VAE with the CNN encoder and Table 3's Arrhythmia decoder.
public typealias CNNHeartbeatVAE = VariationalAutoencoder<ConvolutionalHeartbeatEncoder, HeartbeatDecoder>
/// The ECG comparison's β-VAE with the LSTM encoder and Table 3's Arrhythmia decoder.
public typealias LSTMHeartbeatVAE = VariationalAutoencoder<RecurrentHeartbeatEncoder, HeartbeatDecoder>

extension VariationalAutoencoder where Encoder == ConvolutionalHeartbeatEncoder, Decoder == HeartbeatDecoder {
    public init(cnnHeartbeatWithLatentSize latentSize: Int, length: Int = 187, likelihood: Likelihood,
                beta: Float, capacity: Float = 0, generator: inout SeededGenerator) {
        let encoder = ConvolutionalHeartbeatEncoder(length: length, generator: &generator)
        let decoder = HeartbeatDecoder(latentSize: latentSize, length: length, generator: &generator)
        self = .betaVAE(encoder: encoder, topSize: ConvolutionalHeartbeatEncoder.topSize, decoder: decoder,
                        latentSize: latentSize, likelihood: likelihood, beta: beta, capacity: capacity,
                        generator: &generator)
    }
}

extension VariationalAutoencoder where Encoder == RecurrentHeartbeatEncoder, Decoder == HeartbeatDecoder {
    public init(lstmHeartbeatWithLatentSize latentSize: Int, length: Int = 187, likelihood: Likelihood,
                beta: Float, capacity: Float = 0, generator: inout SeededGenerator) {
        let encoder = RecurrentHeartbeatEncoder(generator: &generator)
        let decoder = HeartbeatDecoder(latentSize: latentSize, length: length, generator: &generator)
        self = .betaVAE(encoder: encoder, topSize: encoder.topSize, decoder: decoder, latentSize: latentSize,
                        likelihood: likelihood, beta: beta, capacity: capacity, generator: &generator)
    }
}
