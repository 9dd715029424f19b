import _Differentiation
import Randomness
import TensorCore

/// A transposed 2-D convolution layer ("ConvCNN" in semisupervised-vae Tables 14 and 16),
/// `activation(transposedConv2D(input, filter) + bias)`: the adjoint of the `Conv2D` with
/// the same filter, stride and padding `(k − 1)/2`. `outputPadding` defaults to `stride − 1`,
/// which makes every stride exactly multiply the size (14 → 28, 48 → 96; stride 1 keeps it).
///
/// Shapes: input `[n, h, w, inputChannels]`, filter `[k, k, outputChannels, inputChannels]`
/// (the convolution's layout, as in Keras's `Conv2DTranspose`), bias `[outputChannels]`,
/// output `[n, (h − 1)s − 2p + k + outputPadding, (w − 1)s − 2p + k + outputPadding, outputChannels]`.
public struct ConvTranspose2D: Layer {
    public var filter: Tensor
    public var bias: Tensor
    @noDerivative public let stride: Int
    /// The padding of the convolution this layer is the adjoint of, `(k − 1)/2`.
    @noDerivative public let padding: Int
    @noDerivative public let outputPadding: Int
    @noDerivative public let activation: Activation

    public init(filter: Tensor, bias: Tensor, stride: Int = 1, outputPadding: Int? = nil,
                activation: Activation = .linear) {
        precondition(filter.rank == 4 && filter.shape[0] == filter.shape[1],
                     "ConvTranspose2D: filter \(filter.shape) must be [k, k, out, in]")
        precondition(bias.shape == [filter.shape[2]],
                     "ConvTranspose2D: bias \(bias.shape) does not fit filter \(filter.shape)")
        let outputPadding = outputPadding ?? stride - 1
        precondition(stride >= 1 && outputPadding >= 0 && outputPadding < stride,
                     "ConvTranspose2D: stride \(stride) and output padding \(outputPadding) invalid")
        self.filter = filter
        self.bias = bias
        self.stride = stride
        self.padding = (filter.shape[0] - 1) / 2
        self.outputPadding = outputPadding
        self.activation = activation
    }

    /// Glorot-uniform filter (fans k·k·out and k·k·in), zero bias.
    public init(kernelSize: Int, inputChannels: Int, outputChannels: Int, stride: Int = 1,
                outputPadding: Int? = nil, activation: Activation = .linear,
                generator: inout SeededGenerator) {
        let taps = kernelSize * kernelSize
        self.init(filter: Initializer.glorotUniform([kernelSize, kernelSize, outputChannels, inputChannels],
                                                    fanIn: taps * inputChannels, fanOut: taps * outputChannels,
                                                    using: &generator),
                  bias: .zeros([outputChannels]), stride: stride, outputPadding: outputPadding,
                  activation: activation)
    }

    public var kernelSize: Int { filter.shape[0] }
    public var inputChannels: Int { filter.shape[3] }
    public var outputChannels: Int { filter.shape[2] }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor) -> Tensor {
        activation(addingBias(transposedConv2D(input, filter: filter, stride: stride, padding: padding,
                                               outputPadding: outputPadding), bias))
    }

    public static var parameterPaths: [ParameterPath<ConvTranspose2D>] {
        [ParameterPath("filter", \.filter, \.filter), ParameterPath("bias", \.bias, \.bias)]
    }
}
