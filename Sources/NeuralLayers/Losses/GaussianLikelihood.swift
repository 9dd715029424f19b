import _Differentiation
import TensorCore

/// log(2π), the normalising constant of a Gaussian density.
let logTwoPi: Float = 1.8378770664093453

/// Gaussian log-likelihood with a fixed variance σ², per example:
/// `log N(x | μ, σ²I) = Σ_d −(x_d − μ_d)²/(2σ²) − ½ log(2πσ²)`.
///
/// The decoder of the real-valued models (V-ABC's `p(x|z) = N(g(z), σ²I)`, vabc IV-B, with
/// σ² = 2.5 on MNIST; its negation without the constant is `scaledSquaredError`).
///
/// Shapes: targets and mean `[batch, ...]` → `[batch]`. Differentiable in the mean.
@differentiable(reverse, wrt: mean)
public func gaussianLogLikelihood(of targets: Tensor, mean: Tensor, variance: Float) -> Tensor {
    precondition(targets.shape == mean.shape,
                 "gaussianLogLikelihood: targets \(targets.shape) and mean \(mean.shape) differ")
    precondition(variance > 0, "gaussianLogLikelihood: the variance must be positive, got \(variance)")
    let (batch, size) = exampleLayout(mean, "gaussianLogLikelihood")
    let halfPrecision = 1 / (2 * variance)
    let constant = Float(size) * 0.5 * (logTwoPi + logarithm(variance))
    return Tensor(shape: [batch], unsafeUninitialized: { out in
        targets.scalars.withUnsafeBufferPointer { x in
            mean.scalars.withUnsafeBufferPointer { mu in
                for n in 0..<batch {
                    var squares: Float = 0
                    for k in (n * size)..<((n + 1) * size) {
                        let d = x[k] - mu[k]
                        squares += d * d
                    }
                    out[n] = -halfPrecision * squares - constant
                }
            }
        }
    })
}

@derivative(of: gaussianLogLikelihood(of:mean:variance:), wrt: mean)
@usableFromInline
func vjpGaussianLogLikelihood(of targets: Tensor, mean: Tensor, variance: Float)
    -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let (batch, size) = exampleLayout(mean, "gaussianLogLikelihood")
    return (gaussianLogLikelihood(of: targets, mean: mean, variance: variance), { upstream in
        let g = perExampleGradient(upstream, batch: batch)
        let precision = 1 / variance
        // ∂/∂μ = (x − μ)/σ²
        return Tensor(shape: mean.shape, unsafeUninitialized: { out in
            targets.scalars.withUnsafeBufferPointer { x in
                mean.scalars.withUnsafeBufferPointer { mu in
                    g.scalars.withUnsafeBufferPointer { gr in
                        for n in 0..<batch {
                            let scale = gr[n] * precision
                            for k in (n * size)..<((n + 1) * size) { out[k] = scale * (x[k] - mu[k]) }
                        }
                    }
                }
            }
        })
    })
}

/// Gaussian log-likelihood with a learned, per-value variance `v = softplus(raw)`, per example:
/// `Σ_d −(x_d − μ_d)²/(2v_d) − ½ log(2π v_d)`.
///
/// The output of the sequence decoder of semisupervised-vae Table 15 ("softplus activation;
/// gaussian variance"), which predicts a mean and a raw variance for every feature and step.
/// The softplus is fused in so that `log v` stays exact where softplus underflows towards 0
/// (`log softplus(r) → r` for very negative r) and a perfectly fitted mean stays finite under
/// any variance (see `softplusVariance`).
///
/// Shapes: targets, mean and rawVariance `[batch, ...]` → `[batch]`. Differentiable in the
/// mean and the raw variance.
@differentiable(reverse, wrt: (mean, rawVariance))
public func gaussianLogLikelihood(of targets: Tensor, mean: Tensor, rawVariance: Tensor) -> Tensor {
    gaussianLearnedVarianceForward(targets, mean, rawVariance)
}

@derivative(of: gaussianLogLikelihood(of:mean:rawVariance:), wrt: (mean, rawVariance))
@usableFromInline
func vjpGaussianLogLikelihoodLearnedVariance(of targets: Tensor, mean: Tensor, rawVariance: Tensor)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)) {
    let (batch, size) = exampleLayout(mean, "gaussianLogLikelihood")
    return (gaussianLearnedVarianceForward(targets, mean, rawVariance), { upstream in
        let g = perExampleGradient(upstream, batch: batch)
        var dMean = Tensor.zeros(mean.shape)
        var dRaw = Tensor.zeros(rawVariance.shape)
        // ∂/∂μ = (x − μ)/v;  ∂/∂raw = ∂/∂v · σ(raw) = ½((x − μ)²/v − 1)·σ(raw)/v
        dMean.scalars.withUnsafeMutableBufferPointer { dm in
            dRaw.scalars.withUnsafeMutableBufferPointer { dr in
                targets.scalars.withUnsafeBufferPointer { x in
                    mean.scalars.withUnsafeBufferPointer { mu in
                        rawVariance.scalars.withUnsafeBufferPointer { raw in
                            g.scalars.withUnsafeBufferPointer { gr in
                                for n in 0..<batch {
                                    for k in (n * size)..<((n + 1) * size) {
                                        let v = softplusVariance(raw[k])
                                        let d = x[k] - mu[k]
                                        let residualOverVariance = d / v
                                        // σ(r)/softplus(r) → 1 as r → −∞; its limit avoids a
                                        // ratio of two denormals.
                                        let ratio = raw[k] < -20 ? 1 : sigmoid(raw[k]) / v
                                        dm[k] = gr[n] * residualOverVariance
                                        dr[k] = gr[n] * 0.5 * (residualOverVariance * d - 1) * ratio
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dMean, dRaw)
    })
}

func gaussianLearnedVarianceForward(_ targets: Tensor, _ mean: Tensor, _ rawVariance: Tensor) -> Tensor {
    precondition(targets.shape == mean.shape && mean.shape == rawVariance.shape,
                 "gaussianLogLikelihood: targets \(targets.shape), mean \(mean.shape) and rawVariance \(rawVariance.shape) differ")
    let (batch, size) = exampleLayout(mean, "gaussianLogLikelihood")
    return Tensor(shape: [batch], unsafeUninitialized: { out in
        targets.scalars.withUnsafeBufferPointer { x in
            mean.scalars.withUnsafeBufferPointer { mu in
                rawVariance.scalars.withUnsafeBufferPointer { raw in
                    for n in 0..<batch {
                        var total: Float = 0
                        for k in (n * size)..<((n + 1) * size) {
                            let v = softplusVariance(raw[k])
                            // log(log1p(eʳ)) = r + log1p(−eʳ/2 + …) ≈ r below −20, where
                            // softplus itself heads for the subnormals.
                            let logVariance = raw[k] < -20 ? raw[k] : logarithm(v)
                            let d = x[k] - mu[k]
                            total += -0.5 * (d / v) * d - 0.5 * (logTwoPi + logVariance)
                        }
                        out[n] = total
                    }
                }
            }
        }
    })
}

/// softplus(raw), kept above zero (at the smallest normal float, reached for raw < −87.3) so
/// that a mean that fits its target exactly gives 0/v = 0 rather than 0/0. The floor is a normal
/// number because executables flush subnormals to zero (`SubnormalFlushing`): a subnormal floor
/// would be read as 0 there. A mean that misses its target under such a variance still gives −∞,
/// the true value, for `checkFinite` to report.
@inline(__always)
func softplusVariance(_ raw: Float) -> Float {
    max(softplus(raw), Float.leastNormalMagnitude)
}
