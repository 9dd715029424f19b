import _Differentiation
import TensorCore

// One LSTM over a whole sequence as a single differentiable primitive: a hand-written
// forward that keeps what backpropagation through time needs, and the hand-written BPTT.
//
// Shapes (B batch, T time, I input features, H hidden units, G = 4H):
//   input x [B, T, I], inputWeight Wx [I, G], recurrentWeight Wh [H, G], bias b [G]
//   gates [B, T, G]: activated i, f, g, o side by side (columns 0..<H, H..<2H, 2H..<3H, 3H..<4H)
//   cells c [B, T, H], hidden h [B, T, H] (the output)
// Per step, from zero initial state:
//   z_t = x_t·Wx + h_{t-1}·Wh + b
//   i = σ(z_i), f = σ(z_f), g = tanh(z_g), o = σ(z_o)
//   c_t = f⊙c_{t-1} + i⊙g,  h_t = o⊙tanh(c_t)
// Everything stays in the [B, T, ·] layout; one time step is a strided view with leading
// dimension T·G (or T·H), which BLAS takes directly, so no transposes or copies per step.

/// What the forward pass keeps for backpropagation through time.
@usableFromInline
struct LSTMSequenceTrace {
    /// Every hidden state `[B, T, H]`: the output.
    var hidden: Tensor
    /// Activated gates `[B, T, 4H]` in the order i, f, g, o.
    var gates: Tensor
    /// Cell states `[B, T, H]`.
    var cells: Tensor
}

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

