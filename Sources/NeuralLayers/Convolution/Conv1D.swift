import _Differentiation
import Randomness
import TensorCore

/// A strided 1-D convolution layer over time, `activation(conv1D(input, filter) + bias)`, with
/// Keras's "same" sizes at stride 1: padding `(k − 1)/2` at both ends (PyTorch's
/// `Conv1d(padding=(k-1)//2)`), so stride 2 halves an even length (the CNN encoder of the ECG
/// comparison, anodm section 4.5). For causal convolutions see `CausalConv1D`.
///
/// Shapes: input `[n, T, inputChannels]`, filter `[k, inputChannels, outputChannels]`,
/// bias `[outputChannels]`, output `[n, ⌊(T + 2p − k)/s⌋ + 1, outputChannels]`.
public struct Conv1D: Layer {
    public var filter: Tensor
    public var bias: Tensor
    @noDerivative public let stride: Int
    /// Zeros added at each end, `(k − 1)/2`.
    @noDerivative public let padding: Int
    @noDerivative public let activation: Activation

    public init(filter: Tensor, bias: Tensor, stride: Int = 1, activation: Activation = .linear) {
        precondition(filter.rank == 3 && bias.shape == [filter.shape[2]],
                     "Conv1D: filter \(filter.shape) must be [k, in, out] and bias \(bias.shape) [out]")
        precondition(stride >= 1, "Conv1D: stride \(stride) must be positive")
        self.filter = filter
        self.bias = bias
        self.stride = stride
        self.padding = (filter.shape[0] - 1) / 2
        self.activation = activation
    }

    /// Glorot-uniform filter (fans k·in and k·out, as Keras computes them), zero bias.
    public init(kernelSize: Int, inputChannels: Int, outputChannels: Int, stride: Int = 1,
                activation: Activation = .linear, generator: inout SeededGenerator) {
        self.init(filter: Initializer.glorotUniform([kernelSize, inputChannels, outputChannels],
                                                    fanIn: kernelSize * inputChannels,
                                                    fanOut: kernelSize * outputChannels, using: &generator),
                  bias: .zeros([outputChannels]), stride: stride, activation: activation)
    }

    public var kernelSize: Int { filter.shape[0] }
    public var inputChannels: Int { filter.shape[1] }
    public var outputChannels: Int { filter.shape[2] }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor) -> Tensor {
        activation(addingBias(conv1D(input, filter: filter, stride: stride, padding: padding), bias))
    }

    public static var parameterPaths: [ParameterPath<Conv1D>] {
        [ParameterPath("filter", \.filter, \.filter), ParameterPath("bias", \.bias, \.bias)]
    }
}

/// A transposed 1-D convolution layer ("Deconv1d" in anodm Table 3's Arrhythmia decoder),
/// `activation(transposedConv1D(input, filter) + bias)`: the adjoint of the `Conv1D` with the
/// same filter, stride and padding `(k − 1)/2`. `outputPadding` defaults to `stride − 1`, which
/// makes every stride exactly multiply the length (4 → 8 at stride 2).
///
/// Shapes: input `[n, t, inputChannels]`, filter `[k, outputChannels, inputChannels]` (the
/// convolution's layout, as `ConvTranspose2D`), bias `[outputChannels]`, output
/// `[n, (t − 1)s − 2p + k + outputPadding, outputChannels]`.
public struct ConvTranspose1D: Layer {
    public var filter: Tensor
    public var bias: Tensor
    @noDerivative public let stride: Int
    /// The padding of the convolution this layer is the adjoint of, `(k − 1)/2`.
    @noDerivative public let padding: Int
    @noDerivative public let outputPadding: Int
    @noDerivative public let activation: Activation

    public init(filter: Tensor, bias: Tensor, stride: Int = 1, outputPadding: Int? = nil,
                activation: Activation = .linear) {
        precondition(filter.rank == 3 && bias.shape == [filter.shape[1]],
                     "ConvTranspose1D: filter \(filter.shape) must be [k, out, in] and bias \(bias.shape) [out]")
        let outputPadding = outputPadding ?? stride - 1
        precondition(stride >= 1 && outputPadding >= 0 && outputPadding < stride,
                     "ConvTranspose1D: stride \(stride) and output padding \(outputPadding) invalid")
        self.filter = filter
        self.bias = bias
        self.stride = stride
        self.padding = (filter.shape[0] - 1) / 2
        self.outputPadding = outputPadding
        self.activation = activation
    }

    /// Glorot-uniform filter (fans k·in and k·out), zero bias.
    public init(kernelSize: Int, inputChannels: Int, outputChannels: Int, stride: Int = 1,
                outputPadding: Int? = nil, activation: Activation = .linear,
                generator: inout SeededGenerator) {
        self.init(filter: Initializer.glorotUniform([kernelSize, outputChannels, inputChannels],
                                                    fanIn: kernelSize * inputChannels,
                                                    fanOut: kernelSize * outputChannels, using: &generator),
                  bias: .zeros([outputChannels]), stride: stride, outputPadding: outputPadding,
                  activation: activation)
    }

    public var kernelSize: Int { filter.shape[0] }
    public var inputChannels: Int { filter.shape[2] }
    public var outputChannels: Int { filter.shape[1] }

    /// The output length for an input of `length` steps.
    public func outputLength(forInput length: Int) -> Int {
        (length - 1) * stride - 2 * padding + kernelSize + outputPadding
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor) -> Tensor {
        activation(addingBias(transposedConv1D(input, filter: filter, stride: stride, padding: padding,
                                               outputPadding: outputPadding), bias))
    }

    public static var parameterPaths: [ParameterPath<ConvTranspose1D>] {
        [ParameterPath("filter", \.filter, \.filter), ParameterPath("bias", \.bias, \.bias)]
    }
}
