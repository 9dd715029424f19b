import Datasets
import Experiments
import Foundation
import Metrics
import NeuralLayers
import Randomness
import StudyKit
import TensorCore
import VAEModels

/// The experiments of the section; each cell records its kind as `experiment`.
public enum AnomalyExperiment: String, Codable, CaseIterable, Sendable, NamedChoice {
    /// Tables 5 and 9: one class held out, EU_D against SS_D with every normal label.
    case heldOutClass = "held-out-class"
    /// Table 6: SS_D with a fraction of the normal labels, 1:1 labeled/unlabeled batches.
    case labelFraction = "label-fraction"
    /// Section 5, not run in the paper: false-positive/false-negative feedback classes.
    case feedback = "feedback"
    /// Figures 2 and 3: SS_D on every class as a class-conditional generator.
    case generation = "generation"
    /// Table 11: UCI-HAR with "walking" held out, EU_RNN against SS_RNN.
    case activityHeldOut = "activity-held-out"

    public static let kind = "experiment"
}

/// Expands the section into cells and runs them.
public struct AnomalyCells {
    public static let sectionName = "semiunsupervised-auc"
    public static let eu = ModelName(.unsupervisedVAE, .dense)
    public static let ss = ModelName(.semiSupervised, .dense)
    /// Draws of z per image for the Monte-Carlo score recorded beside the section's score.
    static let monteCarloSamples = 10

    public let plan: AnomalyProfilePlan

    public init(plan: AnomalyProfilePlan) { self.plan = plan }

    /// Every cell for this profile: Table 5, Table 9, Table 6, the feedback curves, Figures 2 and 3.
    public func cells(experiments: Set<AnomalyExperiment> = Set(AnomalyExperiment.allCases)) -> [CellConfiguration] {
        var cells: [CellConfiguration] = []
        if experiments.contains(.heldOutClass) {
            for (table, dataset) in [(5, ImageDatasetName.mnist), (9, .fashionMNIST)] {
                for anomalous in plan.heldOutClasses {
                    for model in [Self.eu, Self.ss] {
                        for seed in plan.seeds(for: dataset) {
                            cells.append(configuration(.heldOutClass, dataset: dataset, model: model,
                                                       setting: Self.setting(anomalous: anomalous), anomalous: anomalous,
                                                       seed: seed) { parameters in
                                parameters.table = table
                                if model.variant == .semiSupervised { parameters.labelFraction = 1 }
                            })
                        }
                    }
                }
            }
        }
        if experiments.contains(.labelFraction) {
            for anomalous in plan.labelFractionClasses {
                for fraction in plan.labelFractions {
                    for seed in plan.seeds(for: .mnist) {
                        cells.append(configuration(.labelFraction, dataset: .mnist, model: Self.ss,
                                                   setting: Self.setting(anomalous: anomalous, fraction: fraction),
                                                   anomalous: anomalous, seed: seed) { parameters in
                            parameters.table = 6
                            parameters.labelFraction = fraction
                        })
                    }
                }
            }
        }
        if experiments.contains(.feedback) {
            for anomalous in plan.feedbackClasses {
                for seed in plan.feedbackSeeds {
                    let settings = FeedbackSettings.standard
                    cells.append(configuration(.feedback, dataset: .mnist, model: Self.ss,
                                               setting: "class \(anomalous), feedback", anomalous: anomalous, seed: seed) {
                        settings.record(amounts: plan.feedbackAmounts, in: &$0)
                    })
                }
            }
        }
        if experiments.contains(.activityHeldOut) {
            for model in ActivityHeldOut.models {
                for seed in plan.seeds(for: .fashionMNIST) {
                    var parameters = AnomalyCellParameters(
                        experiment: .activityHeldOut, epochs: plan.epochs, batchSize: PaperOneSettings.batchSize,
                        learningRate: Double(PaperOneSettings.recurrentLearningRate), rmspropRho: Double(PaperOneSettings.rho),
                        classWeight: Double(PaperOneSettings.classWeight(inputFeatures: ActivityWindows.windowSize)),
                        likelihood: .gaussianLearnedVariance, score: .negativeLogReconstructionAtMean, labelSampling: .stratified,
                        trainImages: plan.trainImages ?? ActivityHeldOut.trainWindows, testImages: plan.testImages ?? ActivityHeldOut.testWindows,
                        anomalousClass: ActivityHeldOut.anomalousClass)
                    parameters.table = 11
                    if model.variant == .semiSupervised { parameters.labelFraction = 1 }
                    cells.append(CellConfiguration(section: Self.sectionName, dataset: ActivityHeldOut.dataset, model: model.description,
                                                   setting: ActivityHeldOut.setting, seed: seed, profile: plan.profile,
                                                   hyperparameters: parameters.dictionary))
                }
            }
        }
        if experiments.contains(.generation) {
            for (figure, dataset) in [(2, ImageDatasetName.mnist), (3, .fashionMNIST)] {
                cells.append(configuration(.generation, dataset: dataset, model: Self.ss, setting: "all classes, all labels",
                                           anomalous: nil, seed: plan.generationSeed) { parameters in
                    parameters.figure = figure
                    parameters.latticeSide = GenerationFigure.latticeSide
                })
            }
        }
        return cells
    }

