import Datasets
import Experiments
import Foundation
import Metrics
import NeuralLayers
import Randomness
import SemiSupervisedStudy
import TensorCore
import VAEModels

/// The experiments of the section; each cell records its kind as `experiment`.
public enum AnomalyExperiment: String, Codable, CaseIterable, Sendable {
    /// Tables 5 and 9: one class held out, EU_D against SS_D with every normal label.
    case heldOutClass = "held-out-class"
    /// Table 6: SS_D with a fraction of the normal labels, 1:1 labeled/unlabeled batches.
    case labelFraction = "label-fraction"
    /// Section 5, not run in the paper: false-positive/false-negative feedback classes.
    case feedback = "feedback"
    /// Figures 2 and 3: SS_D on every class as a class-conditional generator.
    case generation = "generation"
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
                            var extra: [String: HyperparameterValue] = ["table": .number(Double(table))]
                            if model.variant == .semiSupervised { extra["label_fraction"] = .number(1) }
                            cells.append(configuration(.heldOutClass, dataset: dataset, model: model,
                                                       setting: Self.setting(anomalous: anomalous), anomalous: anomalous,
                                                       seed: seed, extra: extra))
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
                                                   anomalous: anomalous, seed: seed,
                                                   extra: ["table": .number(6), "label_fraction": .number(fraction)]))
                    }
                }
            }
        }
        if experiments.contains(.feedback) {
            for anomalous in plan.feedbackClasses {
                for seed in plan.feedbackSeeds {
                    let settings = FeedbackSettings.standard
                    cells.append(configuration(.feedback, dataset: .mnist, model: Self.ss,
                                               setting: "class \(anomalous), feedback", anomalous: anomalous, seed: seed,
                                               extra: settings.hyperparameters(amounts: plan.feedbackAmounts)))
                }
            }
        }
        if experiments.contains(.generation) {
            for (figure, dataset) in [(2, ImageDatasetName.mnist), (3, .fashionMNIST)] {
                cells.append(configuration(.generation, dataset: dataset, model: Self.ss, setting: "all classes, all labels",
                                           anomalous: nil, seed: plan.generationSeed,
                                           extra: ["figure": .number(Double(figure)),
                                                   "lattice_side": .number(Double(GenerationFigure.latticeSide))]))
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
                       anomalous: Int?, seed: UInt64, extra: [String: HyperparameterValue]) -> CellConfiguration {
        var hyperparameters: [String: HyperparameterValue] = [
            "experiment": .string(experiment.rawValue),
            "epochs": .number(Double(plan.epochs)),
            "batch_size": .number(Double(PaperSettings.batchSize)),
            "learning_rate": .number(Double(PaperSettings.learningRate)),
            "rmsprop_rho": .number(Double(PaperSettings.rho)),
            "class_weight": .number(Double(PaperSettings.classWeight(inputFeatures: 784))),
            "likelihood": .string("bernoulli"),
            "score": .string("negative log p(x | z = mu, pi)"),
            "label_sampling": .string("stratified"),
            "train_images": .number(Double(plan.trainImages ?? 60_000)),
            "test_images": .number(Double(plan.testImages ?? 10_000)),
        ]
        if let anomalous { hyperparameters["anomalous_class"] = .number(Double(anomalous)) }
        hyperparameters.merge(extra) { _, new in new }
        return CellConfiguration(section: Self.sectionName, dataset: dataset.rawValue, model: model.description,
                                 setting: setting, seed: seed, profile: plan.profile, hyperparameters: hyperparameters)
    }

    /// Runs one cell; `data` is the full data set of the cell's `dataset`, `figures` the
    /// folder the generation cells write their image grids into.
    public static func run(_ cell: CellConfiguration, data fullData: ImageClassificationData, figures: URL,
                           progress: CellProgress? = nil) throws -> CellResult {
        let parameters = try CellParameters(cell)
        let data = fullData.prefix(train: parameters.trainImages, test: parameters.testImages)
        switch parameters.experiment {
        case .heldOutClass, .labelFraction:
            return try runHeldOutClass(cell, parameters: parameters, data: data, progress: progress)
        case .feedback:
            return try FeedbackExperiment(cell: cell, parameters: parameters).run(data: data, progress: progress)
        case .generation:
            return try GenerationFigure(cell: cell, parameters: parameters).run(data: data, figures: figures, progress: progress)
        }
    }

    /// Tables 5, 6 and 9: train on the normal classes, score every test image.
    static func runHeldOutClass(_ cell: CellConfiguration, parameters: CellParameters, data: ImageClassificationData,
                                progress: CellProgress?) throws -> CellResult {
        guard let anomalous = parameters.anomalousClass else {
            throw StudyError.invalidArgument("cell \(cell.id) lacks anomalous_class")
        }
        let split = HeldOutClassData(holdingOut: anomalous, from: data)
        let streams = RunStreams(seed: cell.seed)
        let labeled: [Int]
        if parameters.model.variant == .unsupervisedVAE {
            labeled = []
        } else if parameters.labelFraction >= 1 {
            labeled = Array(0..<split.train.count)
        } else {
            var generator = streams.labels
            labeled = try Splits.stratifiedSubset(labels: split.train.labels, fraction: parameters.labelFraction,
                                                  generator: &generator)
        }
        var initialisation = streams.initialisation
        var model = DenseSemiSupervisedVAE(denseVariant: parameters.model.variant, classCount: split.normalClasses.count,
                                           classWeight: parameters.settings.classWeight, generator: &initialisation)
        let summaries = try trainClassifier(&model, data: split.normalData, exampleShape: [784], labeledIndices: labeled,
                                            settings: parameters.settings, streams: streams) { epoch, _ in
            progress?.epochFinished(epoch, of: parameters.settings.epochs)
        }
        var scoring = SeededGenerator(seed: cell.seed).derived("scoring")
        let evaluation = try AnomalyEvaluation(model: model, split: split, monteCarloSamples: monteCarloSamples,
                                               generator: &scoring)
        var metrics = evaluation.metrics
        metrics["train_loss"] = summaries.last?.trainLoss
        metrics["labeled_points"] = Double(labeled.count)
        metrics["normal_train_images"] = Double(split.train.count)
        if let accuracy = summaries.last?.testAccuracy { metrics["normal_test_accuracy"] = accuracy }
        var history = evaluation.history
        history["train_loss"] = summaries.map(\.trainLoss)
        history["train_reconstruction"] = summaries.map(\.trainReconstruction)
        history["train_kl"] = summaries.map(\.trainKL)
        if parameters.model.variant.hasClassifier {
            history["normal_test_accuracy"] = summaries.compactMap(\.testAccuracy)
        }
        var seeds = streams.recorded
        seeds["scoring"] = SeededGenerator(seed: cell.seed).derived("scoring").seed
        return CellResult(metrics: metrics, history: history, epochs: summaries.count, seeds: seeds)
    }
}

