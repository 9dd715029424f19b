import Datasets
import Experiments
import Foundation
import Metrics
import NeuralLayers
import Randomness
import StudyKit
import TensorCore
import VAEModels

/// A cell's hyperparameters (their keys are hashed into the cell id), read and checked once.
public struct DisentanglementCellParameters: CellHyperparameters, Equatable {
    public var table: Int
    /// "Table 16" (96×96×2) or "Table 16, 64x64x1" (the dSprites adaptation).
    public var architecture: String
    public var imageSize: Int
    public var imageChannels: Int
    public var latentSize: Int
    public var epochs: Int
    public var stepsPerEpoch: Int
    public var batchSize: Int
    /// Batches the batch-norm population statistics are measured on after each epoch.
    public var statisticsBatches: Int
    public var learningRate: Double
    public var rmspropRho: Double
    /// β_norm.
    public var klWeight: Double
    /// α; nil for the unsupervised row, whose model has no π heads.
    public var classWeight: Double?
    public var likelihood: LikelihoodName
    /// Points drawn (distinct factor combinations) for the unlabelled pool.
    public var poolSize: Int
    public var labeledPoints: Int
    /// Whether the pool is trained on (false: the labelled points alone).
    public var unlabeledPool: Bool
    /// Pairs per βVAE point.
    public var scoreBatch: Int
    /// [training, evaluation] points of each score protocol.
    public var scorePointsPaper: [Int]
    public var scorePointsDisentanglementLib: [Int]

    enum CodingKeys: String, CodingKey {
        case table, architecture, epochs, likelihood
        case imageSize = "image_size", imageChannels = "image_channels", latentSize = "latent_size",
             stepsPerEpoch = "steps_per_epoch", batchSize = "batch_size", statisticsBatches = "statistics_batches", learningRate = "learning_rate",
             rmspropRho = "rmsprop_rho", klWeight = "kl_weight", classWeight = "class_weight", poolSize = "pool_size",
             labeledPoints = "labeled_points", unlabeledPool = "unlabeled_pool", scoreBatch = "score_batch",
             scorePointsPaper = "score_points_paper", scorePointsDisentanglementLib = "score_points_disentanglement_lib"
    }

    public func validate(in cell: CellConfiguration) throws {
        guard labeledPoints >= 0, labeledPoints <= poolSize, labeledPoints > 0 || unlabeledPool else {
            throw StudyError.invalidArgument("cell \(cell.id): \(labeledPoints) labeled points with a pool of \(poolSize) (unlabeled pool \(unlabeledPool)) is not a row of Table 12")
        }
        guard (labeledPoints == 0) == (classWeight == nil) else {
            throw StudyError.invalidArgument("cell \(cell.id): class_weight must be given exactly when points are labeled")
        }
        guard scorePointsPaper.count == 2, scorePointsDisentanglementLib.count == 2,
              (scorePointsPaper + scorePointsDisentanglementLib).allSatisfy({ $0 > 0 }) else {
            throw StudyError.invalidArgument("cell \(cell.id): score points must be [training, evaluation] counts above 0")
        }
    }

    /// The score protocols of the cell (βVAE presets at the cell's point counts).
    public var protocols: [BetaVAEProtocol] {
        [BetaVAEProtocol(name: BetaVAEProtocol.paper.name, batchSize: scoreBatch,
                         trainingPoints: scorePointsPaper[0], evaluationPoints: scorePointsPaper[1]),
         BetaVAEProtocol(name: BetaVAEProtocol.disentanglementLib.name, batchSize: scoreBatch,
                         trainingPoints: scorePointsDisentanglementLib[0], evaluationPoints: scorePointsDisentanglementLib[1])]
    }
}

/// Expands the section into cells and runs one.
public struct DisentanglementCells {
    public static let sectionName = "betavae-smallnorb"
    /// The one model of Table 12: the semi-supervised VAE of Table 16 with a π head per factor.
    public static let model = "SS_CNN16"
    /// Seed-1 runs of these rows keep reconstructions and traversals for the report's figures.
    public static let figureRows: Set<Int> = [0, 3000, 100]

