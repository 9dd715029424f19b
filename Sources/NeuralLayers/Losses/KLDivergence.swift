import _Differentiation
import TensorCore

/// KL(N(μ, diag e^{logVar}) ‖ N(0, I)) per example: `½ Σ_j (μ_j² + e^{logVar_j} − 1 − logVar_j)`.
///
/// The regulariser of every VAE here (Kingma & Welling 2014, appendix B): semisupervised-vae
/// eq. 4, the KL term of V-ABC (vabc IV-B) and of the β-VAE objective.
///
/// Shapes: mean and logVariance `[batch, latent...]` → `[batch]`.
@differentiable(reverse)
public func klDivergenceFromStandardNormal(mean: Tensor, logVariance: Tensor) -> Tensor {
    precondition(mean.shape == logVariance.shape,
                 "klDivergenceFromStandardNormal: mean \(mean.shape) and logVariance \(logVariance.shape) differ")
    let (batch, size) = exampleLayout(mean, "klDivergenceFromStandardNormal")
    return Tensor(shape: [batch], unsafeUninitialized: { out in
        mean.scalars.withUnsafeBufferPointer { mu in
            logVariance.scalars.withUnsafeBufferPointer { lv in
                for n in 0..<batch {
                    var total: Float = 0
                    for k in (n * size)..<((n + 1) * size) {
                        // e^{lv} − 1 − lv with expm1 keeps its accuracy near lv = 0.
                        total += mu[k] * mu[k] + expMinusOne(lv[k]) - lv[k]
                    }
                    out[n] = 0.5 * total
                }
            }
        }
    })
}

@derivative(of: klDivergenceFromStandardNormal)
@usableFromInline
func vjpKLDivergenceFromStandardNormal(mean: Tensor, logVariance: Tensor)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)) {
    let (batch, size) = exampleLayout(mean, "klDivergenceFromStandardNormal")
    return (klDivergenceFromStandardNormal(mean: mean, logVariance: logVariance), { upstream in
        let g = perExampleGradient(upstream, batch: batch)
        var dMean = Tensor.zeros(mean.shape), dLogVariance = Tensor.zeros(logVariance.shape)
        // ∂/∂μ = μ;  ∂/∂logVar = ½(e^{logVar} − 1)
        dMean.scalars.withUnsafeMutableBufferPointer { dm in
            dLogVariance.scalars.withUnsafeMutableBufferPointer { dl in
                mean.scalars.withUnsafeBufferPointer { mu in
                    logVariance.scalars.withUnsafeBufferPointer { lv in
                        g.scalars.withUnsafeBufferPointer { gr in
                            for n in 0..<batch {
                                for k in (n * size)..<((n + 1) * size) {
                                    dm[k] = gr[n] * mu[k]
                                    dl[k] = gr[n] * 0.5 * expMinusOne(lv[k])
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dMean, dLogVariance)
    })
}