/// A cell's hyperparameters, read and checked once.
struct CellParameters {
    let experiment: AnomalyExperiment
    let model: ModelName
    let settings: TrainingSettings
    let anomalousClass: Int?
    let labelFraction: Double
    let trainImages: Int?
    let testImages: Int?
    let hyperparameters: [String: HyperparameterValue]

    init(_ cell: CellConfiguration) throws {
        let h = cell.hyperparameters
        guard let name = h["experiment"]?.stringValue, let experiment = AnomalyExperiment(rawValue: name) else {
            throw StudyError.invalidArgument("cell \(cell.id): unknown or missing experiment '\(h["experiment"]?.stringValue ?? "")'")
        }
        guard let epochs = h["epochs"]?.intValue, let classWeight = h["class_weight"]?.doubleValue,
              let learningRate = h["learning_rate"]?.doubleValue, let rho = h["rmsprop_rho"]?.doubleValue,
              let batchSize = h["batch_size"]?.intValue else {
            throw StudyError.invalidArgument("cell \(cell.id) lacks one of epochs, class_weight, learning_rate, rmsprop_rho, batch_size")
        }
        self.experiment = experiment
        model = try ModelName(parsing: cell.model)
        settings = TrainingSettings(epochs: epochs, batchSize: batchSize, learningRate: Float(learningRate),
                                    rho: Float(rho), classWeight: Float(classWeight))
        anomalousClass = h["anomalous_class"]?.intValue
        labelFraction = h["label_fraction"]?.doubleValue ?? 0
        guard (0...1).contains(labelFraction) else {
            throw StudyError.invalidArgument("cell \(cell.id): label_fraction \(labelFraction) is outside [0, 1]")
        }
        trainImages = h["train_images"]?.intValue
        testImages = h["test_images"]?.intValue
        hyperparameters = h
    }
}

/// 0.01 → "1%", 0.25 → "25%", 0.995 → "99.5%".
public func percentText(_ fraction: Double) -> String {
    let value = (fraction * 1000).rounded() / 10
    return value.rounded() == value ? "\(Int(value))%" : "\(value)%"
}
