import _Differentiation
import Randomness
import TensorCore

/// A 2-D convolution layer, `activation(conv2D(input, filter) + bias)`, with Keras's "same"
/// sizes at stride 1: padding `(k − 1)/2` on every side (conventions; PyTorch's
/// `Conv2d(padding=(k-1)//2)`), so stride 2 halves an even size (28 → 14, 96 → 48).
///
/// Shapes: input `[n, H, W, inputChannels]`, filter `[k, k, inputChannels, outputChannels]`,
/// bias `[outputChannels]`, output `[n, ⌊(H + 2p − k)/s⌋ + 1, ⌊(W + 2p − k)/s⌋ + 1, outputChannels]`.
public struct Conv2D: Layer {
    public var filter: Tensor
    public var bias: Tensor
    @noDerivative public let stride: Int
    /// Zeros added on every side, `(k − 1)/2`.
    @noDerivative public let padding: Int
    @noDerivative public let activation: Activation

    public init(filter: Tensor, bias: Tensor, stride: Int = 1, activation: Activation = .linear) {
        precondition(filter.rank == 4 && filter.shape[0] == filter.shape[1],
                     "Conv2D: filter \(filter.shape) must be [k, k, in, out]")
        precondition(bias.shape == [filter.shape[3]], "Conv2D: bias \(bias.shape) does not fit filter \(filter.shape)")
        precondition(stride >= 1, "Conv2D: stride \(stride) must be positive")
        self.filter = filter
        self.bias = bias
        self.stride = stride
        self.padding = (filter.shape[0] - 1) / 2
        self.activation = activation
    }

    /// Glorot-uniform filter (fanIn = k·k·in, fanOut = k·k·out, as Keras computes them), zero bias.
    public init(kernelSize: Int, inputChannels: Int, outputChannels: Int, stride: Int = 1,
                activation: Activation = .linear, generator: inout SeededGenerator) {
        let taps = kernelSize * kernelSize
        self.init(filter: Initializer.glorotUniform([kernelSize, kernelSize, inputChannels, outputChannels],
                                                    fanIn: taps * inputChannels, fanOut: taps * outputChannels,
                                                    using: &generator),
                  bias: .zeros([outputChannels]), stride: stride, activation: activation)
    }

    public var kernelSize: Int { filter.shape[0] }
    public var inputChannels: Int { filter.shape[2] }
    public var outputChannels: Int { filter.shape[3] }

    @differentiable(reverse)
    @differentiable(reverse, wrt: self)
    public func callAsFunction(_ input: Tensor) -> Tensor {
        activation(addingBias(conv2D(input, filter: filter, stride: stride, padding: padding), bias))
    }

    public static var parameterPaths: [ParameterPath<Conv2D>] {
        [ParameterPath("filter", \.filter, \.filter), ParameterPath("bias", \.bias, \.bias)]
    }
}
