import _Differentiation
import Randomness
import TensorCore

/// A long short-term memory layer that returns its hidden state after every step
/// (many-to-many), the recurrent layer of semisupervised-vae Table 15.
///
/// Shapes: input `[batch, time, inputSize]` → output `[batch, time, hiddenSize]`.
/// Parameters (docs/CONVENTIONS.md): inputWeight `[inputSize, 4·hidden]`, recurrentWeight
/// `[hidden, 4·hidden]`, bias `[4·hidden]`, gate blocks in the order input, forget, cell,
/// output (i, f, g, o); zero initial state. The whole sequence is one primitive,
/// `lstmSequence`, with a hand-written backpropagation through time.
public struct LSTM: Layer {
    public var inputWeight: Tensor
    public var recurrentWeight: Tensor
    public var bias: Tensor

    public init(inputWeight: Tensor, recurrentWeight: Tensor, bias: Tensor) {
        precondition(recurrentWeight.rank == 2 && recurrentWeight.shape[1] == 4 * recurrentWeight.shape[0],
                     "LSTM: recurrentWeight must be [hidden, 4·hidden], got \(recurrentWeight.shape)")
        let gateWidth = recurrentWeight.shape[1]
        precondition(inputWeight.rank == 2 && inputWeight.shape[1] == gateWidth,
                     "LSTM: inputWeight \(inputWeight.shape) does not fit recurrentWeight \(recurrentWeight.shape)")
        precondition(bias.shape == [gateWidth], "LSTM: bias must be [\(gateWidth)], got \(bias.shape)")
        self.inputWeight = inputWeight
        self.recurrentWeight = recurrentWeight
        self.bias = bias
    }

    /// Keras's defaults: Glorot-uniform input weight (fan-in `inputSize`, fan-out
    /// `4·hiddenSize`), orthogonal recurrent weight, zero bias except the forget gate's,
    /// which is 1 (`unit_forget_bias`, Jozefowicz et al. 2015).
    public init(inputSize: Int, hiddenSize: Int, generator: inout SeededGenerator) {
        let gateWidth = 4 * hiddenSize
        let inputWeight = Initializer.glorotUniform([inputSize, gateWidth], fanIn: inputSize,
                                                    fanOut: gateWidth, using: &generator)
        let recurrentWeight = Initializer.orthogonal(rows: hiddenSize, columns: gateWidth, using: &generator)
        var bias = Tensor.zeros([gateWidth])
        for j in hiddenSize..<(2 * hiddenSize) { bias.scalars[j] = 1 }
        self.init(inputWeight: inputWeight, recurrentWeight: recurrentWeight, bias: bias)
    }

    public var inputSize: Int { inputWeight.shape[0] }
    public var hiddenSize: Int { recurrentWeight.shape[0] }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor) -> Tensor {
        lstmSequence(input, inputWeight: inputWeight, recurrentWeight: recurrentWeight, bias: bias)
    }

    public static var parameterPaths: [ParameterPath<LSTM>] {
        [ParameterPath("inputWeight", \.inputWeight, \.inputWeight),
         ParameterPath("recurrentWeight", \.recurrentWeight, \.recurrentWeight),
         ParameterPath("bias", \.bias, \.bias)]
    }
}
