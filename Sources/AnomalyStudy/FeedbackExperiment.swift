import Datasets
import Experiments
import Foundation
import Metrics
import NeuralLayers
import Randomness
import StudyKit
import TensorCore
import VAEModels

/// How section 5's feedback is simulated (deviations.md; the paper proposes, never runs it).
public struct FeedbackSettings: Sendable, Equatable {
    /// The share of the training split (its last images) set aside as the monitored stream on
    /// which the detector raises alarms; the model is fitted on the normal images of the rest.
    public var streamFraction: Double
    /// The share of the stream the detector flags (the highest scores): about the share of
    /// the anomalous class in it.
    public var alarmRate: Double
    /// The expected share of feedback examples in a training batch once there are some: they
    /// are few, so they are up-sampled as the scarce labels of section 3.1.3 are.
    public var feedbackShare: Double

    public static let standard = FeedbackSettings(streamFraction: 1.0 / 6, alarmRate: 0.1, feedbackShare: 0.1)

    /// Writes these settings and the feedback amounts into a cell's hyperparameters.
    func record(amounts: [Int], in parameters: inout AnomalyCellParameters) {
        parameters.streamFraction = streamFraction
        parameters.alarmRate = alarmRate
        parameters.feedbackShare = feedbackShare
        parameters.feedbackAmounts = amounts
    }

    init(streamFraction: Double, alarmRate: Double, feedbackShare: Double) {
        self.streamFraction = streamFraction
        self.alarmRate = alarmRate
        self.feedbackShare = feedbackShare
    }

    init(_ h: AnomalyCellParameters, cell: String) throws {
        guard let stream = h.streamFraction, stream > 0, stream < 1,
              let alarm = h.alarmRate, alarm > 0, alarm < 1,
              let share = h.feedbackShare, share > 0, share < 1 else {
            throw StudyError.invalidArgument("cell \(cell): stream_fraction, alarm_rate and feedback_share must lie in (0, 1)")
        }
        self.init(streamFraction: stream, alarmRate: alarm, feedbackShare: share)
    }
}

/// Section 5 with simulated feedback, one held-out MNIST class and one seed per cell:
///
/// 1. Fit SS_D with two extra, empty classes (false positive, false negative) on the normal
///    images outside the stream, every label used (as Table 5).
/// 2. Score the stream and flag its highest `alarmRate` share. Flagged normal images are
///    false positives; unflagged anomalous ones false negatives (an operator would find those
///    later). The labels say which is which: that is the simulated feedback.
/// 3. For each amount m (cumulative: the first m of a seeded order), retrain from scratch,
///    with the same seed, on the normal images plus m false positives labeled "false
///    positive" and m false negatives labeled "false negative".
/// 4. Score the test set with the raw score x and with eq. 6's (1 − p_fp)/(1 − p_fn) · x;
///    record the AUC and the false-positive rate at recall 0.9 of both.
struct FeedbackExperiment {
    let cell: CellConfiguration
    let parameters: AnomalyCellParameters
    let settings: FeedbackSettings
    let amounts: [Int]

    init(cell: CellConfiguration, parameters: AnomalyCellParameters) throws {
        self.cell = cell
        self.parameters = parameters
        settings = try FeedbackSettings(parameters, cell: cell.id)
        guard let list = parameters.feedbackAmounts, !list.isEmpty, list.allSatisfy({ $0 >= 0 }) else {
            throw StudyError.invalidArgument("cell \(cell.id): feedback_amounts must be a list of non-negative integers")
        }
        amounts = list
    }

    /// The classifier's extra outputs after the normal classes.
    static let falsePositiveOffset = 0, falseNegativeOffset = 1