    /// "class 7" (Tables 5, 9) or "class 7, 10% labels" (Table 6), as in papers/semisupervised-vae/anomaly-tables.csv.
    public static func setting(anomalous: Int, fraction: Double? = nil) -> String {
        guard let fraction else { return "class \(anomalous)" }
        return "class \(anomalous), \(percentText(fraction)) labels"
    }

    func configuration(_ experiment: AnomalyExperiment, dataset: ImageDatasetName, model: ModelName, setting: String,
                       anomalous: Int?, seed: UInt64, extra: (inout AnomalyCellParameters) -> Void) -> CellConfiguration {
        var parameters = AnomalyCellParameters(
            experiment: experiment, epochs: plan.epochs, batchSize: PaperOneSettings.batchSize,
            learningRate: Double(PaperOneSettings.learningRate), rmspropRho: Double(PaperOneSettings.rho),
            classWeight: Double(PaperOneSettings.classWeight(inputFeatures: 784)), likelihood: .bernoulli,
            score: .negativeLogReconstructionAtMean, labelSampling: .stratified,
            trainImages: plan.trainImages ?? 60_000, testImages: plan.testImages ?? 10_000, anomalousClass: anomalous)
        extra(&parameters)
        return CellConfiguration(section: Self.sectionName, dataset: dataset.rawValue, model: model.description,
                                 setting: setting, seed: seed, profile: plan.profile, hyperparameters: parameters.dictionary)
    }

    /// Runs one cell; `data` is the full data set of the cell's `dataset`.
    public static func run(_ cell: CellConfiguration, data fullData: ImageClassificationData,
                           progress: CellProgress? = nil) throws -> CellResult {
        let parameters = try AnomalyCellParameters(decoding: cell)
        let data = fullData.prefix(train: parameters.trainImages, test: parameters.testImages)
        switch parameters.experiment {
        case .heldOutClass, .labelFraction:
            return try runHeldOutClass(cell, parameters: parameters, data: data, progress: progress)
        case .feedback:
            return try FeedbackExperiment(cell: cell, parameters: parameters).run(data: data, progress: progress)
        case .generation:
            return try GenerationFigure(cell: cell, parameters: parameters).run(data: data, progress: progress)
        case .activityHeldOut:
            throw StudyError.invalidArgument("cell \(cell.id): Table 11 reads UCI-HAR windows (AnomalyCells.runActivity), not images")
        }
    }

