import _Differentiation
import Randomness
import TensorCore

/// The residual block of a temporal convolutional network (Bai et al. 2018), the TCN encoder
/// of anodm section 3.4 and appendix D (kernel 4, one block per dilation 1, 2, 4, …, 32):
///
///     F(x) = dropout(relu(conv₂(dropout(relu(conv₁(x))))))      both causal, same dilation
///     out  = relu(x' + F(x)),   x' = x, or a 1×1 convolution of x when channel counts differ
///
/// Shapes: input `[n, T, inputChannels]`, output `[n, T, outputChannels]`.
///
/// `style` picks between the two published forms of the block: Bai et al.'s (above) and
/// keras-tcn's of 2019 (the AnoDM paper's time: `tcn.py` at commit 32db89d), where the output is
/// `x' + F(x)` with no relu (the TCN's default `activation='linear'`), the residual path always
/// goes through a 1×1 convolution, and dropout drops whole channels (`SpatialDropout1D`).
///
/// Parameters are named as in Bai et al.'s code and the golden fixtures: `conv1`, `conv2`, and
/// `skip` for the 1×1 convolution on the residual path. The parameter list of a type is
/// fixed, so a block whose channel counts match still lists `skip.filter` and `skip.bias`;
/// they are then empty (`[1, c, 0]` and `[0]`), hold no values and are never used.
public struct TemporalBlock: ContextualLayer {
    /// The two published forms of the residual block.
    public enum Style: String, Sendable, Codable {
        /// Bai et al. 2018: `relu(x' + F(x))`, elementwise dropout, a 1×1 skip only when the
        /// channel counts differ.
        case baiEtAl
        /// keras-tcn 2019: `x' + F(x)`, channel dropout, a 1×1 skip always.
        case kerasTCN2019
    }

    public var conv1: CausalConv1D
    public var conv2: CausalConv1D
    public var skip: CausalConv1D
    @noDerivative public let dropout: Dropout
    @noDerivative public let style: Style

    /// `skip` must be a linear 1×1 convolution from the input to the output channels, or nil
    /// when the block keeps the channel count.
    public init(conv1: CausalConv1D, conv2: CausalConv1D, skip: CausalConv1D?, dropoutRate: Float = 0,
                style: Style = .baiEtAl) {
        let (inputChannels, outputChannels) = (conv1.inputChannels, conv2.outputChannels)
        precondition(conv1.outputChannels == conv2.inputChannels
                     && conv1.activation == .relu && conv2.activation == .relu,
                     "TemporalBlock: the two convolutions must chain and use relu")
        if let skip {
            precondition(skip.kernelSize == 1 && skip.inputChannels == inputChannels
                         && skip.outputChannels == outputChannels && skip.activation == .linear,
                         "TemporalBlock: the skip must be a linear 1×1 convolution \(inputChannels) → \(outputChannels)")
        } else {
            precondition(inputChannels == outputChannels && style == .baiEtAl,
                         "TemporalBlock: \(inputChannels) → \(outputChannels) channels (\(style)) needs a 1×1 skip")
        }
        self.conv1 = conv1
        self.conv2 = conv2
        self.skip = skip ?? CausalConv1D(filter: Tensor(shape: [1, inputChannels, 0], scalars: []),
                                         bias: Tensor(shape: [0], scalars: []))
        self.dropout = Dropout(rate: dropoutRate)
        self.style = style
    }

    /// Glorot-uniform filters and zero biases; the skip convolution exists when the style
    /// always has one or `inputChannels != outputChannels`.
    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, dilation: Int,
                dropoutRate: Float = 0, style: Style = .baiEtAl, generator: inout SeededGenerator) {
        let first = CausalConv1D(kernelSize: kernelSize, inputChannels: inputChannels, outputChannels: outputChannels,
                                 dilation: dilation, activation: .relu, generator: &generator)
        let second = CausalConv1D(kernelSize: kernelSize, inputChannels: outputChannels, outputChannels: outputChannels,
                                  dilation: dilation, activation: .relu, generator: &generator)
        let skip = inputChannels == outputChannels && style == .baiEtAl ? nil
            : CausalConv1D(kernelSize: 1, inputChannels: inputChannels, outputChannels: outputChannels,
                           generator: &generator)
        self.init(conv1: first, conv2: second, skip: skip, dropoutRate: dropoutRate, style: style)
    }

    /// True when the residual path goes through the 1×1 skip convolution.
    public var hasSkipConvolution: Bool { skip.outputChannels > 0 }
    public var inputChannels: Int { conv1.inputChannels }
    public var outputChannels: Int { conv2.outputChannels }
    public var dilation: Int { conv1.dilation }
    /// Past steps an output step depends on: two convolutions of (k − 1)·d each, plus itself.
    public var receptiveField: Int { 2 * (conv1.receptiveField - 1) + 1 }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        combine(input, transformed: transform(input, in: context))
    }

    /// F(x): the two dilated causal convolutions with their relus and dropout (keras-tcn's
    /// "skip output", which its TCN sums over the blocks).
    @differentiable(reverse)
    public func transform(_ input: Tensor, in context: ForwardContext) -> Tensor {
        dropped(conv2(dropped(conv1(input), in: context)), in: context)
    }

    /// The block's output from its input and F(x).
    @differentiable(reverse)
    public func combine(_ input: Tensor, transformed: Tensor) -> Tensor {
        let residual = hasSkipConvolution ? skip(input) : input
        return style == .baiEtAl ? relu(residual + transformed) : residual + transformed
    }

    @differentiable(reverse)
    func dropped(_ values: Tensor, in context: ForwardContext) -> Tensor {
        style == .baiEtAl ? dropout(values, in: context) : SpatialDropout(rate: dropout.rate)(values, in: context)
    }

    public static var parameterPaths: [ParameterPath<TemporalBlock>] {
        CausalConv1D.parameters(at: \.conv1, \.conv1, named: "conv1")
            + CausalConv1D.parameters(at: \.conv2, \.conv2, named: "conv2")
            + CausalConv1D.parameters(at: \.skip, \.skip, named: "skip")
    }
}
