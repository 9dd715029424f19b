import Datasets
import Experiments
import Foundation
import NeuralLayers
import Randomness
import StudyKit
import TensorCore
import VAEModels

/// The hyperparameters of one classification cell (their keys are hashed into the cell id).
public struct ClassificationCellParameters: PaperOneTrainingHyperparameters, Equatable {
    public var table: Int
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    public var rmspropRho: Double
    /// α of eq. 5.
    public var classWeight: Double
    public var likelihood: LikelihoodName
    public var labelSampling: LabelSampling
    /// The first N training and test images the cell uses.
    public var trainImages: Int
    public var testImages: Int
    /// Labels drawn per seed; nil: every training label.
    public var labelBudget: Int?

    enum CodingKeys: String, CodingKey {
        case table, epochs, likelihood
        case batchSize = "batch_size", learningRate = "learning_rate", rmspropRho = "rmsprop_rho",
             classWeight = "class_weight", labelSampling = "label_sampling", trainImages = "train_images",
             testImages = "test_images", labelBudget = "label_budget"
    }
}

/// Expands a section into its cells and runs one.
public struct ClassificationCells {
    public let section: ClassificationSection
    public let plan: ClassificationProfilePlan

    public init(section: ClassificationSection, plan: ClassificationProfilePlan) {
        self.section = section
        self.plan = plan
    }

    /// Every cell of the section for this profile, in table order.
    public func cells(models filter: Set<ModelName>? = nil) -> [CellConfiguration] {
        var cells: [CellConfiguration] = []
        for table in section.tables {
            for setting in table.settings {
                for model in table.models where filter?.contains(model) ?? true {
                    for seed in plan.seeds {
                        cells.append(configuration(table: table, setting: setting, model: model, seed: seed))
                    }
                }
            }
        }
        let activity = section.activityTable
        for setting in activity.settings {
            for model in ActivityTable.models where filter?.contains(model) ?? true {
                for seed in plan.seeds {
                    cells.append(activityConfiguration(table: activity, setting: setting, model: model, seed: seed))
                }
            }
        }
        return cells
    }

    /// A Table 10 cell: the recurrent model of Table 15 on UCI-HAR, RMSprop lr 0.001 (appendix
    /// A.3), α = 768 (the input features, 128 × 6, the paper-wide rule), windows for images.
    func activityConfiguration(table: ActivityTable, setting: LabelSetting, model: ModelName, seed: UInt64) -> CellConfiguration {
        var budget: Int?
        if case .budget(let count) = setting { budget = count }
        let parameters = ClassificationCellParameters(
            table: table.number, epochs: plan.epochs(for: model), batchSize: PaperOneSettings.batchSize,
            learningRate: Double(PaperOneSettings.recurrentLearningRate), rmspropRho: Double(PaperOneSettings.rho),
            classWeight: Double(PaperOneSettings.classWeight(inputFeatures: ActivityWindows.windowSize)),
            likelihood: .gaussianLearnedVariance, labelSampling: .classBalanced,
            trainImages: plan.trainImages(for: model) ?? ActivityTable.trainWindows,
            testImages: plan.testImages(for: model) ?? ActivityTable.testWindows, labelBudget: budget)
        return CellConfiguration(section: section.name, dataset: ActivityTable.dataset, model: model.description,
                                 setting: setting.description, seed: seed, profile: plan.profile,
                                 hyperparameters: parameters.dictionary)
    }

    /// Trains and evaluates a Table 10 cell on UCI-HAR (`data`: both splits, standardised).
    public static func runActivity(_ cell: CellConfiguration, data fullData: ActivityData,
                                   progress: CellProgress? = nil) throws -> CellResult {
        let model = try ModelName(parsing: cell.model)
        guard model.variant.hasClassifier, model.architecture == .recurrent else {
            throw StudyError.invalidArgument("cell \(cell.id): Table 10 compares SS_RNN and ES_RNN, not \(model)")
        }
        let parameters = try ClassificationCellParameters(decoding: cell)
        let data = fullData.prefix(train: parameters.trainImages, test: parameters.testImages)
        let settings = parameters.settings
        let streams = RunStreams(seed: cell.seed)
        var labelGenerator = streams.labels
        let labeled = try parameters.labelBudget.map {
            try Splits.labeledSubset(labels: data.train.labels, count: $0, balanced: true, generator: &labelGenerator)
        } ?? Array(0..<data.train.count)
        var initialisation = streams.initialisation
        var network = RecurrentSemiSupervisedVAE(recurrentVariant: model.variant, classCount: ActivityData.classCount,
                                                 classWeight: settings.classWeight, generator: &initialisation)
        let history = try trainSemiSupervised(&network, data: data, labeledIndices: labeled, settings: settings,
                                              streams: streams) { log in progress?.epochFinished(log.epoch, of: settings.epochs) }
        guard let last = history.last, let accuracy = last.metrics["accuracy"], let logLoss = last.metrics["log_loss"] else {
            throw StudyError.invalidArgument("cell \(cell.id): model \(model) gave no test accuracy")
        }
        return CellResult(
            metrics: ["accuracy": accuracy, "log_loss": logLoss, "train_loss": last.trainLoss,
                      "labeled_points": Double(labeled.count)],
            history: ["accuracy": history.series("accuracy"), "log_loss": history.series("log_loss"),
                      "train_loss": history.series("train_loss")],
            epochs: history.epochs.count, seeds: streams.recorded)
    }

