import _Differentiation
import TensorCore

// One LSTM over a whole sequence as a single differentiable primitive: a hand-written
// forward that keeps what backpropagation through time needs, and the hand-written BPTT.
//
// Shapes (B batch, T time, I input features, H hidden units, G = 4H):
//   input x [B, T, I], inputWeight Wx [I, G], recurrentWeight Wh [H, G], bias b [G]
//   gates [B, T, G]: activated i, f, g, o side by side (columns 0..<H, H..<2H, 2H..<3H, 3H..<4H)
//   cells c [B, T, H], their tanh [B, T, H], hidden h [B, T, H] (the output)
// Per step, from zero initial state:
//   z_t = x_t·Wx + h_{t-1}·Wh + b
//   i = σ(z_i), f = σ(z_f), g = tanh(z_g), o = σ(z_o)
//   c_t = f⊙c_{t-1} + i⊙g,  h_t = o⊙tanh(c_t)
// Everything stays in the [B, T, ·] layout; one time step is a strided view with leading
// dimension T·G (or T·H), which BLAS takes directly, so no transposes or copies per step.

/// Runs an LSTM over every step of `input` and returns all hidden states.
///
/// - Parameters:
///   - input: `[batch, time, inputSize]`.
///   - inputWeight: `[inputSize, 4·hidden]`, gate blocks i, f, g, o.
///   - recurrentWeight: `[hidden, 4·hidden]`, same gate blocks.
///   - bias: `[4·hidden]`.
/// - Returns: `[batch, time, hidden]`, the state after each step (many-to-many).
@differentiable(reverse)
public func lstmSequence(_ input: Tensor, inputWeight: Tensor, recurrentWeight: Tensor,
                         bias: Tensor) -> Tensor {
    lstmSequenceForward(input, inputWeight, recurrentWeight, bias).hidden
}

@derivative(of: lstmSequence)
@usableFromInline
func vjpLSTMSequence(_ input: Tensor, inputWeight: Tensor, recurrentWeight: Tensor, bias: Tensor)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor, Tensor, Tensor)) {
    let trace = lstmSequenceForward(input, inputWeight, recurrentWeight, bias)
    return (trace.hidden, { outputGradient in
        lstmSequenceBackward(outputGradient, trace: trace, input: input,
                             inputWeight: inputWeight, recurrentWeight: recurrentWeight)
    })
}

/// What the forward pass keeps for backpropagation through time.
@usableFromInline
struct LSTMSequenceTrace {
    /// Every hidden state `[B, T, H]`: the output.
    var hidden: Tensor
    /// Activated gates `[B, T, 4H]` in the order i, f, g, o.
    var gates: Tensor
    /// Cell states `[B, T, H]`.
    var cells: Tensor
    /// tanh of the cell states `[B, T, H]`, kept rather than recomputed by the backward pass.
    var cellTanhs: Tensor
}

/// The sizes of one call, read once from the operands.
struct LSTMDimensions {
    let batch: Int, time: Int, inputSize: Int, hidden: Int
    var gateWidth: Int { 4 * hidden }
    /// Distance between consecutive batch rows of one time step in a `[B, T, G]` tensor.
    var gateRowStride: Int { time * gateWidth }
    /// The same in a `[B, T, H]` tensor.
    var stateRowStride: Int { time * hidden }
}

