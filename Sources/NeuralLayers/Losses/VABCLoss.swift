import _Differentiation
import TensorCore

/// Below this argument the V-ABC penalty `−log(1 − e^{−a})` continues as its tangent line
/// (see `vabcLoss`).
public let vabcPenaltyGuard: Float = 1e-6

/// The V-ABC loss (vabc section IV-B), averaged over the batch:
/// `mean_i [ w·KL_i + y_i·L_i − (1 − y_i)·log(1 − e^{−γ·L_i}) ]`,
/// with `L_i = ‖x_i − x̂_i‖²/(2σ²)` (`gaussianReconstructionError`), `y_i` 1 for unlabeled
/// (wanted) and 0 for unwanted examples, `KL_i` the per-example KL to the prior, and `w` the
/// KL weight that training anneals with a `SigmoidalSchedule` (vabc V-B; 1 in the paper's
/// formula). With `y = 1` it is the VAE loss `KL + L`; for unwanted examples the penalty
/// grows as the reconstruction gets better (ABC, Yamanaka et al. 2019, eq. 3 of vabc).
///
/// Numerics: the penalty is computed as `p(a) = −log(−expm1(−a))`, `a = γ·L`, which is exact
/// for small a, where `1 − e^{−a}` would cancel, and tends to 0 without overflow for large a
/// (`p'(a) = −1/expm1(a)`). It diverges as a → 0 (a perfect reconstruction of an unwanted
/// example), so for `a < vabcPenaltyGuard` (1e-6, where p ≈ 13.8) it continues as its tangent at
/// the guard, `p(ε) + p'(ε)·(a − ε)`: finite at a = 0, continuous with a continuous slope,
/// and still pushing the reconstruction away.
///
/// Shapes: kl, reconstructionError and labels `[batch]` → a scalar. Differentiable in kl and
/// reconstructionError.
@differentiable(reverse, wrt: (kl, reconstructionError))
public func vabcLoss(kl: Tensor, reconstructionError: Tensor, labels: Tensor, gamma: Float,
                     klWeight: Float = 1) -> Tensor {
    vabcForward(kl, reconstructionError, labels, gamma, klWeight).loss
}

@derivative(of: vabcLoss, wrt: (kl, reconstructionError))
@usableFromInline
func vjpVABCLoss(kl: Tensor, reconstructionError: Tensor, labels: Tensor, gamma: Float, klWeight: Float)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)) {
    let (loss, reconstructionSlope) = vabcForward(kl, reconstructionError, labels, gamma, klWeight)
    let batch = kl.count
    return (loss, { upstream in
        let share = batch > 0 ? upstream.scalar / Float(batch) : 0
        // ∂/∂KL_i = w/B;  ∂/∂L_i = (y_i + (1 − y_i)·γ·p'(γL_i))/B
        return (Tensor(shape: kl.shape, repeating: share * klWeight), share * reconstructionSlope)
    })
}

/// The batch-mean loss and, per example, ∂loss_i/∂L_i.
func vabcForward(_ kl: Tensor, _ reconstructionError: Tensor, _ labels: Tensor, _ gamma: Float,
                 _ klWeight: Float) -> (loss: Tensor, reconstructionSlope: Tensor) {
    precondition(kl.rank == 1 && reconstructionError.shape == kl.shape && labels.shape == kl.shape,
                 "vabcLoss: kl \(kl.shape), reconstructionError \(reconstructionError.shape) and labels \(labels.shape) must all be [batch]")
    precondition(gamma > 0, "vabcLoss: gamma must be positive, got \(gamma)")
    let batch = kl.count
    let guardValue = -logarithm(-expMinusOne(-vabcPenaltyGuard))
    let guardSlope = -1 / expMinusOne(vabcPenaltyGuard)
    var total: Float = 0
    let slope = Tensor(shape: kl.shape, unsafeUninitialized: { out in
        kl.scalars.withUnsafeBufferPointer { k in
            reconstructionError.scalars.withUnsafeBufferPointer { l in
                labels.scalars.withUnsafeBufferPointer { y in
                    for n in 0..<batch {
                        let a = gamma * l[n]
                        let penalty: Float, penaltySlope: Float
                        if a < vabcPenaltyGuard {
                            penalty = guardValue + guardSlope * (a - vabcPenaltyGuard)
                            penaltySlope = guardSlope
                        } else {
                            penalty = -logarithm(-expMinusOne(-a))
                            penaltySlope = -1 / expMinusOne(a)
                        }
                        total += klWeight * k[n] + y[n] * l[n] + (1 - y[n]) * penalty
                        out[n] = y[n] + (1 - y[n]) * gamma * penaltySlope
                    }
                }
            }
        }
    })
    return (Tensor(batch > 0 ? total / Float(batch) : 0), slope)
}

/// `L = ‖x − x̂‖²/(2σ²)` per example: the negative Gaussian log-likelihood with fixed variance
/// σ² without its constant, V-ABC's `L_VAE` (vabc IV-B; σ² = 2.5 on MNIST).
///
/// Shapes: targets and reconstruction `[batch, ...]` → `[batch]`. Differentiable in the
/// reconstruction.
@differentiable(reverse, wrt: reconstruction)
public func gaussianReconstructionError(of targets: Tensor, reconstruction: Tensor, variance: Float) -> Tensor {
    precondition(targets.shape == reconstruction.shape,
                 "gaussianReconstructionError: targets \(targets.shape) and reconstruction \(reconstruction.shape) differ")
    precondition(variance > 0, "gaussianReconstructionError: the variance must be positive, got \(variance)")
    let (batch, size) = exampleLayout(targets, "gaussianReconstructionError")
    let halfPrecision = 1 / (2 * variance)
    return Tensor(shape: [batch], unsafeUninitialized: { out in
        targets.scalars.withUnsafeBufferPointer { x in
            reconstruction.scalars.withUnsafeBufferPointer { r in
                for n in 0..<batch {
                    var squares: Float = 0
                    for k in (n * size)..<((n + 1) * size) {
                        let d = x[k] - r[k]
                        squares += d * d
                    }
                    out[n] = halfPrecision * squares
                }
            }
        }
    })
}

@derivative(of: gaussianReconstructionError, wrt: reconstruction)
@usableFromInline
func vjpGaussianReconstructionError(of targets: Tensor, reconstruction: Tensor, variance: Float)
    -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let (batch, size) = exampleLayout(targets, "gaussianReconstructionError")
    return (gaussianReconstructionError(of: targets, reconstruction: reconstruction, variance: variance), { upstream in
        let g = perExampleGradient(upstream, batch: batch)
        let precision = 1 / variance
        // ∂/∂x̂ = (x̂ − x)/σ²
        return Tensor(shape: reconstruction.shape, unsafeUninitialized: { out in
            targets.scalars.withUnsafeBufferPointer { x in
                reconstruction.scalars.withUnsafeBufferPointer { r in
                    g.scalars.withUnsafeBufferPointer { gr in
                        for n in 0..<batch {
                            let scale = gr[n] * precision
                            for k in (n * size)..<((n + 1) * size) { out[k] = scale * (r[k] - x[k]) }
                        }
                    }
                }
            }
        })
    })
}
