import _Differentiation
import TensorCore

/// Bernoulli log-likelihood of binary (or [0, 1]) data under logits, per example:
/// `log p(x | l) = Σ_d x_d·l_d − softplus(l_d)`, summed over every axis but the batch.
///
/// The decoder likelihood of binarised images (semisupervised-vae, MNIST models; the
/// reconstruction term of the ELBO, Kingma & Welling 2014). Written from logits, never from
/// sigmoid probabilities, so it stays finite for any logit: softplus is evaluated on the side
/// where the exponential cannot overflow, and the gradient `x − σ(l)` is bounded. Softplus and
/// sigmoid are the eight-lane versions of `LaneMath` (within 4 ulp of exact).
///
/// Shapes: targets and logits `[batch, ...]` → `[batch]`. Differentiable in the logits.
@differentiable(reverse, wrt: logits)
public func bernoulliLogLikelihood(of targets: Tensor, logits: Tensor) -> Tensor {
    precondition(targets.shape == logits.shape,
                 "bernoulliLogLikelihood: targets \(targets.shape) and logits \(logits.shape) differ")
    let (batch, size) = exampleLayout(logits, "bernoulliLogLikelihood")
    return Tensor(shape: [batch], unsafeUninitialized: { out in
        targets.scalars.withUnsafeBufferPointer { x in
            logits.scalars.withUnsafeBufferPointer { l in
                for n in 0..<batch {
                    // Each lane sums its own pixels; the lanes are added at the end. A last
                    // partial step counts only its pixels.
                    var lanes = Lanes8()
                    forEachEightPixels(x, l, n * size..<(n + 1) * size) { xv, lv, _, count in
                        let terms = xv * lv - softplus(lv)
                        lanes += count == 8 ? terms : terms.replacing(with: 0, where: laneIndices .>= Int32(count))
                    }
                    out[n] = lanes.sum()
                }
            }
        }
    })
}

/// 0, 1, …, 7: masks the lanes past a partial step.
private let laneIndices = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)

/// Calls `body(targets, logits, first, count)` for the pixels of `range` eight at a time
/// (`LaneMath`); the last step may hold fewer, with zeros in the lanes past `count`.
@inline(__always)
private func forEachEightPixels(_ x: UnsafeBufferPointer<Float>, _ l: UnsafeBufferPointer<Float>, _ range: Range<Int>,
                                _ body: (Lanes8, Lanes8, Int, Int) -> Void) {
    var k = range.lowerBound
    while k < range.upperBound {
        let count = min(8, range.upperBound - k)
        body(Lanes8.loading(x.baseAddress! + k, count: count), Lanes8.loading(l.baseAddress! + k, count: count), k, count)
        k += count
    }
}

@derivative(of: bernoulliLogLikelihood, wrt: logits)
@usableFromInline
func vjpBernoulliLogLikelihood(of targets: Tensor, logits: Tensor)
    -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let (batch, size) = exampleLayout(logits, "bernoulliLogLikelihood")
    return (bernoulliLogLikelihood(of: targets, logits: logits), { upstream in
        let g = perExampleGradient(upstream, batch: batch)
        // ∂/∂l = x − σ(l)
        return Tensor(shape: logits.shape, unsafeUninitialized: { out in
            targets.scalars.withUnsafeBufferPointer { x in
                logits.scalars.withUnsafeBufferPointer { l in
                    g.scalars.withUnsafeBufferPointer { gr in
                        for n in 0..<batch {
                            forEachEightPixels(x, l, n * size..<(n + 1) * size) { xv, lv, k, count in
                                (gr[n] * (xv - sigmoid(lv))).store(to: out.baseAddress! + k, count: count)
                            }
                        }
                    }
                }
            }
        })
    })
}
