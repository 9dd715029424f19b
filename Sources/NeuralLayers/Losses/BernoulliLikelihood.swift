import _Differentiation
import TensorCore

/// Bernoulli log-likelihood of binary (or [0, 1]) data under logits, per example:
/// `log p(x | l) = Σ_d x_d·l_d − softplus(l_d)`, summed over every axis but the batch.
///
/// The decoder likelihood of binarised images (semisupervised-vae, MNIST models; the
/// reconstruction term of the ELBO, Kingma & Welling 2014). Written from logits, never from
/// sigmoid probabilities, so it stays finite for any logit: softplus is evaluated on the side
/// where the exponential cannot overflow, and the gradient `x − σ(l)` is bounded.
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
                    var total: Float = 0
                    for k in (n * size)..<((n + 1) * size) { total += x[k] * l[k] - softplus(l[k]) }
                    out[n] = total
                }
            }
        }
    })
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
                            for k in (n * size)..<((n + 1) * size) { out[k] = gr[n] * (x[k] - sigmoid(l[k])) }
                        }
                    }
                }
            }
        })
    })
}
