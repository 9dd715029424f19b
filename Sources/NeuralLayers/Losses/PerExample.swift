import TensorCore

// Shared bookkeeping of the per-example losses: the first axis is the batch, every other
// axis is summed over within an example.

/// The batch size and the number of values per example of a `[batch, ...]` tensor.
@inline(__always)
func exampleLayout(_ t: Tensor, _ name: String) -> (batch: Int, size: Int) {
    precondition(t.rank >= 1, "\(name): expected [batch, ...], got a scalar")
    let batch = t.shape[0]
    return (batch, batch == 0 ? 0 : t.count / batch)
}

/// A per-example upstream gradient as `[batch]` values; the shapeless zero of an unused
/// result becomes zeros.
@inline(__always)
func perExampleGradient(_ g: Tensor, batch: Int) -> Tensor {
    if g.shape == [batch] { return g }
    return Tensor(shape: [batch], repeating: g.isScalar ? g.scalar : 0)
}
