import _Differentiation
import Randomness
import TensorCore

/// A dilated causal convolution over time (Bai et al. 2018; anodm appendix D):
/// `activation(causalConv1D(input, filter, dilation) + bias)`. Step t sees only steps
/// t − (k − 1)·d … t; the left padding `(k − 1)·d` keeps the sequence length.
///
/// Shapes: input `[n, T, inputChannels]`, filter `[k, inputChannels, outputChannels]`,
/// bias `[outputChannels]`, output `[n, T, outputChannels]`.
public struct CausalConv1D: Layer {
    public var filter: Tensor
    public var bias: Tensor
    @noDerivative public let dilation: Int
    @noDerivative public let activation: Activation

    public init(filter: Tensor, bias: Tensor, dilation: Int = 1, activation: Activation = .linear) {
        precondition(filter.rank == 3 && bias.shape == [filter.shape[2]],
                     "CausalConv1D: filter \(filter.shape) must be [k, in, out] and bias \(bias.shape) [out]")
        precondition(dilation >= 1, "CausalConv1D: dilation \(dilation) must be positive")
        self.filter = filter
        self.bias = bias
        self.dilation = dilation
        self.activation = activation
    }

    /// Glorot-uniform filter (fans k·in and k·out), zero bias.
    public init(kernelSize: Int, inputChannels: Int, outputChannels: Int, dilation: Int = 1,
                activation: Activation = .linear, generator: inout SeededGenerator) {
        self.init(filter: Initializer.glorotUniform([kernelSize, inputChannels, outputChannels],
                                                    fanIn: kernelSize * inputChannels,
                                                    fanOut: kernelSize * outputChannels, using: &generator),
                  bias: .zeros([outputChannels]), dilation: dilation, activation: activation)
    }

    public var kernelSize: Int { filter.shape[0] }
    public var inputChannels: Int { filter.shape[1] }
    public var outputChannels: Int { filter.shape[2] }
    /// How many past steps (including the current one) an output step depends on.
    public var receptiveField: Int { (kernelSize - 1) * dilation + 1 }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor) -> Tensor {
        activation(addingBias(causalConv1D(input, filter: filter, dilation: dilation), bias))
    }

    public static var parameterPaths: [ParameterPath<CausalConv1D>] {
        [ParameterPath("filter", \.filter, \.filter), ParameterPath("bias", \.bias, \.bias)]
    }
}