/// The forward pass: one gemm for the input projection of all steps, then one gemm and the
/// gate nonlinearities per step.
@usableFromInline
func lstmSequenceForward(_ input: Tensor, _ inputWeight: Tensor, _ recurrentWeight: Tensor,
                         _ bias: Tensor) -> LSTMSequenceTrace {
    precondition(input.rank == 3, "lstmSequence: input must be [batch, time, features], got \(input.shape)")
    let batch = input.shape[0], time = input.shape[1], inputSize = input.shape[2]
    precondition(recurrentWeight.rank == 2 && recurrentWeight.shape[1] == 4 * recurrentWeight.shape[0],
                 "lstmSequence: recurrentWeight must be [hidden, 4·hidden], got \(recurrentWeight.shape)")
    let hiddenSize = recurrentWeight.shape[0], gateWidth = 4 * hiddenSize
    precondition(inputWeight.shape == [inputSize, gateWidth],
                 "lstmSequence: inputWeight \(inputWeight.shape) does not fit input \(input.shape) and hidden \(hiddenSize)")
    precondition(bias.shape == [gateWidth], "lstmSequence: bias must be [\(gateWidth)], got \(bias.shape)")

    var gates = Tensor.zeros([batch, time, gateWidth])
    var cells = Tensor.zeros([batch, time, hiddenSize])
    var hidden = Tensor.zeros([batch, time, hiddenSize])
    let rows = batch * time
    let gateStride = time * gateWidth, stateStride = time * hiddenSize
    let h = hiddenSize

    gates.scalars.withUnsafeMutableBufferPointer { z in
        cells.scalars.withUnsafeMutableBufferPointer { c in
            hidden.scalars.withUnsafeMutableBufferPointer { out in
                input.scalars.withUnsafeBufferPointer { x in
                    inputWeight.scalars.withUnsafeBufferPointer { wx in
                        recurrentWeight.scalars.withUnsafeBufferPointer { wh in
                            bias.scalars.withUnsafeBufferPointer { b in
                                // z = b, then z += x·Wx for all B·T rows at once: [B·T, I]·[I, G].
                                for row in 0..<rows {
                                    let base = row * gateWidth
                                    for j in 0..<gateWidth { z[base + j] = b[j] }
                                }
                                BLAS.gemm(m: rows, n: gateWidth, k: inputSize, x.baseAddress!, lda: inputSize,
                                          wx.baseAddress!, ldb: gateWidth, beta: 1, z.baseAddress!, ldc: gateWidth)
                                for t in 0..<time {
                                    let zStep = z.baseAddress! + t * gateWidth
                                    if t > 0 {
                                        // z_t += h_{t-1}·Wh: [B, H]·[H, G], rows strided by T.
                                        BLAS.gemm(m: batch, n: gateWidth, k: hiddenSize,
                                                  UnsafePointer(out.baseAddress! + (t - 1) * h), lda: stateStride,
                                                  wh.baseAddress!, ldb: gateWidth, beta: 1, zStep, ldc: gateStride)
                                    }
                                    for n in 0..<batch {
                                        let zBase = n * gateStride + t * gateWidth
                                        let sBase = n * stateStride + t * h
                                        for j in 0..<h {
                                            let i = sigmoid(z[zBase + j])
                                            let f = sigmoid(z[zBase + h + j])
                                            let g = hyperbolicTangent(z[zBase + 2 * h + j])
                                            let o = sigmoid(z[zBase + 3 * h + j])
                                            let previousCell: Float = t > 0 ? c[sBase - h + j] : 0
                                            let cell = f * previousCell + i * g
                                            z[zBase + j] = i
                                            z[zBase + h + j] = f
                                            z[zBase + 2 * h + j] = g
                                            z[zBase + 3 * h + j] = o
                                            c[sBase + j] = cell
                                            out[sBase + j] = o * hyperbolicTangent(cell)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return LSTMSequenceTrace(hidden: hidden, gates: gates, cells: cells)
}

/// Backpropagation through time. Walks the steps backwards to turn the output gradient into
/// gate pre-activation gradients dz `[B, T, G]` (one gemm per step carries dh to the previous
/// step), then forms every other gradient from dz with one gemm each:
///   dx = dz·Wxᵀ, dWx = xᵀ·dz, dWh = h_prevᵀ·dz (h shifted one step, zero at t = 0), db = Σ dz.
@usableFromInline
func lstmSequenceBackward(_ outputGradient: Tensor, trace: LSTMSequenceTrace, input: Tensor,
                          inputWeight: Tensor, recurrentWeight: Tensor)
    -> (input: Tensor, inputWeight: Tensor, recurrentWeight: Tensor, bias: Tensor) {
    let batch = input.shape[0], time = input.shape[1], inputSize = input.shape[2]
    let h = recurrentWeight.shape[0], gateWidth = 4 * h
    let rows = batch * time
    let gateStride = time * gateWidth, stateStride = time * h
    // A gradient that arrives as the shapeless zero means the output was unused.
    let dOut = outputGradient.shape == trace.hidden.shape
        ? outputGradient : Tensor(shape: trace.hidden.shape, repeating: outputGradient.isScalar ? outputGradient.scalar : 0)

    var gateGradient = Tensor.zeros([batch, time, gateWidth])
    // dh carried from step t+1 into step t, and dc likewise: [B, H] each.
    var recurrentHidden = [Float](repeating: 0, count: batch * h)
    var recurrentCell = [Float](repeating: 0, count: batch * h)

    gateGradient.scalars.withUnsafeMutableBufferPointer { dz in
        recurrentHidden.withUnsafeMutableBufferPointer { dhNext in
            recurrentCell.withUnsafeMutableBufferPointer { dcNext in
                dOut.scalars.withUnsafeBufferPointer { dy in
                    trace.gates.scalars.withUnsafeBufferPointer { a in
                        trace.cells.scalars.withUnsafeBufferPointer { c in
                            recurrentWeight.scalars.withUnsafeBufferPointer { wh in
                                for t in stride(from: time - 1, through: 0, by: -1) {
                                    for n in 0..<batch {
                                        let zBase = n * gateStride + t * gateWidth
                                        let sBase = n * stateStride + t * h
                                        let carry = n * h
                                        for j in 0..<h {
                                            let i = a[zBase + j], f = a[zBase + h + j]
                                            let g = a[zBase + 2 * h + j], o = a[zBase + 3 * h + j]
                                            let tanhCell = hyperbolicTangent(c[sBase + j])
                                            let previousCell: Float = t > 0 ? c[sBase - h + j] : 0
                                            let dh = dy[sBase + j] + dhNext[carry + j]
                                            let dc = dcNext[carry + j] + dh * o * (1 - tanhCell * tanhCell)
                                            dz[zBase + j] = dc * g * i * (1 - i)
                                            dz[zBase + h + j] = dc * previousCell * f * (1 - f)
                                            dz[zBase + 2 * h + j] = dc * i * (1 - g * g)
                                            dz[zBase + 3 * h + j] = dh * tanhCell * o * (1 - o)
                                            dcNext[carry + j] = dc * f
                                        }
                                    }
                                    if t > 0 {
                                        // dh_{t-1} = dz_t·Whᵀ: [B, G]·[G, H].
                                        BLAS.gemm(transposeB: true, m: batch, n: h, k: gateWidth,
                                                  UnsafePointer(dz.baseAddress! + t * gateWidth), lda: gateStride,
                                                  wh.baseAddress!, ldb: gateWidth, dhNext.baseAddress!, ldc: h)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // h_prev [B, T, H]: the hidden state each step started from (zero at t = 0).
    let previousHidden = Tensor(shape: [batch, time, h], unsafeUninitialized: { out in
        trace.hidden.scalars.withUnsafeBufferPointer { hs in
            for n in 0..<batch where time > 0 {
                let base = n * stateStride
                for j in 0..<h { out[base + j] = 0 }
                for k in h..<stateStride { out[base + k] = hs[base + k - h] }
            }
        }
    })

    let dInput = Tensor(shape: input.shape, unsafeUninitialized: { out in
        gateGradient.scalars.withUnsafeBufferPointer { dz in
            inputWeight.scalars.withUnsafeBufferPointer { wx in
                BLAS.gemm(transposeB: true, m: rows, n: inputSize, k: gateWidth, dz.baseAddress!, lda: gateWidth,
                          wx.baseAddress!, ldb: gateWidth, out.baseAddress!, ldc: inputSize)
            }
        }
    })
    let dInputWeight = Tensor(shape: inputWeight.shape, unsafeUninitialized: { out in
        input.scalars.withUnsafeBufferPointer { x in
            gateGradient.scalars.withUnsafeBufferPointer { dz in
                BLAS.gemm(transposeA: true, m: inputSize, n: gateWidth, k: rows, x.baseAddress!, lda: inputSize,
                          dz.baseAddress!, ldb: gateWidth, out.baseAddress!, ldc: gateWidth)
            }
        }
    })
    let dRecurrentWeight = Tensor(shape: recurrentWeight.shape, unsafeUninitialized: { out in
        previousHidden.scalars.withUnsafeBufferPointer { hp in
            gateGradient.scalars.withUnsafeBufferPointer { dz in
                BLAS.gemm(transposeA: true, m: h, n: gateWidth, k: rows, hp.baseAddress!, lda: h,
                          dz.baseAddress!, ldb: gateWidth, out.baseAddress!, ldc: gateWidth)
            }
        }
    })
    return (dInput, dInputWeight, dRecurrentWeight, gateGradient.sumOverRows())
}
