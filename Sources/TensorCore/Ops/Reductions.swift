import _Differentiation

extension Tensor {
    /// The sum of all values, as a scalar tensor.
    @differentiable(reverse)
    public func sum() -> Tensor { Tensor(sumOfScalars()) }

    @derivative(of: sum)
    @usableFromInline
    func vjpSum() -> (value: Tensor, pullback: (Tensor) -> Tensor) {
        let shape = self.shape
        return (sum(), { g in Tensor(shape: shape, repeating: g.scalar) })
    }

    /// The mean of all values, as a scalar tensor.
    @differentiable(reverse)
    public func mean() -> Tensor { sum() / Float(withoutDerivative(at: self).count) }

    /// Sums the last axis away: `[..., c] -> [...]` (per-example totals such as a log-likelihood
    /// summed over pixels).
    @differentiable(reverse)
    public func sumAlongLastAxis() -> Tensor {
        let c = columns
        let rowCount = count / max(c, 1)
        return Tensor(shape: Array(shape.dropLast()), unsafeUninitialized: { out in
            scalars.withUnsafeBufferPointer { x in
                for r in 0..<rowCount {
                    var total: Float = 0
                    for j in 0..<c { total += x[r * c + j] }
                    out[r] = total
                }
            }
        })
    }

    @derivative(of: sumAlongLastAxis)
    @usableFromInline
    func vjpSumAlongLastAxis() -> (value: Tensor, pullback: (Tensor) -> Tensor) {
        let shape = self.shape, c = columns
        return (sumAlongLastAxis(), { g in
            Tensor(shape: shape, unsafeUninitialized: { out in
                g.scalars.withUnsafeBufferPointer { gr in
                    for r in 0..<gr.count { for j in 0..<c { out[r * c + j] = gr[r] } }
                }
            })
        })
    }
}
