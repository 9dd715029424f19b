import Datasets
import Experiments
import Foundation
import NeuralLayers
import Randomness
import TensorCore
import VAEModels

/// The hyperparameters fixed for the whole paper (deviations.md), recorded in every cell.
public enum PaperSettings {
    /// α of eq. 5: the number of input features, so that the classification term weighs like
    /// a per-pixel reconstruction loss, as the paper's section 4 rule asks (deviations.md).
    public static func classWeight(inputFeatures: Int) -> Float { Float(inputFeatures) }
    public static let learningRate: Float = 5e-4
    public static let rho: Float = 0.9
    public static let batchSize = 100
}

/// Expands a section into its cells and runs one.
public struct ClassificationCells {
    public let section: ClassificationSection
    public let plan: ProfilePlan

    public init(section: ClassificationSection, plan: ProfilePlan) {
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
        return cells
    }

    func configuration(table: ClassificationTable, setting: LabelSetting, model: ModelName,
                       seed: UInt64) -> CellConfiguration {
        var hyperparameters: [String: HyperparameterValue] = [
            "table": .number(Double(table.number)),
            "epochs": .number(Double(plan.epochs(for: model))),
            "batch_size": .number(Double(PaperSettings.batchSize)),
            "learning_rate": .number(Double(PaperSettings.learningRate)),
            "rmsprop_rho": .number(Double(PaperSettings.rho)),
            "class_weight": .number(Double(PaperSettings.classWeight(inputFeatures: 784))),
            "likelihood": .string("bernoulli"),
            "label_sampling": .string("class-balanced"),
            "test_images": .number(Double(plan.testImages(for: model) ?? 10_000)),
            "train_images": .number(Double(plan.trainImages(for: model) ?? 60_000)),
        ]
        if case .budget(let count) = setting { hyperparameters["label_budget"] = .number(Double(count)) }
        return CellConfiguration(section: section.name, dataset: table.dataset.rawValue, model: model.description,
                                 setting: setting.description, seed: seed, profile: plan.profile,
                                 hyperparameters: hyperparameters)
    }

    /// Trains and evaluates the cell's model; `data` is the full data set of the cell.
    public static func run(_ cell: CellConfiguration, data fullData: ImageClassificationData,
                           progress: CellProgress? = nil) throws -> CellResult {
        let model = try ModelName(parsing: cell.model)
        let trainImages = cell.hyperparameters["train_images"]?.intValue
        let testImages = cell.hyperparameters["test_images"]?.intValue
        let data = fullData.prefix(train: trainImages, test: testImages)
        guard let epochs = cell.hyperparameters["epochs"]?.intValue,
              let classWeight = cell.hyperparameters["class_weight"]?.doubleValue,
              let learningRate = cell.hyperparameters["learning_rate"]?.doubleValue,
              let rho = cell.hyperparameters["rmsprop_rho"]?.doubleValue,
              let batchSize = cell.hyperparameters["batch_size"]?.intValue else {
            throw StudyError.invalidArgument("cell \(cell.id) lacks one of epochs, class_weight, learning_rate, rmsprop_rho, batch_size")
        }
        let settings = TrainingSettings(epochs: epochs, batchSize: batchSize, learningRate: Float(learningRate),
                                        rho: Float(rho), classWeight: Float(classWeight))
        let streams = RunStreams(seed: cell.seed)
        var labelGenerator = streams.labels
        let labeled: [Int]
        if let budget = cell.hyperparameters["label_budget"]?.intValue {
            labeled = try Splits.labeledSubset(labels: data.train.labels, count: budget, balanced: true,
                                               generator: &labelGenerator)
        } else {
            labeled = Array(0..<data.train.count)
        }
        var initialisation = streams.initialisation
        let summaries: [EpochSummary]
        let report: (Int, EpochSummary) -> Void = { epoch, _ in progress?.epochFinished(epoch, of: epochs) }
        switch model.architecture {
        case .dense:
            var network = DenseSemiSupervisedVAE(denseVariant: model.variant, classCount: data.classCount,
                                                 classWeight: settings.classWeight, generator: &initialisation)
            summaries = try trainClassifier(&network, data: data, exampleShape: [784], labeledIndices: labeled,
                                            settings: settings, streams: streams, epochFinished: report)
        case .convolutional:
            var network = ConvolutionalSemiSupervisedVAE(convolutionalVariant: model.variant, classCount: data.classCount,
                                                         classWeight: settings.classWeight, generator: &initialisation)
            summaries = try trainClassifier(&network, data: data, exampleShape: [28, 28, 1], labeledIndices: labeled,
                                            settings: settings, streams: streams, epochFinished: report)
        }
        guard let last = summaries.last, let accuracy = last.testAccuracy, let logLoss = last.testLogLoss else {
            throw StudyError.invalidArgument("cell \(cell.id): model \(model) has no classifier to evaluate")
        }
        return CellResult(
            metrics: ["accuracy": accuracy, "log_loss": logLoss, "train_loss": last.trainLoss,
                      "labeled_points": Double(labeled.count)],
            history: ["accuracy": summaries.compactMap(\.testAccuracy), "log_loss": summaries.compactMap(\.testLogLoss),
                      "train_loss": summaries.map(\.trainLoss),
                      "train_reconstruction": summaries.map(\.trainReconstruction),
                      "train_kl": summaries.map(\.trainKL),
                      "train_classification": summaries.map(\.trainClassification)],
            epochs: summaries.count, seeds: streams.recorded)
    }
}
