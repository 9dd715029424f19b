import Datasets
import Experiments
import Foundation
import StudyKit

/// The experiments of the section; each cell records its kind as `experiment`.
public enum VABCExperiment: String, Codable, CaseIterable, Sendable, NamedChoice {
    /// Table I: the fold counts of every data set, drawn as the cells draw them (seed 1).
    case folds = "folds"
    /// Figures 3, 4, 5: Moons1 and Moons2, VAE against V-ABC.
    case moons = "moons"
    /// Beyond the paper: V-ABC on the moons without the γ and KL annealing.
    case moonsWithoutAnnealing = "moons-without-annealing"
    /// Figures 2, 6, 7, 8, 9 left: MNIST, every negative digit and unwanted proportion.
    case mnist = "mnist"
    /// Figure 9 right: V-ABC on digit 8, p = 0.2 for other final γ.
    case gammaSweep = "gamma-sweep"

    public static let kind = "experiment"
}

/// The two models of every comparison.
public enum VABCModelName: String, Codable, CaseIterable, Sendable {
    case vae = "VAE"
    case vabc = "V-ABC"
}

/// Expands the section into cells and runs them.
public struct VABCCells {
    public static let sectionName = "vabc-negative-generation"
    public static let paperName = "vabc"
    /// The figures' MNIST fold (vabc Figures 2, 6, 7, 8): digit 8 unwanted, p = 0.2.
    public static let figureDigit = 8
    public static let figureProportion = 0.2

    public let plan: VABCProfilePlan

    public init(plan: VABCProfilePlan) { self.plan = plan }

    public func cells(experiments: Set<VABCExperiment> = Set(VABCExperiment.allCases)) -> [CellConfiguration] {
        var cells: [CellConfiguration] = [foldsCell()]
        if experiments.contains(.moons) {
            for p in [1.0, 0.8] {
                for model in VABCModelName.allCases {
                    for seed in plan.moonsSeeds {
                        cells.append(moonsCell(.moons, p: p, model: model, seed: seed, annealed: true))
                    }
                }
            }
        }
        if experiments.contains(.moonsWithoutAnnealing) {
            for p in [1.0, 0.8] {
                for seed in plan.moonsSeeds {
                    cells.append(moonsCell(.moonsWithoutAnnealing, p: p, model: .vabc, seed: seed, annealed: false))
                }
            }
        }
        if experiments.contains(.mnist) {
            for digit in plan.negativeDigits {
                for p in plan.unwantedProportions {
                    for model in VABCModelName.allCases {
                        for seed in plan.mnistSeeds {
                            cells.append(mnistCell(.mnist, digit: digit, p: p, model: model, gamma: 0.05, seed: seed))
                        }
                    }
                }
            }
        }
        if experiments.contains(.gammaSweep) {
            for gamma in plan.sweptGammas {
                for seed in plan.mnistSeeds {
                    cells.append(mnistCell(.gammaSweep, digit: Self.figureDigit, p: Self.figureProportion, model: .vabc,
                                           gamma: gamma, seed: seed))
                }
            }
        }
        return cells
    }

    /// Table I counts every fold on the full data (MNIST's 60,000 training images, 10,000 moons
    /// points), whatever subset a profile trains on.
    func foldsCell() -> CellConfiguration {
        var parameters = VABCCellParameters(experiment: .folds, settings: .mnist(), epochs: 1, unwantedProportion: 1, samples: 1)
        parameters.moonsPoints = 10_000
        parameters.moonsNoise = Double(TwoMoons.defaultNoise)
        return CellConfiguration(section: Self.sectionName, dataset: "Moons, MNIST", model: "folds", setting: "Table I",
                                 seed: 1, profile: plan.profile, hyperparameters: parameters.dictionary)
    }

    /// "Moons1" (p = 1) or "Moons2" (p = 0.8), Table I's names.
    public static func moonsName(p: Double) -> String { p == 1 ? "Moons1" : "Moons2" }

    /// "digit 8, p 0.2", the setting of papers/vabc/*.csv.
    public static func mnistSetting(digit: Int, p: Double) -> String { "digit \(digit), p \(p)" }