    func configuration(table: ClassificationTable, setting: LabelSetting, model: ModelName,
                       seed: UInt64) -> CellConfiguration {
        var budget: Int?
        if case .budget(let count) = setting { budget = count }
        let parameters = ClassificationCellParameters(
            table: table.number, epochs: plan.epochs(for: model), batchSize: PaperOneSettings.batchSize,
            learningRate: Double(PaperOneSettings.learningRate), rmspropRho: Double(PaperOneSettings.rho),
            classWeight: Double(PaperOneSettings.classWeight(inputFeatures: 784)), likelihood: .bernoulli,
            labelSampling: .classBalanced, trainImages: plan.trainImages(for: model) ?? 60_000,
            testImages: plan.testImages(for: model) ?? 10_000, labelBudget: budget)
        return CellConfiguration(section: section.name, dataset: table.dataset.rawValue, model: model.description,
                                 setting: setting.description, seed: seed, profile: plan.profile,
                                 hyperparameters: parameters.dictionary)
    }

    /// Trains and evaluates the cell's model; `data` is the full data set of the cell.
    public static func run(_ cell: CellConfiguration, data fullData: ImageClassificationData,
                           progress: CellProgress? = nil) throws -> CellResult {
        let model = try ModelName(parsing: cell.model)
        guard model.variant.hasClassifier else {
            throw StudyError.invalidArgument("cell \(cell.id): model \(model) has no classifier; the classification tables compare SS and ES")
        }
        let parameters = try ClassificationCellParameters(decoding: cell)
        let data = fullData.prefix(train: parameters.trainImages, test: parameters.testImages)
        let settings = parameters.settings
        let streams = RunStreams(seed: cell.seed)
        var labelGenerator = streams.labels
        let labeled: [Int]
        if let budget = parameters.labelBudget {
            switch parameters.labelSampling {
            case .classBalanced:
                labeled = try Splits.labeledSubset(labels: data.train.labels, count: budget, balanced: true,
                                                   generator: &labelGenerator)
            case .stratified:
                labeled = try Splits.stratifiedSubset(labels: data.train.labels,
                                                      fraction: Double(budget) / Double(data.train.count),
                                                      generator: &labelGenerator)
            }
        } else {
            labeled = Array(0..<data.train.count)
        }
        var initialisation = streams.initialisation
        let history: TrainingHistory
        let report: (EpochLog) -> Void = { log in progress?.epochFinished(log.epoch, of: settings.epochs) }
        switch model.architecture {
        case .dense:
            var network = DenseSemiSupervisedVAE(denseVariant: model.variant, classCount: data.classCount,
                                                 likelihood: parameters.likelihood.likelihood,
                                                 classWeight: settings.classWeight, generator: &initialisation)
            history = try trainSemiSupervised(&network, data: data, exampleShape: [784], labeledIndices: labeled,
                                              settings: settings, streams: streams, epochFinished: report)
        case .recurrent:
            throw StudyError.invalidArgument("cell \(cell.id): the recurrent model reads UCI-HAR windows (ClassificationCells.runActivity), not images")
        case .convolutional:
            var network = ConvolutionalSemiSupervisedVAE(convolutionalVariant: model.variant, classCount: data.classCount,
                                                         classWeight: settings.classWeight, generator: &initialisation)
            history = try trainSemiSupervised(&network, data: data, exampleShape: [28, 28, 1], labeledIndices: labeled,
                                              settings: settings, streams: streams, epochFinished: report)
        }
        guard let last = history.last, let accuracy = last.metrics["accuracy"], let logLoss = last.metrics["log_loss"] else {
            throw StudyError.invalidArgument("cell \(cell.id): model \(model) gave no test accuracy")
        }
        return CellResult(
            metrics: ["accuracy": accuracy, "log_loss": logLoss, "train_loss": last.trainLoss,
                      "labeled_points": Double(labeled.count)],
            history: ["accuracy": history.series("accuracy"), "log_loss": history.series("log_loss"),
                      "train_loss": history.series("train_loss"),
                      "train_reconstruction": history.series("train_reconstruction"),
                      "train_kl": history.series("train_kl"),
                      "train_classification": history.series("train_classification")],
            epochs: history.epochs.count, seeds: streams.recorded)
    }
}
