import _Differentiation
import Randomness
import TensorCore

/// A fully connected layer, `activation(input · weight + bias)`, applied to the last axis.
///
/// Shapes: input `[..., inputSize]`, weight `[inputSize, outputSize]`, bias `[outputSize]`,
/// output `[..., outputSize]`. On a sequence `[batch, time, features]` it is the "fully
/// connected along feature dim" layer of semisupervised-vae Table 15.
public struct Dense: Layer {
    public var weight: Tensor
    public var bias: Tensor
    @noDerivative public let activation: Activation

    public init(weight: Tensor, bias: Tensor, activation: Activation = .linear) {
        precondition(weight.rank == 2 && bias.shape == [weight.shape[1]],
                     "Dense: weight \(weight.shape) and bias \(bias.shape) do not fit")
        self.weight = weight
        self.bias = bias
        self.activation = activation
    }

    /// Glorot-uniform weight, zero bias (Keras defaults).
    public init(inputSize: Int, outputSize: Int, activation: Activation = .linear,
                generator: inout SeededGenerator) {
        self.init(weight: Initializer.glorotUniform([inputSize, outputSize], fanIn: inputSize,
                                                    fanOut: outputSize, using: &generator),
                  bias: .zeros([outputSize]), activation: activation)
    }

    public var inputSize: Int { weight.shape[0] }
    public var outputSize: Int { weight.shape[1] }

    /// (Also differentiable with respect to the parameters alone, for a first layer: see
    /// `ContextualLayer`.)
    @differentiable(reverse)
    @differentiable(reverse, wrt: self)
    public func callAsFunction(_ input: Tensor) -> Tensor {
        activation(addingBias(matmul(input, weight), bias))
    }

    public static var parameterPaths: [ParameterPath<Dense>] {
        [ParameterPath("weight", \.weight, \.weight), ParameterPath("bias", \.bias, \.bias)]
    }
}