    /// Table 11: train the recurrent model on the five normal activities, score every test window.
    public static func runActivity(_ cell: CellConfiguration, data fullData: ActivityData,
                                   progress: CellProgress? = nil) throws -> CellResult {
        let parameters = try AnomalyCellParameters(decoding: cell)
        let model = try ModelName(parsing: cell.model)
        guard parameters.experiment == .activityHeldOut, model.architecture == .recurrent, let anomalous = parameters.anomalousClass else {
            throw StudyError.invalidArgument("cell \(cell.id) is not a Table 11 cell (recurrent model, anomalous class)")
        }
        let data = fullData.prefix(train: parameters.trainImages, test: parameters.testImages)
        let split = ActivityHeldOut(holdingOut: anomalous, from: data)
        let streams = RunStreams(seed: cell.seed)
        let labeled = model.variant == .unsupervisedVAE ? [] : Array(0..<split.normal.train.count)
        var initialisation = streams.initialisation
        var network = RecurrentSemiSupervisedVAE(recurrentVariant: model.variant, classCount: ActivityData.classCount - 1,
                                                 classWeight: parameters.settings.classWeight, generator: &initialisation)
        let trained = try trainSemiSupervised(&network, data: split.normal, labeledIndices: labeled,
                                              settings: parameters.settings, streams: streams) { log in
            progress?.epochFinished(log.epoch, of: parameters.settings.epochs)
        }
        let scores = try AnomalyScore.negativeLogReconstruction(model: network, images: data.test.signals,
                                                                exampleShape: ActivityWindows.windowShape)
        let roc = try AnomalyEvaluation.checkedROC(scores, split.testIsAnomalous, name: "−log p(x | z = μ)")
        var metrics: [String: Double] = [
            "auc": roc.area, "fpr_at_recall_90": try roc.falsePositiveRate(atRecall: AnomalyEvaluation.recall),
            "anomalous_test_windows": Double(roc.positiveCount), "normal_test_windows": Double(roc.negativeCount),
            "labeled_points": Double(labeled.count), "normal_train_windows": Double(split.normal.train.count),
        ]
        metrics["train_loss"] = trained.last?.trainLoss
        if let accuracy = trained.last?.metrics["accuracy"] { metrics["normal_test_accuracy"] = accuracy }
        return CellResult(metrics: metrics,
                          history: ["train_loss": trained.series("train_loss"), "train_reconstruction": trained.series("train_reconstruction")],
                          epochs: trained.epochs.count, seeds: streams.recorded)
    }

    /// Tables 5, 6 and 9: train on the normal classes, score every test image.
    static func runHeldOutClass(_ cell: CellConfiguration, parameters: AnomalyCellParameters, data: ImageClassificationData,
                                progress: CellProgress?) throws -> CellResult {
        guard let anomalous = parameters.anomalousClass else {
            throw StudyError.invalidArgument("cell \(cell.id) lacks anomalous_class")
        }
        let split = HeldOutClassData(holdingOut: anomalous, from: data)
        let streams = RunStreams(seed: cell.seed)
        let labeled: [Int]
        let model = try ModelName(parsing: cell.model)
        if model.variant == .unsupervisedVAE {
            labeled = []
        } else if (parameters.labelFraction ?? 0) >= 1 {
            labeled = Array(0..<split.train.count)
        } else {
            var generator = streams.labels
            labeled = try Splits.stratifiedSubset(labels: split.train.labels, fraction: parameters.labelFraction ?? 0,
                                                  generator: &generator)
        }
        var initialisation = streams.initialisation
        var network = DenseSemiSupervisedVAE(denseVariant: model.variant, classCount: split.normalClasses.count,
                                             likelihood: parameters.likelihood.likelihood,
                                             classWeight: parameters.settings.classWeight, generator: &initialisation)
        let trained = try trainSemiSupervised(&network, data: split.normalData, exampleShape: [784], labeledIndices: labeled,
                                              settings: parameters.settings, streams: streams) { log in
            progress?.epochFinished(log.epoch, of: parameters.settings.epochs)
        }
        var scoring = streams.stream("scoring")
        let evaluation = try AnomalyEvaluation(model: network, split: split, monteCarloSamples: monteCarloSamples,
                                               generator: &scoring)
        var metrics = evaluation.metrics
        metrics["train_loss"] = trained.last?.trainLoss
        metrics["labeled_points"] = Double(labeled.count)
        metrics["normal_train_images"] = Double(split.train.count)
        if let accuracy = trained.last?.metrics["accuracy"] { metrics["normal_test_accuracy"] = accuracy }
        var history = evaluation.history
        history["train_loss"] = trained.series("train_loss")
        history["train_reconstruction"] = trained.series("train_reconstruction")
        history["train_kl"] = trained.series("train_kl")
        if model.variant.hasClassifier {
            history["normal_test_accuracy"] = trained.series("accuracy")
        }
        var seeds = streams.recorded
        seeds["scoring"] = streams.stream("scoring").seed
        return CellResult(metrics: metrics, history: history, epochs: trained.epochs.count, seeds: seeds)
    }
}