    func run(data: ImageClassificationData, progress: CellProgress?) throws -> CellResult {
        guard let anomalous = parameters.anomalousClass else {
            throw StudyError.invalidArgument("cell \(cell.id) lacks anomalous_class")
        }
        let streamCount = Int((settings.streamFraction * Double(data.train.count)).rounded())
        let fitCount = data.train.count - streamCount
        let fit = ImageClassificationData(name: data.name, train: data.train.subset(Array(0..<fitCount)), test: data.test)
        let split = HeldOutClassData(holdingOut: anomalous, from: fit)
        let stream = data.train.subset(Array(fitCount..<data.train.count))
        let streamIsAnomalous = stream.labels.map { Int($0) == anomalous }
        var streamPixels: [Float] = []
        stream.fillBatch(Array(0..<stream.count), into: &streamPixels)
        let normalClassCount = split.normalClasses.count
        let trainings = amounts.filter { $0 > 0 }.count + 1
        var trainingsDone = 0

        // 1-2. The detector without feedback, and the alarms it raises on the stream.
        let baseline = try train(split: split, stream: stream, falsePositives: [], falseNegatives: [])
        trainingsDone += 1
        progress?.epochFinished(trainingsDone, of: trainings)
        let streamScores = try AnomalyScore.negativeLogReconstruction(model: baseline.model, images: streamPixels,
                                                                      exampleShape: [784])
        let flagged = Self.flagHighest(streamScores, rate: settings.alarmRate)
        var order = RunStreams(seed: cell.seed).stream("feedback")
        var falsePositives = stream.labels.indices.filter { flagged[$0] && !streamIsAnomalous[$0] }
        var falseNegatives = stream.labels.indices.filter { !flagged[$0] && streamIsAnomalous[$0] }
        order.shuffle(&falsePositives)
        order.shuffle(&falseNegatives)

        // 3-4. Retrain with growing feedback; score the test set raw and adjusted.
        var history: [String: [Double]] = [:]
        for amount in amounts {
            let usedFP = Array(falsePositives.prefix(amount)), usedFN = Array(falseNegatives.prefix(amount))
            let trained: TrainedDetector
            if amount == 0 {
                trained = baseline
            } else {
                trained = try train(split: split, stream: stream, falsePositives: usedFP, falseNegatives: usedFN)
                trainingsDone += 1
                progress?.epochFinished(trainingsDone, of: trainings)
            }
            let raw = try AnomalyScore.negativeLogReconstruction(model: trained.model, images: split.testPixels,
                                                                 exampleShape: [784])
            let probabilities = Self.classProbabilities(trained.model, pixels: split.testPixels)
            let classes = normalClassCount + 2
            let pfp = (0..<raw.count).map { probabilities[$0 * classes + normalClassCount + Self.falsePositiveOffset] }
            let pfn = (0..<raw.count).map { probabilities[$0 * classes + normalClassCount + Self.falseNegativeOffset] }
            let adjusted = FeedbackAdjustment.adjusted(scores: raw, falsePositiveProbabilities: pfp, falseNegativeProbabilities: pfn)
            // Each half of eq. 6 alone, to tell what the false-positive and the false-negative class contribute.
            let zero = [Float](repeating: 0, count: raw.count)
            let damped = FeedbackAdjustment.adjusted(scores: raw, falsePositiveProbabilities: pfp, falseNegativeProbabilities: zero)
            let amplified = FeedbackAdjustment.adjusted(scores: raw, falsePositiveProbabilities: zero, falseNegativeProbabilities: pfn)
            let rawROC = try AnomalyEvaluation.checkedROC(raw, split.testIsAnomalous, name: "raw")
            let adjustedROC = try AnomalyEvaluation.checkedROC(adjusted, split.testIsAnomalous, name: "adjusted (eq. 6)")
            let normal = split.testIsAnomalous.map { !$0 }
            history["feedback_amount", default: []].append(Double(amount))
            history["false_positives_used", default: []].append(Double(usedFP.count))
            history["false_negatives_used", default: []].append(Double(usedFN.count))
            history["auc_raw", default: []].append(rawROC.area)
            history["auc_adjusted", default: []].append(adjustedROC.area)
            history["auc_false_positive_term_only", default: []].append(
                try AnomalyEvaluation.checkedROC(damped, split.testIsAnomalous, name: "x (1 − p_fp)").area)
            history["auc_false_negative_term_only", default: []].append(
                try AnomalyEvaluation.checkedROC(amplified, split.testIsAnomalous, name: "x / (1 − p_fn)").area)
            history["fpr_at_recall_90_raw", default: []].append(try rawROC.falsePositiveRate(atRecall: AnomalyEvaluation.recall))
            history["fpr_at_recall_90_adjusted", default: []].append(try adjustedROC.falsePositiveRate(atRecall: AnomalyEvaluation.recall))
            history["mean_p_fp_normal", default: []].append(AnomalyEvaluation.mean(pfp, where: normal) ?? 0)
            history["mean_p_fn_anomalous", default: []].append(AnomalyEvaluation.mean(pfn, where: split.testIsAnomalous) ?? 0)
            history["normal_test_accuracy", default: []].append(trained.normalAccuracy ?? .nan)
        }
        history["normal_test_accuracy"] = history["normal_test_accuracy"]?.filter(\.isFinite)
        let metrics: [String: Double] = [
            "stream_images": Double(stream.count),
            "stream_anomalous": Double(streamIsAnomalous.filter { $0 }.count),
            "stream_flagged": Double(flagged.filter { $0 }.count),
            "false_positive_candidates": Double(falsePositives.count),
            "false_negative_candidates": Double(falseNegatives.count),
            "normal_train_images": Double(split.train.count),
            "auc_raw_without_feedback": history["auc_raw"]![0],
            "auc_adjusted_with_most_feedback": history["auc_adjusted"]!.last!,
        ]
        var seeds = RunStreams(seed: cell.seed).recorded
        seeds["feedback"] = RunStreams(seed: cell.seed).stream("feedback").seed
        return CellResult(metrics: metrics, history: history, epochs: parameters.settings.epochs, seeds: seeds)
    }