    public let plan: DisentanglementProfilePlan

    public init(plan: DisentanglementProfilePlan) { self.plan = plan }

    /// Every cell for this profile: data sets, then Table 12's rows, then seeds.
    public func cells(datasets: [FactorDataName]? = nil) -> [CellConfiguration] {
        var cells: [CellConfiguration] = []
        for dataset in datasets ?? plan.datasets where plan.datasets.contains(dataset) {
            for row in plan.rows {
                for seed in plan.seeds {
                    cells.append(configuration(dataset: dataset, row: row, seed: seed))
                }
            }
        }
        return cells
    }

    func configuration(dataset: FactorDataName, row: LabelRow, seed: UInt64) -> CellConfiguration {
        let (size, channels) = dataset.imageShape
        let scores = plan.scoreProtocols
        let parameters = DisentanglementCellParameters(
            table: 12, architecture: dataset == .smallNORB ? "Table 16" : "Table 16, \(size)x\(size)x\(channels)",
            imageSize: size, imageChannels: channels, latentSize: 32, epochs: plan.epochs,
            stepsPerEpoch: plan.stepsPerEpoch, batchSize: DisentanglementSettings.batchSize,
            statisticsBatches: plan.statisticsBatches,
            learningRate: DisentanglementSettings.learningRate, rmspropRho: DisentanglementSettings.rho,
            klWeight: DisentanglementSettings.klWeight,
            classWeight: row.labeled == 0 ? nil : DisentanglementSettings.classWeight(for: dataset),
            likelihood: .bernoulli, poolSize: plan.poolSize, labeledPoints: row.labeled,
            unlabeledPool: row.withUnlabeledPool, scoreBatch: DisentanglementSettings.scoreBatch,
            scorePointsPaper: [scores[0].trainingPoints, scores[0].evaluationPoints],
            scorePointsDisentanglementLib: [scores[1].trainingPoints, scores[1].evaluationPoints])
        return CellConfiguration(section: Self.sectionName, dataset: dataset.rawValue, model: Self.model,
                                 setting: row.description, seed: seed, profile: plan.profile,
                                 hyperparameters: parameters.dictionary)
    }