/// The anomaly score a cell records (hashed, and read back when the cell runs).
public enum AnomalyScoreName: String, Codable, Sendable {
    /// −log p(x | z = μ(x), π(x)) (`AnomalyScore.negativeLogReconstruction`).
    case negativeLogReconstructionAtMean = "negative log p(x | z = mu, pi)"
}

/// A cell's hyperparameters (their keys are hashed into the cell id), read and checked once.
/// The keys after `anomalousClass` belong to one experiment each.
public struct AnomalyCellParameters: PaperOneTrainingHyperparameters, Equatable {
    public var experiment: AnomalyExperiment
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    public var rmspropRho: Double
    public var classWeight: Double
    public var likelihood: LikelihoodName
    public var score: AnomalyScoreName
    public var labelSampling: LabelSampling
    public var trainImages: Int
    public var testImages: Int
    public var anomalousClass: Int?
    /// The paper's table (5, 6, 9) of a held-out-class or label-fraction cell.
    public var table: Int?
    /// The share of the normal training labels SS uses (1: every label).
    public var labelFraction: Double?
    /// Feedback cells (`FeedbackSettings`).
    public var streamFraction: Double?
    public var alarmRate: Double?
    public var feedbackShare: Double?
    public var feedbackAmounts: [Int]?
    /// Generation cells: the figure number and the lattice side.
    public var figure: Int?
    public var latticeSide: Int?

    enum CodingKeys: String, CodingKey {
        case experiment, epochs, likelihood, score, table, figure
        case batchSize = "batch_size", learningRate = "learning_rate", rmspropRho = "rmsprop_rho",
             classWeight = "class_weight", labelSampling = "label_sampling", trainImages = "train_images",
             testImages = "test_images", anomalousClass = "anomalous_class", labelFraction = "label_fraction",
             streamFraction = "stream_fraction", alarmRate = "alarm_rate", feedbackShare = "feedback_share",
             feedbackAmounts = "feedback_amounts", latticeSide = "lattice_side"
    }

    init(experiment: AnomalyExperiment, epochs: Int, batchSize: Int, learningRate: Double, rmspropRho: Double,
         classWeight: Double, likelihood: LikelihoodName, score: AnomalyScoreName, labelSampling: LabelSampling,
         trainImages: Int, testImages: Int, anomalousClass: Int?) {
        self.experiment = experiment
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.rmspropRho = rmspropRho
        self.classWeight = classWeight
        self.likelihood = likelihood
        self.score = score
        self.labelSampling = labelSampling
        self.trainImages = trainImages
        self.testImages = testImages
        self.anomalousClass = anomalousClass
    }

    public func validate(in cell: CellConfiguration) throws {
        if let fraction = labelFraction, !(0...1).contains(fraction) {
            throw StudyError.invalidArgument("cell \(cell.id): label_fraction \(fraction) is outside [0, 1]")
        }
    }
}

/// 0.01 → "1%", 0.25 → "25%", 0.995 → "99.5%".
public func percentText(_ fraction: Double) -> String {
    let value = (fraction * 1000).rounded() / 10
    return value.rounded() == value ? "\(Int(value))%" : "\(value)%"
}
