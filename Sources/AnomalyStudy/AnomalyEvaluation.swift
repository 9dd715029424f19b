import Foundation
import Metrics
import NeuralLayers
import Randomness
import StudyKit
import VAEModels

/// What a trained model's anomaly scores on the test set give: the ROC area of the section's
/// score and of the two alternatives the issue asked to compare, the false-positive rate at a
/// fixed recall, and the ROC curve on a fixed grid so curves of several seeds can be averaged.
///
/// The section's score is −log p(x | z = μ(x), π(x)) (higher = more anomalous, the held-out
/// class positive): deterministic, one decoder pass, and what the paper calls "the log
/// reconstruction probability". The 10-sample Monte-Carlo reconstruction term and the negative
/// ELBO (that term plus KL(q ‖ p)) are recorded beside it (deviations.md).
public struct AnomalyEvaluation {
    /// The recall at which the false-positive rate is read (section 5's operating point).
    public static let recall = 0.9
    /// The false-positive rates at which the ROC curve is recorded: 0, 0.01, …, 1.
    public static let falsePositiveGrid: [Double] = (0...100).map { Double($0) / 100 }

    public let scores: [Float]
    public let metrics: [String: Double]
    public let history: [String: [Double]]

    public init<Model: LatentVariableModel>(
        model: Model, split: HeldOutClassData, monteCarloSamples: Int,
        generator: inout SeededGenerator
    ) throws {
        let shape = [784]
        scores = try AnomalyScore.negativeLogReconstruction(model: model, images: split.testPixels, exampleShape: shape)
        let sampled = try AnomalyScore.monteCarloNegativeLogReconstruction(
            model: model, images: split.testPixels, exampleShape: shape, samples: monteCarloSamples, generator: &generator)
        let divergence = try AnomalyScore.klDivergenceFromPrior(model: model, images: split.testPixels, exampleShape: shape)
        let negativeELBO = zip(sampled, divergence).map { $0 + $1 }
        let roc = try Self.checkedROC(scores, split.testIsAnomalous, name: "−log p(x | z = μ)")
        var metrics: [String: Double] = [
            "auc": roc.area,
            "auc_monte_carlo": try Self.checkedROC(sampled, split.testIsAnomalous, name: "Monte-Carlo reconstruction").area,
            "auc_negative_elbo": try Self.checkedROC(negativeELBO, split.testIsAnomalous, name: "negative ELBO").area,
            "fpr_at_recall_90": try roc.falsePositiveRate(atRecall: Self.recall),
            "anomalous_test_images": Double(roc.positiveCount),
            "normal_test_images": Double(roc.negativeCount),
        ]
        metrics["mean_score_normal"] = Self.mean(scores, where: split.testIsAnomalous.map { !$0 })
        metrics["mean_score_anomalous"] = Self.mean(scores, where: split.testIsAnomalous)
        self.metrics = metrics
        history = ["roc_true_positive_rate": try Self.falsePositiveGrid.map { try roc.truePositiveRate(atFalsePositiveRate: $0) }]
    }

    /// The ROC of `scores`, after checking every score is finite (a NaN would silently rank).
    static func checkedROC(_ scores: [Float], _ labels: [Bool], name: String) throws -> ReceiverOperatingCharacteristic {
        if let bad = scores.firstIndex(where: { !$0.isFinite }) {
            throw AnomalyScoreError.invalidSetting("the \(name) score of test image \(bad) is \(scores[bad])")
        }
        return try ReceiverOperatingCharacteristic(scores: scores, labels: labels)
    }

    static func mean(_ values: [Float], where mask: [Bool]) -> Double? {
        var total = 0.0, count = 0
        for (value, keep) in zip(values, mask) where keep { total += Double(value); count += 1 }
        return count == 0 ? nil : total / Double(count)
    }
}
