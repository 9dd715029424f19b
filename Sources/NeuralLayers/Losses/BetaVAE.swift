import _Differentiation
import TensorCore

/// The β-VAE objective with a capacity target (Burgess et al. 2018, "Understanding
/// disentangling in β-VAE", eq. 8), as a loss to minimise:
/// `mean_i [ reconstruction_i + β·|KL_i − C| ]`.
///
/// `reconstruction_i` is the per-example negative log-likelihood and `KL_i` the per-example
/// KL to the prior (`klDivergenceFromStandardNormal`). The capacity C (nats) pulls the KL
/// towards C rather than towards 0; the caller anneals it from 0 upwards over training.
/// As in the paper the absolute value applies to each example's KL before the batch mean;
/// its derivative at exactly KL = C is taken as 0.
///
/// Shapes: reconstruction and kl `[batch]` → a scalar. Differentiable in both.
@differentiable(reverse, wrt: (reconstruction, kl))
public func betaVAELoss(reconstruction: Tensor, kl: Tensor, beta: Float, capacity: Float = 0) -> Tensor {
    precondition(reconstruction.rank == 1 && kl.shape == reconstruction.shape,
                 "betaVAELoss: reconstruction \(reconstruction.shape) and kl \(kl.shape) must both be [batch]")
    let batch = kl.count
    guard batch > 0 else { return Tensor(0) }
    var total: Float = 0
    reconstruction.scalars.withUnsafeBufferPointer { r in
        kl.scalars.withUnsafeBufferPointer { k in
            for n in 0..<batch { total += r[n] + beta * abs(k[n] - capacity) }
        }
    }
    return Tensor(total / Float(batch))
}

@derivative(of: betaVAELoss, wrt: (reconstruction, kl))
@usableFromInline
func vjpBetaVAELoss(reconstruction: Tensor, kl: Tensor, beta: Float, capacity: Float)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)) {
    let batch = kl.count
    return (betaVAELoss(reconstruction: reconstruction, kl: kl, beta: beta, capacity: capacity), { upstream in
        let share = batch > 0 ? upstream.scalar / Float(batch) : 0
        // ∂/∂reconstruction_i = 1/B;  ∂/∂KL_i = β·sign(KL_i − C)/B
        let dKL = kl.map { k in k > capacity ? share * beta : (k < capacity ? -share * beta : 0) }
        return (Tensor(shape: reconstruction.shape, repeating: share), dKL)
    })
}
