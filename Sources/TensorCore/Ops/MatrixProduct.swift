import _Differentiation

/// Matrix product over the last axis of `input`: `[..., k] · [k, n] -> [..., n]`.
///
/// Leading axes are flattened into rows, so the same call is a dense layer on a batch
/// (`[batch, k]`) and a dense layer "along the feature dimension" of a sequence
/// (`[batch, time, k]`, semisupervised-vae Table 15).
@differentiable(reverse)
public func matmul(_ input: Tensor, _ weight: Tensor) -> Tensor {
    precondition(weight.rank == 2, "matmul: weight must be [in, out], got \(weight.shape)")
    precondition(input.rank >= 1 && input.columns == weight.shape[0],
                 "matmul: input \(input.shape) does not match weight \(weight.shape)")
    let k = weight.shape[0], n = weight.shape[1]
    let m = input.count / k
    var outShape = input.shape
    outShape[outShape.count - 1] = n
    return Tensor(shape: outShape, unsafeUninitialized: { out in
        input.scalars.withUnsafeBufferPointer { a in
            weight.scalars.withUnsafeBufferPointer { b in
                DenseProducts.gemm(m: m, n: n, k: k, a.baseAddress!, lda: k, b.baseAddress!, ldb: n,
                                   out.baseAddress!, ldc: n)
            }
        }
    })
}

@derivative(of: matmul)
@usableFromInline
func vjpMatmul(_ input: Tensor, _ weight: Tensor)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)) {
    let value = matmul(input, weight)
    return (value, { gradient in
        let k = weight.shape[0], n = weight.shape[1]
        let m = input.count / k
        // dInput = dOut · Wᵀ
        let dInput = Tensor(shape: input.shape, unsafeUninitialized: { out in
            gradient.scalars.withUnsafeBufferPointer { g in
                weight.scalars.withUnsafeBufferPointer { w in
                    DenseProducts.gemm(transposeB: true, m: m, n: k, k: n, g.baseAddress!, lda: n,
                                       w.baseAddress!, ldb: n, out.baseAddress!, ldc: k)
                }
            }
        })
        // dW = inputᵀ · dOut, streamed past the caches: the optimiser reads it after the
        // whole backward pass (`DenseProducts.gemm`)
        let dWeight = Tensor(shape: weight.shape, unsafeUninitialized: { out in
            input.scalars.withUnsafeBufferPointer { a in
                gradient.scalars.withUnsafeBufferPointer { g in
                    DenseProducts.gemm(transposeA: true, m: k, n: n, k: m, a.baseAddress!, lda: k,
                                       g.baseAddress!, ldb: n, out.baseAddress!, ldc: n, streamingOutput: true)
                }
            }
        })
        return (dInput, dWeight)
    })
}

/// The weight's gradient alone, which AD picks when the input is a constant: a model's first
/// layer reads the data, and its input gradient (`dOut · Wᵀ`, a sixth of the dense step's
/// backward products, and a pass over W) would be thrown away.
@derivative(of: matmul, wrt: weight)
@usableFromInline
func vjpMatmulWeight(_ input: Tensor, _ weight: Tensor)
    -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let value = matmul(input, weight)
    return (value, { gradient in
        let k = weight.shape[0], n = weight.shape[1]
        let m = input.count / k
        // dW = inputᵀ · dOut, streamed (as in `vjpMatmul`)
        return Tensor(shape: weight.shape, unsafeUninitialized: { out in
            input.scalars.withUnsafeBufferPointer { a in
                gradient.scalars.withUnsafeBufferPointer { g in
                    DenseProducts.gemm(transposeA: true, m: k, n: n, k: m, a.baseAddress!, lda: k,
                                       g.baseAddress!, ldb: n, out.baseAddress!, ldc: n, streamingOutput: true)
                }
            }
        })
    })
}

/// Adds a per-feature vector `[c]` to every row of `[..., c]`.
@differentiable(reverse)
public func addingBias(_ input: Tensor, _ bias: Tensor) -> Tensor {
    precondition(bias.rank == 1 && bias.count == input.columns,
                 "addingBias: bias \(bias.shape) does not match input \(input.shape)")
    let c = bias.count
    return Tensor(shape: input.shape, unsafeUninitialized: { out in
        input.scalars.withUnsafeBufferPointer { x in
            bias.scalars.withUnsafeBufferPointer { b in
                var base = 0
                while base < out.count {
                    for j in 0..<c { out[base + j] = x[base + j] + b[j] }
                    base += c
                }
            }
        }
    })
}

@derivative(of: addingBias)
@usableFromInline
func vjpAddingBias(_ input: Tensor, _ bias: Tensor)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)) {
    (addingBias(input, bias), { gradient in (gradient, gradient.sumOverRows()) })
}

extension Tensor {
    /// Column sums of `[..., c]` as `[c]`: the gradient of anything broadcast along rows.
    public func sumOverRows() -> Tensor {
        let c = columns
        return Tensor(shape: [c], unsafeUninitialized: { out in
            scalars.withUnsafeBufferPointer { g in
                guard c > 0, let values = g.baseAddress, let sums = out.baseAddress else {
                    out.initialize(repeating: 0)
                    return
                }
                ColumnReduction.floatSums(values, rows: g.count / c, columns: c, into: sums)
            }
        })
    }
}
