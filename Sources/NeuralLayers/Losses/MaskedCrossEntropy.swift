import _Differentiation
import TensorCore

/// Categorical cross-entropy over the labeled examples of a batch, normalised by their number
/// (semisupervised-vae eq. 5):
/// `L_cl = −(α / #labeled) Σ_i m_i Σ_c y_ic log π_ic`, with `π = softmax(logits)`,
/// `m_i` 1 for a labeled example and 0 otherwise, and `#labeled = Σ_i m_i`.
///
/// Normalising by the labeled count rather than the batch size keeps the classification
/// weight the same whatever fraction of the batch is labeled. A batch without labels gives 0
/// (and a zero gradient), never 0/0. `log π` comes from a max-shifted log-softmax, so any
/// logit is safe.
///
/// Shapes: logits `[batch, classes]`, labels `[batch, classes]` (one-hot, or any distribution
/// over classes), mask `[batch]` → a scalar. Differentiable in the logits only.
@differentiable(reverse, wrt: logits)
public func maskedCategoricalCrossEntropy(logits: Tensor, labels: Tensor, mask: Tensor,
                                          alpha: Float = 1) -> Tensor {
    maskedCrossEntropyForward(logits, labels, mask, alpha).loss
}

/// The same loss with labels given as class indices; an unlabeled example's index is
/// ignored (it may be anything, for example −1).
@differentiable(reverse, wrt: logits)
public func maskedCategoricalCrossEntropy(logits: Tensor, classIndices: [Int], mask: Tensor,
                                          alpha: Float = 1) -> Tensor {
    let oneHot = oneHotLabels(classIndices, mask: mask, classCount: withoutDerivative(at: logits).columns)
    return maskedCategoricalCrossEntropy(logits: logits, labels: oneHot, mask: mask, alpha: alpha)
}

@derivative(of: maskedCategoricalCrossEntropy(logits:labels:mask:alpha:), wrt: logits)
@usableFromInline
func vjpMaskedCategoricalCrossEntropy(logits: Tensor, labels: Tensor, mask: Tensor, alpha: Float)
    -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let (loss, logProbabilities, labeledCount) = maskedCrossEntropyForward(logits, labels, mask, alpha)
    let classes = logits.columns, batch = logits.rows
    return (loss, { upstream in
        guard labeledCount > 0 else { return Tensor.zeros(logits.shape) }
        let scale = -upstream.scalar * alpha / labeledCount
        // ∂/∂l_ic = −(α/#labeled)·m_i·(y_ic − π_ic Σ_c y_ic)
        return Tensor(shape: logits.shape, unsafeUninitialized: { out in
            labels.scalars.withUnsafeBufferPointer { y in
                logProbabilities.scalars.withUnsafeBufferPointer { lp in
                    mask.scalars.withUnsafeBufferPointer { m in
                        for n in 0..<batch {
                            let row = n * classes
                            var labelMass: Float = 0
                            for c in 0..<classes { labelMass += y[row + c] }
                            let weight = scale * m[n]
                            for c in 0..<classes {
                                out[row + c] = weight * (y[row + c] - exponential(lp[row + c]) * labelMass)
                            }
                        }
                    }
                }
            }
        })
    })
}

func maskedCrossEntropyForward(_ logits: Tensor, _ labels: Tensor, _ mask: Tensor, _ alpha: Float)
    -> (loss: Tensor, logProbabilities: Tensor, labeledCount: Float) {
    precondition(logits.rank == 2, "maskedCategoricalCrossEntropy: logits must be [batch, classes], got \(logits.shape)")
    precondition(labels.shape == logits.shape,
                 "maskedCategoricalCrossEntropy: labels \(labels.shape) and logits \(logits.shape) differ")
    precondition(mask.shape == [logits.rows],
                 "maskedCategoricalCrossEntropy: mask must be [\(logits.rows)], got \(mask.shape)")
    let logProbabilities = logSoftmax(logits)
    let classes = logits.columns
    var labeledCount: Float = 0
    var total: Float = 0
    labels.scalars.withUnsafeBufferPointer { y in
        logProbabilities.scalars.withUnsafeBufferPointer { lp in
            mask.scalars.withUnsafeBufferPointer { m in
                for n in 0..<logits.rows where m[n] != 0 {
                    labeledCount += m[n]
                    var example: Float = 0
                    // A zero label weight skips its term, so 0·log π never meets log π = −∞.
                    for c in 0..<classes where y[n * classes + c] != 0 {
                        example += y[n * classes + c] * lp[n * classes + c]
                    }
                    total += m[n] * example
                }
            }
        }
    }
    let loss = labeledCount > 0 ? -alpha * total / labeledCount : 0
    return (Tensor(loss), logProbabilities, labeledCount)
}

/// One-hot rows for the labeled examples, zero rows for the others.
func oneHotLabels(_ classIndices: [Int], mask: Tensor, classCount: Int) -> Tensor {
    precondition(mask.shape == [classIndices.count],
                 "maskedCategoricalCrossEntropy: \(classIndices.count) labels but mask \(mask.shape)")
    var oneHot = Tensor.zeros([classIndices.count, classCount])
    for (n, label) in classIndices.enumerated() where mask.scalars[n] != 0 {
        precondition(label >= 0 && label < classCount,
                     "maskedCategoricalCrossEntropy: label \(label) of labeled example \(n) is outside 0..<\(classCount)")
        oneHot.scalars[n * classCount + label] = 1
    }
    return oneHot
}
