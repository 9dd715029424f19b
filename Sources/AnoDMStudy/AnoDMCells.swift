import Datasets
import Embedding
import Experiments
import Foundation
import Metrics
import NeuralLayers
import Randomness
import StudyKit
import TensorCore
import VAEModels

/// The cells of `anodm-heatmaps`: one β-VAE per (data set, held-out class, β, seed), trained on
/// the normal classes, with every AnoDM score of its test set computed and stored.
///
/// Table 1 reads the cells at every class; Figure 2 and 8's heatmaps and Table 2 read the β grid
/// of the heatmap classes (MNIST digit 7, Fashion-MNIST "Dress"); Figure 3 the maps of MNIST
/// digit 7 across β; Figure 4 the scores of Fashion-MNIST classes 1, 3, 5, 7.
public struct AnoDMCells {
    public static let sectionName = "anodm-heatmaps"
    public static let model = "beta-VAE (Table 3)"
    /// The mix weights of the section's heatmaps (anodm section 4).
    public static let alphas = AnoDMScore.alphaGrid
    /// k of the k-NN distance in the map: the paper's 1, and the 3 and 5 it reports as similar.
    public static let neighbourCounts = [1, 3, 5]
    /// The normalisation constant c of appendix F.
    public static let normalisation = 0.5

    public let plan: AnoDMProfilePlan

    public init(plan: AnoDMProfilePlan) { self.plan = plan }

    /// Every cell of the profile, in a fixed order.
    public func cells() -> [CellConfiguration] {
        var cells: [CellConfiguration] = []
        for dataset in AnoDMDataset.allCases {
            for anomalous in plan.heldOutClasses(of: dataset) {
                let isHeatmapClass = dataset.heatmapClass == anomalous
                for beta in plan.betas(heatmap: isHeatmapClass) {
                    for seed in plan.seeds {
                        var parameters = AnoDMCellParameters(
                            beta: beta, capacity: 0, latentSize: AnoDMProfilePlan.latentSize, likelihood: .bernoulli,
                            epochs: plan.epochs, batchSize: 100, learningRate: 1e-3,
                            trainImages: plan.trainImages ?? dataset.trainingImageCount,
                            testImages: plan.testImages ?? dataset.testImageCount,
                            anomalousClass: anomalous, mapTrainingPoints: plan.mapTrainingPoints,
                            tsneIterations: plan.tsneIterations)
                        // Table 2 (μ- against z-based maps): the heatmap classes, every class of the
                        // data sets only Table 2 and Table 1's last block read, every class in the
                        // paper profile.
                        let fitsZMap = isHeatmapClass || dataset.heatmapClass == nil || plan.profile == .paper
                        parameters.zBasedMap = fitsZMap ? true : nil
                        cells.append(CellConfiguration(
                            section: Self.sectionName, dataset: dataset.rawValue, model: Self.model,
                            setting: Self.setting(anomalous: anomalous, beta: beta), seed: seed, profile: plan.profile,
                            hyperparameters: parameters.dictionary))
                    }
                }
            }
        }
        return cells
    }

    /// "class 7, β 0.01".
    public static func setting(anomalous: Int, beta: Double) -> String {
        "class \(anomalous), β \(NumberText.compact(Float(beta)))"
    }

    /// Runs one cell; `images` are the whole training and test splits of the cell's data set.
    public static func run(_ cell: CellConfiguration, images: (train: LabeledImages, test: LabeledImages),
                           progress: CellProgress? = nil) throws -> CellResult {
        let parameters = try AnoDMCellParameters(decoding: cell)
        let dataset = try AnoDMDataset(parsing: cell.dataset)
        func firstImages(_ set: LabeledImages, _ count: Int) -> LabeledImages {
            count < set.count ? set.subset(Array(0..<count)) : set
        }
        let split = HeldOutClassData(holdingOut: parameters.anomalousClass,
                                     train: firstImages(images.train, parameters.trainImages),
                                     test: firstImages(images.test, parameters.testImages), classCount: dataset.classCount)
        let streams = RunStreams(seed: cell.seed)
        var initialisation = streams.initialisation
        let (beta, capacity) = (Float(parameters.beta), Float(parameters.capacity))
        let likelihood = parameters.likelihood.likelihood
        switch dataset.architecture {
        case .digits:
            let model = AnoDMDigitVAE(anoDMDigitsWithLatentSize: parameters.latentSize, likelihood: likelihood,
                                      beta: beta, capacity: capacity, generator: &initialisation)
            return try run(model, split: split, architecture: .digits, parameters: parameters, streams: streams, progress: progress)
        case .cifar10:
            let model = AnoDMCIFARVAE(anoDMCIFARWithLatentSize: parameters.latentSize, likelihood: likelihood,
                                      beta: beta, capacity: capacity, generator: &initialisation)
            return try run(model, split: split, architecture: .cifar10, parameters: parameters, streams: streams, progress: progress)
        case .smallNORB:
            let model = AnoDMSmallNORBVAE(anoDMSmallNORBWithLatentSize: parameters.latentSize, likelihood: likelihood,
                                          beta: beta, capacity: capacity, generator: &initialisation)
            return try run(model, split: split, architecture: .smallNORB, parameters: parameters, streams: streams, progress: progress)
        }
    }

