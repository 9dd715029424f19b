import _Differentiation

/// log softmax along the last axis, computed with the max subtracted so it cannot overflow.
@differentiable(reverse)
public func logSoftmax(_ logits: Tensor) -> Tensor {
    let c = logits.columns
    let rowCount = logits.count / max(c, 1)
    return Tensor(shape: logits.shape, unsafeUninitialized: { out in
        logits.scalars.withUnsafeBufferPointer { x in
            for r in 0..<rowCount {
                let row = r * c
                var largest = -Float.infinity
                for j in 0..<c { largest = max(largest, x[row + j]) }
                var total: Float = 0
                for j in 0..<c { total += exponential(x[row + j] - largest) }
                // (x − max) − log Σ: adding max back to the log-sum first would round it at
                // the scale of the logits (1e-4 at logits of 1000).
                let logTotal = logarithm(total)
                for j in 0..<c { out[row + j] = (x[row + j] - largest) - logTotal }
            }
        }
    })
}

@derivative(of: logSoftmax)
@usableFromInline
func vjpLogSoftmax(_ logits: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let y = logSoftmax(logits)
    let c = logits.columns
    return (y, { g in
        // d/dx_j = g_j − softmax_j · Σ_k g_k
        Tensor(shape: y.shape, unsafeUninitialized: { out in
            g.scalars.withUnsafeBufferPointer { gr in
                y.scalars.withUnsafeBufferPointer { ly in
                    for r in 0..<(gr.count / max(c, 1)) {
                        let row = r * c
                        var total: Float = 0
                        for j in 0..<c { total += gr[row + j] }
                        for j in 0..<c { out[row + j] = gr[row + j] - exponential(ly[row + j]) * total }
                    }
                }
            }
        })
    })
}

/// softmax along the last axis (the π layer's class probabilities).
@differentiable(reverse)
public func softmax(_ logits: Tensor) -> Tensor { exp(logSoftmax(logits)) }
