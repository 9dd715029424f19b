/// The score adjustment of semisupervised-vae section 5, eq. 6: once the model has classes
/// for false-positive and false-negative detections, an anomaly score x becomes
///
///     x → (1 − p_fp) / (1 − p_fn) · x
///
/// so an example that looks like a past false alarm is damped and one that looks like a past
/// missed anomaly is amplified. x must be non-negative (ours, −log p(x | z) of a Bernoulli
/// decoder on [0, 1] images, is a cross-entropy and so never negative).
public enum FeedbackAdjustment {
    /// 1 − p_fn is floored here so a model certain of a false negative gives a large but
    /// finite score (a softmax in Float32 can round p_fn to exactly 1).
    public static let smallestDenominator: Float = 1e-6

    public static func adjusted(score: Float, falsePositiveProbability pfp: Float, falseNegativeProbability pfn: Float) -> Float {
        (1 - pfp) / max(1 - pfn, smallestDenominator) * score
    }

    /// Element-wise over a test set.
    public static func adjusted(scores: [Float], falsePositiveProbabilities pfp: [Float],
                                falseNegativeProbabilities pfn: [Float]) -> [Float] {
        precondition(scores.count == pfp.count && scores.count == pfn.count,
                     "FeedbackAdjustment: \(scores.count) scores, \(pfp.count) and \(pfn.count) probabilities")
        return scores.indices.map { adjusted(score: scores[$0], falsePositiveProbability: pfp[$0], falseNegativeProbability: pfn[$0]) }
    }
}
