/// Why a ROC curve could not be computed.
public enum ROCError: Error, Equatable, CustomStringConvertible {
    case lengthMismatch(scores: Int, labels: Int)
    case noPositives(examples: Int)
    case noNegatives(examples: Int)
    case nanScore(index: Int)
    case rateOutOfRange(name: String, value: Double)

    public var description: String {
        switch self {
        case .lengthMismatch(let scores, let labels):
            return "ROC: \(scores) scores but \(labels) labels"
        case .noPositives(let examples):
            return "ROC: none of the \(examples) examples is labeled positive (anomalous); the true positive rate is undefined"
        case .noNegatives(let examples):
            return "ROC: all \(examples) examples are labeled positive (anomalous); the false positive rate is undefined"
        case .nanScore(let index):
            return "ROC: score \(index) is NaN and has no place in the ranking"
        case .rateOutOfRange(let name, let value):
            return "ROC: \(name) \(value) is outside [0, 1]"
        }
    }
}

/// One vertex of a ROC curve: flagging every example with `score >= threshold` gives these rates.
public struct ROCPoint: Equatable, Sendable {
    /// Negatives flagged / all negatives.
    public var falsePositiveRate: Double
    /// Positives flagged / all positives (the recall).
    public var truePositiveRate: Double
    /// The lowest score flagged at this vertex; `+∞` for the origin, where nothing is flagged.
    public var threshold: Double

    public init(falsePositiveRate: Double, truePositiveRate: Double, threshold: Double) {
        self.falsePositiveRate = falsePositiveRate
        self.truePositiveRate = truePositiveRate
        self.threshold = threshold
    }
}

/// The ROC curve and its area for anomaly scores (higher = more anomalous) against binary
/// labels (true = anomalous = positive): the AUC of semisupervised-vae Tables 5, 6 and 9
/// (sections 3.1.3, 3.2.3), and the operating points of the feedback experiment (section 5).
///
/// The examples are sorted once by score (O(n log n)); examples with equal scores form one
/// step of the curve (a diagonal segment when it holds both classes), so the trapezoidal
/// area equals the Mann–Whitney statistic U / (n₊·n₋) with ties counted ½, the definition
/// of scikit-learn's `roc_auc_score` that the paper used.
public struct ReceiverOperatingCharacteristic: Sendable {
    /// The number of positive (anomalous) examples, n₊.
    public let positiveCount: Int
    /// The number of negative (normal) examples, n₋.
    public let negativeCount: Int
    /// The curve's vertices from (0, 0) to (1, 1), one per distinct score plus the origin,
    /// in decreasing threshold order: both rates are non-decreasing along the array.
    public let points: [ROCPoint]
    /// The area under the curve: P(score₊ > score₋) + ½ P(score₊ = score₋) over pairs of
    /// one positive and one negative example.
    public let area: Double

    /// Computes the curve of `scores` (`[n]`, higher = more anomalous) against `labels`
    /// (`[n]`, true = anomalous). Throws `ROCError` for mismatched lengths, a NaN score, or a
    /// class with no examples. Infinite scores are ranked like any other.
    public init<Score: BinaryFloatingPoint>(scores: [Score], labels: [Bool]) throws {
        guard scores.count == labels.count else {
            throw ROCError.lengthMismatch(scores: scores.count, labels: labels.count)
        }
        if let nan = scores.firstIndex(where: { $0.isNaN }) { throw ROCError.nanScore(index: nan) }
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        let negatives = labels.count - positives
        guard positives > 0 else { throw ROCError.noPositives(examples: labels.count) }
        guard negatives > 0 else { throw ROCError.noNegatives(examples: labels.count) }
        positiveCount = positives
        negativeCount = negatives

        let values = scores.map { Double($0) }
        let order = values.indices.sorted { values[$0] > values[$1] }
        var vertices = [ROCPoint(falsePositiveRate: 0, truePositiveRate: 0, threshold: .infinity)]
        vertices.reserveCapacity(values.count + 1)
        // 2U accumulated in integers: a negative tied with p positives earns p/2, so the
        // doubled sum stays exact and the area carries a single rounding.
        var twiceU = 0
        var truePositives = 0
        var falsePositives = 0
        var start = 0
        while start < order.count {
            let threshold = values[order[start]]
            var groupPositives = 0
            var end = start
            while end < order.count && values[order[end]] == threshold {
                if labels[order[end]] { groupPositives += 1 }
                end += 1
            }
            let groupNegatives = (end - start) - groupPositives
            twiceU += groupNegatives * (2 * truePositives + groupPositives)
            truePositives += groupPositives
            falsePositives += groupNegatives
            vertices.append(ROCPoint(falsePositiveRate: Double(falsePositives) / Double(negatives),
                                     truePositiveRate: Double(truePositives) / Double(positives),
                                     threshold: threshold))
            start = end
        }
        points = vertices
        area = Double(twiceU) / (2 * Double(positives) * Double(negatives))
    }

    /// The highest true positive rate a threshold reaches while its false positive rate stays
    /// at most `falsePositiveRate` (in [0, 1]): a detector that may raise that share of false
    /// alarms (section 5's feedback experiment). Vertices only, no interpolation between
    /// them: a fixed threshold cannot realise a point inside a diagonal step.
    public func truePositiveRate(atFalsePositiveRate falsePositiveRate: Double) throws -> Double {
        guard (0...1).contains(falsePositiveRate) else {
            throw ROCError.rateOutOfRange(name: "false positive rate", value: falsePositiveRate)
        }
        // Rates only grow along `points`, so the last admissible vertex has the highest rate.
        let admissible = points.lastIndex { $0.falsePositiveRate <= falsePositiveRate }!
        return points[admissible].truePositiveRate
    }

    /// The vertex with the lowest false positive rate whose true positive rate (recall) is at
    /// least `recall` (in [0, 1]): where a detector must set its threshold to catch that
    /// share of anomalies (section 5's feedback experiment). Its `threshold` flags them.
    public func operatingPoint(atRecall recall: Double) throws -> ROCPoint {
        guard (0...1).contains(recall) else { throw ROCError.rateOutOfRange(name: "recall", value: recall) }
        // The last vertex has recall 1, so one always qualifies.
        return points.first { $0.truePositiveRate >= recall }!
    }

    /// The false positive rate of `operatingPoint(atRecall:)`: the share of normal examples
    /// flagged when the threshold catches at least `recall` of the anomalies.
    public func falsePositiveRate(atRecall recall: Double) throws -> Double {
        try operatingPoint(atRecall: recall).falsePositiveRate
    }
}