    func moonsCell(_ experiment: VABCExperiment, p: Double, model: VABCModelName, seed: UInt64,
                   annealed: Bool) -> CellConfiguration {
        let settings = VABCDatasetSettings.moons(annealed: annealed)
        var parameters = VABCCellParameters(experiment: experiment, settings: settings, epochs: 30, unwantedProportion: p,
                                            samples: plan.moonsSamples)
        parameters.moonsPoints = 10_000
        parameters.moonsNoise = Double(TwoMoons.defaultNoise)
        return CellConfiguration(section: Self.sectionName, dataset: Self.moonsName(p: p), model: model.rawValue,
                                 setting: "p \(p)" + (annealed ? "" : ", no annealing"), seed: seed,
                                 profile: plan.profile, hyperparameters: parameters.dictionary)
    }

    func mnistCell(_ experiment: VABCExperiment, digit: Int, p: Double, model: VABCModelName, gamma: Float,
                   seed: UInt64) -> CellConfiguration {
        var parameters = VABCCellParameters(experiment: experiment, settings: .mnist(gammaFinal: gamma),
                                            epochs: plan.mnistMaxEpochs, unwantedProportion: p, samples: plan.mnistSamples)
        parameters.negativeDigit = digit
        parameters.trainImages = plan.trainImages
        parameters.validationShare = VABCProfilePlan.validationShare
        parameters.patience = plan.patience
        parameters.judgeSeed = plan.judgeSeed
        parameters.judgeEpochs = plan.judgeEpochs
        parameters.judgeArchitecture = DigitJudge.architecture
        parameters.judgeTrainImages = plan.judgeTrainImages
        parameters.figureArrays = digit == Self.figureDigit && p == Self.figureProportion && seed == plan.mnistSeeds[0]
            && experiment == .mnist
        let setting = Self.mnistSetting(digit: digit, p: p) + (experiment == .gammaSweep ? ", gamma \(gamma)" : "")
        return CellConfiguration(section: Self.sectionName, dataset: "MNIST", model: model.rawValue, setting: setting,
                                 seed: seed, profile: plan.profile, hyperparameters: parameters.dictionary)
    }

    /// Runs one cell; MNIST cells read the data set and the judge from `context`.
    public static func run(_ cell: CellConfiguration, context: SectionContext, progress: CellProgress?) throws -> CellResult {
        let parameters = try VABCCellParameters(decoding: cell)
        guard let model = VABCModelName(rawValue: cell.model) ?? (parameters.experiment == .folds ? .vae : nil) else {
            throw StudyError.invalidArgument("cell \(cell.id): unknown model '\(cell.model)' (known: VAE, V-ABC)")
        }
        switch parameters.experiment {
        case .folds:
            return try FoldCounts.run(cell, parameters: parameters, mnist: try context.data(.mnist))
        case .moons, .moonsWithoutAnnealing:
            return try MoonsExperiment(cell: cell, parameters: parameters, model: model).run(progress: progress)
        case .mnist, .gammaSweep:
            if let architecture = parameters.judgeArchitecture, architecture != DigitJudge.architecture {
                throw StudyError.invalidArgument("cell \(cell.id) is judged by the CNN '\(architecture)', but this code builds '\(DigitJudge.architecture)': the cell belongs to another version of the section")
            }
            let data = try context.data(.mnist)
            let judge = try JudgeCache.shared.judge(seed: parameters.judgeSeed ?? 1, epochs: parameters.judgeEpochs ?? 2,
                                                    data: data.prefix(train: parameters.judgeTrainImages, test: nil))
            return try DigitsExperiment(cell: cell, parameters: parameters, model: model)
                .run(data: data, judge: judge, progress: progress)
        }
    }
}