    struct TrainedDetector {
        var model: DenseSemiSupervisedVAE
        var normalAccuracy: Double?
    }

    /// SS_D with the normal classes plus the two feedback classes, trained from the cell's
    /// seed on the normal images and the given stream images as feedback examples.
    func train(split: HeldOutClassData, stream: LabeledImages, falsePositives: [Int],
               falseNegatives: [Int]) throws -> TrainedDetector {
        let normalClassCount = split.normalClasses.count
        let feedbackImages = stream.subset(falsePositives + falseNegatives)
        let feedbackLabels = falsePositives.map { _ in Int32(normalClassCount + Self.falsePositiveOffset) }
            + falseNegatives.map { _ in Int32(normalClassCount + Self.falseNegativeOffset) }
        let train = LabeledImages(pixels: split.train.pixels + feedbackImages.pixels,
                                  labels: split.train.labels + feedbackLabels, shape: split.train.shape)
        let normalCount = split.train.count, feedbackCount = feedbackLabels.count
        var labeled = Array(0..<normalCount)
        if feedbackCount > 0 {
            // Each feedback example repeated so that they make up about `feedbackShare` of the pool.
            let ratio = settings.feedbackShare / (1 - settings.feedbackShare) * Double(normalCount) / Double(feedbackCount)
            let repeats = max(1, Int(ratio.rounded()))
            for _ in 0..<repeats { labeled += normalCount..<(normalCount + feedbackCount) }
        }
        let streams = RunStreams(seed: cell.seed)
        var initialisation = streams.initialisation
        var model = DenseSemiSupervisedVAE(denseVariant: .semiSupervised, classCount: normalClassCount + 2,
                                           classWeight: parameters.settings.classWeight, generator: &initialisation)
        let history = try trainSemiSupervised(&model, data: ImageClassificationData(name: split.normalData.name, train: train, test: split.normalTest),
                                              exampleShape: [784], labeledIndices: labeled, everyPointLabeled: true,
                                              settings: parameters.settings, streams: streams)
        return TrainedDetector(model: model, normalAccuracy: history.last?.metrics["accuracy"])
    }

    /// Flags the `rate` share of highest scores (ties at the threshold all flagged).
    static func flagHighest(_ scores: [Float], rate: Double) -> [Bool] {
        guard !scores.isEmpty else { return [] }
        let count = max(1, Int((rate * Double(scores.count)).rounded()))
        let threshold = scores.sorted(by: >)[count - 1]
        return scores.map { $0 >= threshold }
    }

    /// softmax(π) of every image, `[n · classes]` row-major, in inference mode.
    static func classProbabilities(_ model: DenseSemiSupervisedVAE, pixels: [Float]) -> [Float] {
        let context = BatchedInference.context()
        return BatchedInference.map(pixels, exampleShape: [784]) { model.classProbabilities($0, in: context) }
    }
}
