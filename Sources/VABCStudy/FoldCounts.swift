import Datasets
import Experiments
import StudyKit

/// Table I: the positive, negative, unlabeled and unwanted counts of every data set, with the
/// folds drawn exactly as the training cells draw them (`Splits.negativeUnlabeled`, exactly
/// round(p·n) unwanted examples, from the cell's `labels` stream).
enum FoldCounts {
    /// The metric names of one Table I row: `<row key>/<count>`.
    static let counts = ["positives", "negatives", "unlabeled", "unwanted"]

    /// "Moons1, p 1" or "MNIST, digit 8, p 0.2": the row key, dataset and setting.
    static func rowKey(dataset: String, setting: String) -> String { "\(dataset), \(setting)" }

    static func run(_ cell: CellConfiguration, parameters: VABCCellParameters, mnist: ImageClassificationData) throws -> CellResult {
        var metrics: [String: Double] = [:]
        func record(_ key: String, _ folds: Splits.NegativeUnlabeledFolds) {
            metrics["\(key)/positives"] = Double(folds.positiveCount)
            metrics["\(key)/negatives"] = Double(folds.negativeCount)
            metrics["\(key)/unlabeled"] = Double(folds.unlabeled.count)
            metrics["\(key)/unwanted"] = Double(folds.unwanted.count)
        }
        let streams = RunStreams(seed: cell.seed)
        for p in [1.0, 0.8] {
            var data = streams.stream("data")
            let moons = TwoMoons.generate(positives: (parameters.moonsPoints ?? 10_000) / 2,
                                          negatives: (parameters.moonsPoints ?? 10_000) / 2, generator: &data)
            var labels = streams.labels
            record(rowKey(dataset: VABCCells.moonsName(p: p), setting: "p \(p)"), moons.folds(unwantedProportion: p, generator: &labels))
        }
        for digit in [1, 7, 8] {
            for p in [0.1, 0.2, 0.3] {
                var labels = streams.labels
                record(rowKey(dataset: "MNIST", setting: VABCCells.mnistSetting(digit: digit, p: p)),
                       Splits.negativeUnlabeled(labels: mnist.train.labels, negativeClass: Int32(digit), unwantedProportion: p,
                                                generator: &labels))
            }
        }
        return CellResult(metrics: metrics, epochs: 0, seeds: streams.recorded)
    }
}