/// A cell's hyperparameters (their keys are hashed into the cell id), read and checked once.
/// γ values are on the squared error (`VABCDatasetSettings`).
public struct VABCCellParameters: CellHyperparameters, Equatable {
    public var experiment: VABCExperiment
    public var epochs: Int
    public var annealingEpochs: Int
    public var annealed: Bool
    public var batchSize: Int
    public var learningRate: Double
    public var paperVariance: Double
    public var effectiveVariance: Double
    public var gammaStart: Double
    public var gammaFinal: Double
    public var unwantedProportion: Double
    /// N prior samples decoded for the metrics.
    public var samples: Int
    public var moonsPoints: Int?
    public var moonsNoise: Double?
    public var negativeDigit: Int?
    /// The first N MNIST training images (nil: all 60,000) before the folds are drawn.
    public var trainImages: Int?
    /// The share of each fold held out to validate (early stopping).
    public var validationShare: Double?
    public var patience: Int?
    public var judgeSeed: UInt64?
    public var judgeEpochs: Int?
    /// `DigitJudge.architecture`: a changed judge makes new cells.
    public var judgeArchitecture: String?
    /// The judge's training images (nil: all 60,000).
    public var judgeTrainImages: Int?
    /// Whether the cell stores the arrays of Figures 6, 7 and 8.
    public var figureArrays: Bool?

    enum CodingKeys: String, CodingKey {
        case experiment, epochs, annealed, samples, patience
        case annealingEpochs = "annealing_epochs", batchSize = "batch_size", learningRate = "learning_rate",
             paperVariance = "paper_sigma2", effectiveVariance = "effective_sigma2", gammaStart = "gamma_start",
             gammaFinal = "gamma_final", unwantedProportion = "unwanted_proportion", moonsPoints = "moons_points",
             moonsNoise = "moons_noise", negativeDigit = "negative_digit", trainImages = "train_images",
             validationShare = "validation_share", judgeSeed = "judge_seed", judgeEpochs = "judge_epochs",
             judgeArchitecture = "judge_architecture", judgeTrainImages = "judge_train_images",
             figureArrays = "figure_arrays"
    }

    init(experiment: VABCExperiment, settings: VABCDatasetSettings, epochs: Int, unwantedProportion: Double, samples: Int) {
        self.experiment = experiment
        self.epochs = epochs
        annealingEpochs = settings.annealingEpochs
        annealed = settings.annealed
        batchSize = 80
        learningRate = 1e-3
        paperVariance = Double(settings.paperVariance)
        effectiveVariance = Double(settings.effectiveVariance)
        gammaStart = Double(settings.gammaStart)
        gammaFinal = Double(settings.gammaFinal)
        self.unwantedProportion = unwantedProportion
        self.samples = samples
    }

    /// The network and schedule settings this cell trains with.
    public var settings: VABCDatasetSettings {
        var settings = negativeDigit == nil ? VABCDatasetSettings.moons(annealed: annealed)
                                            : VABCDatasetSettings.mnist(gammaFinal: Float(gammaFinal))
        settings.gammaStart = Float(gammaStart)
        settings.gammaFinal = Float(gammaFinal)
        settings.annealingEpochs = annealingEpochs
        settings.annealed = annealed
        return settings
    }

    public func validate(in cell: CellConfiguration) throws {
        guard (0...1).contains(unwantedProportion) else {
            throw StudyError.invalidArgument("cell \(cell.id): unwanted_proportion \(unwantedProportion) is outside [0, 1]")
        }
        guard epochs >= 1, batchSize >= 2, batchSize % 2 == 0, samples >= 1, gammaFinal > 0, gammaStart > 0 else {
            throw StudyError.invalidArgument("cell \(cell.id): needs epochs ≥ 1, an even batch size, samples ≥ 1 and positive γ")
        }
        if let digit = negativeDigit, !(0...9).contains(digit) {
            throw StudyError.invalidArgument("cell \(cell.id): negative_digit \(digit) is not a digit")
        }
    }
}

/// The judge of each seed, trained or read once per process.
final class JudgeCache {
    static let shared = JudgeCache()
    private var judges: [String: TrainedJudge] = [:]

    func judge(seed: UInt64, epochs: Int, data: ImageClassificationData) throws -> TrainedJudge {
        let key = "\(seed)-\(epochs)-\(data.train.count)"
        if let judge = judges[key] { return judge }
        let folder = try RepositoryRoot.locate().appendingPathComponent(".cache/vabc-judge")
        let judge = try TrainedJudge.load(seed: seed, epochs: epochs, data: data, cacheFolder: folder)
        judges[key] = judge
        return judge
    }
}
