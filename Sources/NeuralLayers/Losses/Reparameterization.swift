import _Differentiation
import Randomness
import TensorCore

/// The reparameterisation trick (Kingma & Welling 2014, section 2.4):
/// `z = μ + exp(½·logVar) ⊙ ε`, ε ~ N(0, I) drawn from `generator`, the run's seeded stream.
///
/// Differentiable in the mean and the log-variance; the noise is a constant of the
/// derivative. Shapes: mean and logVariance `[batch, latent]` → `[batch, latent]`.
@differentiable(reverse, wrt: (mean, logVariance))
public func reparameterize(mean: Tensor, logVariance: Tensor, generator: SeededGeneratorBox) -> Tensor {
    let noise = Tensor.randomNormal(withoutDerivative(at: mean).shape, using: &generator.generator)
    return reparameterize(mean: mean, logVariance: logVariance, noise: noise)
}

/// The reparameterisation trick with ε from the context's stream. It samples in both
/// learning phases (generation and sampled reconstructions need it); use the mean itself
/// for a deterministic encoding.
@differentiable(reverse, wrt: (mean, logVariance))
public func reparameterize(mean: Tensor, logVariance: Tensor, in context: ForwardContext) -> Tensor {
    reparameterize(mean: mean, logVariance: logVariance, generator: context.generator)
}

/// `μ + exp(½·logVar) ⊙ ε` for a given ε, the deterministic part of the trick.
@differentiable(reverse, wrt: (mean, logVariance))
public func reparameterize(mean: Tensor, logVariance: Tensor, noise: Tensor) -> Tensor {
    precondition(mean.shape == logVariance.shape && mean.shape == noise.shape,
                 "reparameterize: mean \(mean.shape), logVariance \(logVariance.shape) and noise \(noise.shape) differ")
    return Tensor(shape: mean.shape, unsafeUninitialized: { out in
        mean.scalars.withUnsafeBufferPointer { mu in
            logVariance.scalars.withUnsafeBufferPointer { lv in
                noise.scalars.withUnsafeBufferPointer { e in
                    for k in 0..<out.count { out[k] = mu[k] + exponential(0.5 * lv[k]) * e[k] }
                }
            }
        }
    })
}

@derivative(of: reparameterize(mean:logVariance:noise:), wrt: (mean, logVariance))
@usableFromInline
func vjpReparameterize(mean: Tensor, logVariance: Tensor, noise: Tensor)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)) {
    let z = reparameterize(mean: mean, logVariance: logVariance, noise: noise)
    return (z, { g in
        // ∂z/∂μ = 1;  ∂z/∂logVar = ½·exp(½·logVar)·ε
        let dLogVariance = Tensor(shape: logVariance.shape, unsafeUninitialized: { out in
            g.scalars.withUnsafeBufferPointer { gr in
                logVariance.scalars.withUnsafeBufferPointer { lv in
                    noise.scalars.withUnsafeBufferPointer { e in
                        for k in 0..<out.count { out[k] = gr[k] * 0.5 * exponential(0.5 * lv[k]) * e[k] }
                    }
                }
            }
        })
        return (g, dLogVariance)
    })
}