@usableFromInline
func lstmSequenceForward(_ input: Tensor, _ inputWeight: Tensor, _ recurrentWeight: Tensor,
                         _ bias: Tensor) -> LSTMSequenceTrace {
    precondition(input.rank == 3, "lstmSequence: input must be [batch, time, features], got \(input.shape)")
    precondition(recurrentWeight.rank == 2 && recurrentWeight.shape[1] == 4 * recurrentWeight.shape[0],
                 "lstmSequence: recurrentWeight must be [hidden, 4·hidden], got \(recurrentWeight.shape)")
    let d = LSTMDimensions(batch: input.shape[0], time: input.shape[1], inputSize: input.shape[2],
                           hidden: recurrentWeight.shape[0])
    precondition(inputWeight.shape == [d.inputSize, d.gateWidth],
                 "lstmSequence: inputWeight \(inputWeight.shape) does not fit input \(input.shape) and hidden \(d.hidden)")
    precondition(bias.shape == [d.gateWidth], "lstmSequence: bias must be [\(d.gateWidth)], got \(bias.shape)")

    var trace = LSTMSequenceTrace(hidden: .zeros([d.batch, d.time, d.hidden]),
                                  gates: .zeros([d.batch, d.time, d.gateWidth]),
                                  cells: .zeros([d.batch, d.time, d.hidden]),
                                  cellTanhs: .zeros([d.batch, d.time, d.hidden]))
    trace.hidden.scalars.withUnsafeMutableBufferPointer { hidden in
        trace.gates.scalars.withUnsafeMutableBufferPointer { gates in
            trace.cells.scalars.withUnsafeMutableBufferPointer { cells in
                trace.cellTanhs.scalars.withUnsafeMutableBufferPointer { cellTanhs in
                    input.scalars.withUnsafeBufferPointer { x in
                        inputWeight.scalars.withUnsafeBufferPointer { wx in
                            recurrentWeight.scalars.withUnsafeBufferPointer { wh in
                                bias.scalars.withUnsafeBufferPointer { b in
                                    lstmForwardKernel(hidden: hidden, gates: gates, cells: cells, cellTanhs: cellTanhs,
                                                      input: x, inputWeight: wx, recurrentWeight: wh, bias: b, d)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return trace
}

/// Forward: one gemm for the input projection of all B·T rows, then per step one gemm for
/// the recurrent term and the gate nonlinearities. `gates` first holds the pre-activations z
/// and is overwritten with the activations step by step.
func lstmForwardKernel(hidden: UnsafeMutableBufferPointer<Float>, gates: UnsafeMutableBufferPointer<Float>,
                       cells: UnsafeMutableBufferPointer<Float>, cellTanhs: UnsafeMutableBufferPointer<Float>,
                       input: UnsafeBufferPointer<Float>, inputWeight: UnsafeBufferPointer<Float>,
                       recurrentWeight: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>,
                       _ d: LSTMDimensions) {
    let h = d.hidden, gateWidth = d.gateWidth, rows = d.batch * d.time
    guard rows > 0, h > 0 else { return }
    // z = b + x·Wx: [B·T, I]·[I, G].
    for row in 0..<rows {
        for j in 0..<gateWidth { gates[row * gateWidth + j] = bias[j] }
    }
    BLAS.gemm(m: rows, n: gateWidth, k: d.inputSize, input.baseAddress!, lda: d.inputSize,
              inputWeight.baseAddress!, ldb: gateWidth, beta: 1, gates.baseAddress!, ldc: gateWidth)
    for t in 0..<d.time {
        if t > 0 {
            // z_t += h_{t-1}·Wh: [B, H]·[H, G], rows strided by T.
            BLAS.gemm(m: d.batch, n: gateWidth, k: h,
                      UnsafePointer(hidden.baseAddress! + (t - 1) * h), lda: d.stateRowStride,
                      recurrentWeight.baseAddress!, ldb: gateWidth, beta: 1,
                      gates.baseAddress! + t * gateWidth, ldc: d.gateRowStride)
        }
        for n in 0..<d.batch {
            let z = n * d.gateRowStride + t * gateWidth
            let s = n * d.stateRowStride + t * h
            for j in 0..<h {
                let i = gateSigmoid(gates[z + j])
                let f = gateSigmoid(gates[z + h + j])
                let g = gateTanh(gates[z + 2 * h + j])
                let o = gateSigmoid(gates[z + 3 * h + j])
                let previousCell: Float = t > 0 ? cells[s - h + j] : 0
                let cell = f * previousCell + i * g
                let tanhCell = gateTanh(cell)
                gates[z + j] = i
                gates[z + h + j] = f
                gates[z + 2 * h + j] = g
                gates[z + 3 * h + j] = o
                cells[s + j] = cell
                cellTanhs[s + j] = tanhCell
                hidden[s + j] = o * tanhCell
            }
        }
    }
}

/// Backpropagation through time. Walks the steps backwards to turn the output gradient into
/// gate pre-activation gradients dz `[B, T, G]` (one gemm per step carries dh to the previous
/// step), then forms every other gradient from dz with one gemm each:
///   dx = dz·Wxᵀ, dWx = xᵀ·dz, dWh = h_prevᵀ·dz (h shifted one step, zero at t = 0), db = Σ dz.
@usableFromInline
func lstmSequenceBackward(_ outputGradient: Tensor, trace: LSTMSequenceTrace, input: Tensor,
                          inputWeight: Tensor, recurrentWeight: Tensor)
    -> (input: Tensor, inputWeight: Tensor, recurrentWeight: Tensor, bias: Tensor) {
    let d = LSTMDimensions(batch: input.shape[0], time: input.shape[1], inputSize: input.shape[2],
                           hidden: recurrentWeight.shape[0])
    let rows = d.batch * d.time, gateWidth = d.gateWidth
    // A gradient that arrives as the shapeless zero means the output was unused.
    let dOut = outputGradient.shape == trace.hidden.shape
        ? outputGradient
        : Tensor(shape: trace.hidden.shape, repeating: outputGradient.isScalar ? outputGradient.scalar : 0)

    var gateGradient = Tensor.zeros([d.batch, d.time, gateWidth])
    gateGradient.scalars.withUnsafeMutableBufferPointer { dz in
        dOut.scalars.withUnsafeBufferPointer { dh in
            trace.gates.scalars.withUnsafeBufferPointer { gates in
                trace.cells.scalars.withUnsafeBufferPointer { cells in
                    trace.cellTanhs.scalars.withUnsafeBufferPointer { cellTanhs in
                        recurrentWeight.scalars.withUnsafeBufferPointer { wh in
                            lstmGateGradientKernel(gateGradient: dz, outputGradient: dh, gates: gates, cells: cells,
                                                   cellTanhs: cellTanhs, recurrentWeight: wh, d)
                        }
                    }
                }
            }
        }
    }

    // h_prev [B, T, H]: the hidden state each step started from (zero at t = 0).
    let stateRow = d.stateRowStride
    let previousHidden = Tensor(shape: [d.batch, d.time, d.hidden], unsafeUninitialized: { out in
        trace.hidden.scalars.withUnsafeBufferPointer { hs in
            for n in 0..<d.batch where d.time > 0 {
                let base = n * stateRow
                for j in 0..<d.hidden { out[base + j] = 0 }
                for k in d.hidden..<stateRow { out[base + k] = hs[base + k - d.hidden] }
            }
        }
    })

    let dInput = Tensor(shape: input.shape, unsafeUninitialized: { out in
        gateGradient.scalars.withUnsafeBufferPointer { dz in
            inputWeight.scalars.withUnsafeBufferPointer { wx in
                BLAS.gemm(transposeB: true, m: rows, n: d.inputSize, k: gateWidth, dz.baseAddress!, lda: gateWidth,
                          wx.baseAddress!, ldb: gateWidth, out.baseAddress!, ldc: d.inputSize)
            }
        }
    })
    let dInputWeight = Tensor(shape: inputWeight.shape, unsafeUninitialized: { out in
        input.scalars.withUnsafeBufferPointer { x in
            gateGradient.scalars.withUnsafeBufferPointer { dz in
                BLAS.gemm(transposeA: true, m: d.inputSize, n: gateWidth, k: rows, x.baseAddress!, lda: d.inputSize,
                          dz.baseAddress!, ldb: gateWidth, out.baseAddress!, ldc: gateWidth)
            }
        }
    })
    let dRecurrentWeight = Tensor(shape: recurrentWeight.shape, unsafeUninitialized: { out in
        previousHidden.scalars.withUnsafeBufferPointer { hp in
            gateGradient.scalars.withUnsafeBufferPointer { dz in
                BLAS.gemm(transposeA: true, m: d.hidden, n: gateWidth, k: rows, hp.baseAddress!, lda: d.hidden,
                          dz.baseAddress!, ldb: gateWidth, out.baseAddress!, ldc: gateWidth)
            }
        }
    })
    return (dInput, dInputWeight, dRecurrentWeight, gateGradient.sumOverRows())
}

/// The backward recurrence: from dh `[B, T, H]` to the pre-activation gradients dz
/// `[B, T, G]`, carrying dh and dc from each step to the one before it.
///   dh = dh_out + dz_{t+1}·Whᵀ,  dc = dc_{t+1}⊙f_{t+1} + dh⊙o⊙(1 − tanh²c)
///   dz_i = dc⊙g⊙i(1−i), dz_f = dc⊙c_{t-1}⊙f(1−f), dz_g = dc⊙i⊙(1−g²), dz_o = dh⊙tanh c⊙o(1−o)
func lstmGateGradientKernel(gateGradient: UnsafeMutableBufferPointer<Float>, outputGradient: UnsafeBufferPointer<Float>,
                            gates: UnsafeBufferPointer<Float>, cells: UnsafeBufferPointer<Float>,
                            cellTanhs: UnsafeBufferPointer<Float>, recurrentWeight: UnsafeBufferPointer<Float>,
                            _ d: LSTMDimensions) {
    let h = d.hidden, gateWidth = d.gateWidth
    guard d.batch > 0, d.time > 0, h > 0 else { return }
    // dh carried into step t from step t+1 (dz_{t+1}·Whᵀ), and dc likewise (dc_{t+1}⊙f_{t+1}): [B, H].
    var carriedHidden = [Float](repeating: 0, count: d.batch * h)
    var carriedCell = [Float](repeating: 0, count: d.batch * h)
    carriedHidden.withUnsafeMutableBufferPointer { dhNext in
        carriedCell.withUnsafeMutableBufferPointer { dcNext in
            for t in stride(from: d.time - 1, through: 0, by: -1) {
                for n in 0..<d.batch {
                    let z = n * d.gateRowStride + t * gateWidth
                    let s = n * d.stateRowStride + t * h
                    let carry = n * h
                    for j in 0..<h {
                        let i = gates[z + j], f = gates[z + h + j]
                        let g = gates[z + 2 * h + j], o = gates[z + 3 * h + j]
                        let tanhCell = cellTanhs[s + j]
                        let previousCell: Float = t > 0 ? cells[s - h + j] : 0
                        let dh = outputGradient[s + j] + dhNext[carry + j]
                        let dc = dcNext[carry + j] + dh * o * (1 - tanhCell * tanhCell)
                        gateGradient[z + j] = dc * g * i * (1 - i)
                        gateGradient[z + h + j] = dc * previousCell * f * (1 - f)
                        gateGradient[z + 2 * h + j] = dc * i * (1 - g * g)
                        gateGradient[z + 3 * h + j] = dh * tanhCell * o * (1 - o)
                        dcNext[carry + j] = dc * f
                    }
                }
                if t > 0 {
                    // dh_{t-1} = dz_t·Whᵀ: [B, G]·[G, H], rows of dz strided by T.
                    BLAS.gemm(transposeB: true, m: d.batch, n: h, k: gateWidth,
                              UnsafePointer(gateGradient.baseAddress! + t * gateWidth), lda: d.gateRowStride,
                              recurrentWeight.baseAddress!, ldb: gateWidth, dhNext.baseAddress!, ldc: h)
                }
            }
        }
    }
}