    /// Trains `model` on the normal training images, then scores every test image.
    static func run<Model: TrainableModel & LatentVariableModel>(
        _ model: Model, split: HeldOutClassData, architecture: AnoDMImageArchitecture, parameters: AnoDMCellParameters,
        streams: RunStreams, progress: CellProgress?
    ) throws -> CellResult where Model.Batch == TrainingBatch {
        var model = model
        let history = try trainBetaVAE(&model, images: split.train, imageShape: architecture.imageShape,
                                       parameters: parameters, streams: streams) { log in
            progress?.epochFinished(log.epoch, of: parameters.epochs)
        }
        var scoring = streams.stream("scoring")
        let evaluation = try AnoDMEvaluation(model: model, imageShape: architecture.imageShape, split: split,
                                             parameters: parameters, generator: &scoring)
        var metrics = evaluation.metrics
        metrics["train_loss"] = history.last?.trainLoss
        metrics["normal_train_images"] = Double(split.train.count)
        var seeds = streams.recorded
        seeds["scoring"] = streams.stream("scoring").seed
        return CellResult(metrics: metrics,
                          history: ["train_loss": history.series("train_loss"),
                                    "train_reconstruction": history.series("train_reconstruction"),
                                    "train_kl": history.series("train_kl")],
                          epochs: history.epochs.count, seeds: seeds, arrays: evaluation.arrays)
    }

    /// Adam (anodm Table 3: learning rate 1e-3), batches of the normal training images in a
    /// fresh seeded order every epoch, the β-VAE objective of eq. 1.
    static func trainBetaVAE<Model: TrainableModel>(
        _ model: inout Model, images: LabeledImages, imageShape: [Int], parameters: AnoDMCellParameters,
        streams: RunStreams, epochFinished: (EpochLog) -> Void
    ) throws -> TrainingHistory where Model.Batch == TrainingBatch {
        var optimizer = Adam(for: model, learningRate: Float(parameters.learningRate))
        var batches = PlannedImageBatches(
            plan: BatchPlan(variant: .unsupervisedVAE, labeledIndices: [], trainCount: images.count,
                            batchSize: parameters.batchSize, generator: streams.batches),
            images: images, exampleShape: imageShape, classCount: 1)
        let loop = TrainingLoop<Model>(
            epochs: parameters.epochs, context: ForwardContext(phase: .training, generator: SeededGeneratorBox(streams.noise)))
        return try loop.run(&model, optimizer: &optimizer, batches: &batches, evaluate: { _, _ in [:] },
                            epochFinished: epochFinished)
    }
}

/// A cell's hyperparameters (their keys are hashed into the cell id), read and checked once.
public struct AnoDMCellParameters: CellHyperparameters, Equatable {
    /// β of eq. 1 and the capacity C (0: the plain β-VAE of Higgins et al.; deviations.md).
    public var beta: Double
    public var capacity: Double
    public var latentSize: Int
    public var likelihood: LikelihoodName
    public var epochs: Int
    public var batchSize: Int
    /// Adam's learning rate (Table 3).
    public var learningRate: Double
    /// The first N training and test images of the data set, before the held-out class is removed.
    public var trainImages: Int
    public var testImages: Int
    public var anomalousClass: Int
    /// Normal training points embedded with the test points in the joint t-SNE map.
    public var mapTrainingPoints: Int
    public var tsneIterations: Int
    /// Whether a second map of sampled z (Table 2's z-based variant) is fitted too.
    public var zBasedMap: Bool?

    enum CodingKeys: String, CodingKey {
        case beta, capacity, likelihood, epochs
        case latentSize = "latent_size", batchSize = "batch_size", learningRate = "learning_rate",
             trainImages = "train_images", testImages = "test_images", anomalousClass = "anomalous_class",
             mapTrainingPoints = "map_training_points", tsneIterations = "tsne_iterations", zBasedMap = "z_based_map"
    }

    init(beta: Double, capacity: Double, latentSize: Int, likelihood: LikelihoodName, epochs: Int, batchSize: Int,
         learningRate: Double, trainImages: Int, testImages: Int, anomalousClass: Int, mapTrainingPoints: Int,
         tsneIterations: Int) {
        self.beta = beta
        self.capacity = capacity
        self.latentSize = latentSize
        self.likelihood = likelihood
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.trainImages = trainImages
        self.testImages = testImages
        self.anomalousClass = anomalousClass
        self.mapTrainingPoints = mapTrainingPoints
        self.tsneIterations = tsneIterations
    }

    public func validate(in cell: CellConfiguration) throws {
        guard beta > 0, capacity >= 0 else {
            throw StudyError.invalidArgument("cell \(cell.id): β \(beta) must be positive and C \(capacity) non-negative")
        }
        let classCount = try AnoDMDataset(parsing: cell.dataset).classCount
        guard (0..<classCount).contains(anomalousClass) else {
            throw StudyError.invalidArgument("cell \(cell.id): anomalous_class \(anomalousClass) is outside 0..<\(classCount) of \(cell.dataset)")
        }
        guard latentSize > 0, epochs > 0, batchSize > 0, mapTrainingPoints > 1, tsneIterations > 0 else {
            throw StudyError.invalidArgument("cell \(cell.id): sizes and counts must be positive")
        }
    }
}