    /// Trains the cell's model on `dataset` and scores its latent means.
    public static func run<Dataset: FactorDataset>(_ cell: CellConfiguration, dataset: Dataset,
                                                    progress: CellProgress? = nil) throws -> CellResult {
        let parameters = try DisentanglementCellParameters(decoding: cell)
        guard dataset.observationShape == [parameters.imageSize, parameters.imageSize, parameters.imageChannels] else {
            throw StudyError.invalidArgument("cell \(cell.id): the data set's observations have shape \(dataset.observationShape), the cell's model reads [\(parameters.imageSize), \(parameters.imageSize), \(parameters.imageChannels)]")
        }
        let streams = RunStreams(seed: cell.seed)
        var poolStream = streams.stream("pool")
        let drawn = try distinctFactorVectors(dataset, count: parameters.poolSize, generator: &poolStream)
        // The labelled points are the first of the (randomly ordered) pool; the supervised-only
        // row trains on them alone.
        let pool = parameters.unlabeledPool ? drawn : Array(drawn.prefix(parameters.labeledPoints))
        let labeled = Array(0..<parameters.labeledPoints)
        let headFactors = labeled.isEmpty ? [] : dataset.latentFactorIndices
        var initialisation = streams.initialisation
        var model = FactorConvolutionalVAE(
            factorHeads: headFactors.map { (dataset.factorNames[$0], dataset.factorSizes[$0]) },
            imageSize: parameters.imageSize, imageChannels: parameters.imageChannels, latentSize: parameters.latentSize,
            klWeight: Float(parameters.klWeight), classWeight: Float(parameters.classWeight ?? 0), generator: &initialisation)
        var batches = FactorBatches(
            plan: BatchPlan(variant: labeled.isEmpty ? .unsupervisedVAE : .semiSupervised, labeledIndices: labeled,
                            trainCount: pool.count, batchSize: parameters.batchSize, generator: streams.batches),
            dataset: dataset, pool: pool, headFactors: headFactors, stepsPerEpoch: parameters.stepsPerEpoch)
        var optimizer = RMSprop(for: model, learningRate: Float(parameters.learningRate), rho: Float(parameters.rmspropRho))
        var loop = TrainingLoop<FactorConvolutionalVAE>(
            epochs: parameters.epochs, context: ForwardContext(phase: .training, generator: SeededGeneratorBox(streams.noise)))
        loop.statisticsBatchCount = parameters.statisticsBatches
        loop.statisticsBatches = {
            AnyBatchSource(FactorBatches(
                plan: BatchPlan(variant: .unsupervisedVAE, labeledIndices: [], trainCount: pool.count,
                                batchSize: parameters.batchSize, generator: streams.statistics),
                dataset: dataset, pool: pool, headFactors: headFactors, stepsPerEpoch: 1))
        }
        let history = try loop.run(&model, optimizer: &optimizer, batches: &batches,
                                   epochFinished: { log in progress?.epochFinished(log.epoch, of: parameters.epochs) })
        guard let last = history.last else { throw StudyError.invalidArgument("cell \(cell.id) trained no epoch") }

        // The βVAE score on the latent means (not the π layer), both protocols from one draw.
        let inference = BatchedInference.context()
        let scores = try betaVAEScores(dataset: dataset, following: parameters.protocols,
                                       generator: streams.stream("betaVAE score")) { observations in
            model.encode(observations, in: inference).mean
        }
        var metrics: [String: Double] = [
            "train_loss": last.trainLoss, "train_reconstruction": last.trainReconstruction, "train_kl": last.trainKL,
            "train_classification": last.trainClassification, "labeled_points": Double(labeled.count),
            "training_points": Double(pool.count),
        ]
        for score in scores {
            metrics["betavae_\(score.protocolName)"] = score.evaluationAccuracy
            metrics["betavae_\(score.protocolName)_training_accuracy"] = score.trainingAccuracy
            for (factor, accuracy) in zip(score.latentFactorIndices, score.evaluationAccuracyByFactor) {
                metrics["betavae_\(score.protocolName)_factor_\(factor)"] = accuracy
            }
        }
        var seeds = streams.recorded
        seeds["pool"] = streams.stream("pool").seed
        seeds["betaVAE score"] = streams.stream("betaVAE score").seed
        var arrays: [String: RunArray] = [:]
        if cell.seed == 1 && figureRows.contains(parameters.labeledPoints) && parameters.unlabeledPool {
            var figureStream = streams.stream("figures")
            arrays = ModelFigures.arrays(model: model, dataset: dataset, generator: &figureStream)
            seeds["figures"] = streams.stream("figures").seed
        }
        return CellResult(
            metrics: metrics,
            history: ["train_loss": history.series("train_loss"), "train_reconstruction": history.series("train_reconstruction"),
                      "train_kl": history.series("train_kl"), "train_classification": history.series("train_classification")],
            epochs: history.epochs.count, seeds: seeds, arrays: arrays)
    }

    /// `count` distinct factor vectors in random order (a partial shuffle of every combination).
    static func distinctFactorVectors<Dataset: FactorDataset>(_ dataset: Dataset, count: Int,
                                                              generator: inout SeededGenerator) throws -> [[Int]] {
        let total = dataset.combinationCount
        guard count <= total else {
            throw StudyError.invalidArgument("a pool of \(count) points asks for more than the \(total) factor combinations of the data set")
        }
        var indices = Array(0..<total)
        for i in 0..<count {
            let j = i + generator.uniformInt(below: total - i)
            indices.swapAt(i, j)
        }
        return indices.prefix(count).map { index in
            var rest = index
            var factors = [Int](repeating: 0, count: dataset.factorSizes.count)
            for k in dataset.factorSizes.indices.reversed() {
                factors[k] = rest % dataset.factorSizes[k]
                rest /= dataset.factorSizes[k]
            }
            return factors
        }
    }
}
