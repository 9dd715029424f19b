import AnoDMStudy
import Datasets
import Experiments
import Foundation
import NeuralLayers
import Randomness
import StudyKit
import TensorCore
import VAEModels

extension Heartbeats: LabeledExamples {
    /// Beats `indices`, one after another, into `array` (what a training batch reads).
    public func fillBatch(_ indices: [Int], into array: inout [Float]) {
        array.removeAll(keepingCapacity: true)
        array.reserveCapacity(indices.count * beatLength)
        for index in indices { array += beats[index * beatLength ..< (index + 1) * beatLength] }
    }
}

/// The cells of `anodm-ecg`: one β-VAE per (encoder, split, held-out class, β, seed), trained
/// on the normal beats, with every AnoDM score of its test beats computed by the images
/// section's evaluation (`AnoDMEvaluation`) and stored.
///
/// Figure 5 reads every encoder at the fixed β; Table 2 the TCN's cells (μ- and z-based maps);
/// Figures 2e and 8b the TCN's β grid on class F; Figure 6 the TCN on class Q; the
/// inter-patient finding the TCN on class V with the DS1/DS2 split.
public struct HeartbeatCells {
    public static let sectionName = "anodm-ecg"
    public static let dataset = "mitbih-heartbeats"
    /// Test beats of each kind whose reconstructions are kept for Figure 6.
    static let examplesPerKind = 3

    public let plan: HeartbeatProfilePlan

    public init(plan: HeartbeatProfilePlan) { self.plan = plan }

    /// Every cell of the profile, in a fixed order.
    public func cells() -> [CellConfiguration] {
        var cells: [CellConfiguration] = []
        func add(_ encoder: HeartbeatEncoderName, _ split: HeartbeatSplit, _ anomalous: Int, _ beta: Double) {
            for seed in plan.seeds {
                let parameters = HeartbeatCellParameters(
                    encoder: encoder, beta: beta, capacity: 0, latentSize: HeartbeatProfilePlan.latentSize,
                    likelihood: .bernoulli, epochs: plan.epochs, batchSize: 100, learningRate: 1e-3, split: split,
                    splitSeed: HeartbeatProfilePlan.splitSeed, trainBeats: plan.trainBeats, testBeats: plan.testBeats,
                    anomalousClass: anomalous, mapTrainingPoints: plan.mapTrainingPoints,
                    tsneIterations: plan.tsneIterations, zBasedMap: encoder == .tcn && split == .stratified)
                cells.append(CellConfiguration(
                    section: Self.sectionName, dataset: Self.dataset, model: "beta-VAE, \(encoder.title) encoder",
                    setting: Self.setting(split: split, anomalous: anomalous, beta: beta), seed: seed,
                    profile: plan.profile, hyperparameters: parameters.dictionary))
            }
        }
        var tcnClasses = plan.heldOutClasses
        if !tcnClasses.contains(HeartbeatProfilePlan.heatmapClass) { tcnClasses.append(HeartbeatProfilePlan.heatmapClass) }
        for anomalous in tcnClasses {
            for beta in plan.tcnBetas(anomalous: anomalous) { add(.tcn, .stratified, anomalous, beta) }
        }
        for encoder in [HeartbeatEncoderName.cnn, .lstm] {
            for anomalous in plan.heldOutClasses { add(encoder, .stratified, anomalous, HeartbeatProfilePlan.fixedBeta) }
        }
        add(.tcn, .interPatient, HeartbeatProfilePlan.interPatientClass, HeartbeatProfilePlan.fixedBeta)
        return cells
    }

    /// "class F held out, β 0.01" (with the split when it is not the stratified one).
    public static func setting(split: HeartbeatSplit, anomalous: Int, beta: Double) -> String {
        let name = Heartbeats.AAMIClass(rawValue: anomalous)?.name ?? "\(anomalous)"
        return "class \(name) held out, β \(NumberText.compact(Float(beta)))" + (split == .stratified ? "" : ", \(split.rawValue) split")
    }

    /// The cell's beats: the normal training beats it trains on and every test beat it scores.
    struct Beats {
        var train: Heartbeats
        var test: Heartbeats
    }

    /// The split, then the stratified samples of the profile; all drawn from the split seed, so
    /// the test beats are the same for every cell of a split.
    static func beats(_ parameters: HeartbeatCellParameters, from all: Heartbeats) -> Beats {
        let root = SeededGenerator(seed: UInt64(parameters.splitSeed))
        var splitting = root.derived("split")
        let (train, test) = all.splitIndices(parameters.split, generator: &splitting)
        let normal = train.filter { Int(all.labels[$0]) != parameters.anomalousClass }
        var trainSampling = root.derived("training sample, class \(parameters.anomalousClass) held out")
        var testSampling = root.derived("test sample")
        let trainSample = parameters.trainBeats.map {
            all.stratifiedSample(normal, size: min($0, normal.count), generator: &trainSampling)
        } ?? normal
        let testSample = parameters.testBeats.map {
            all.stratifiedSample(test, size: min($0, test.count), generator: &testSampling)
        } ?? test
        return Beats(train: all.subset(trainSample), test: all.subset(testSample))
    }

    /// Runs one cell; `all` is the whole heartbeat set.
    public static func run(_ cell: CellConfiguration, heartbeats all: Heartbeats, progress: CellProgress? = nil) throws -> CellResult {
        let parameters = try HeartbeatCellParameters(decoding: cell)
        let data = beats(parameters, from: all)
        let streams = RunStreams(seed: cell.seed)
        var initialisation = streams.initialisation
        let beta = Float(parameters.beta), capacity = Float(parameters.capacity), latent = parameters.latentSize
        switch parameters.encoder {
        case .tcn:
            let model = TCNHeartbeatVAE(tcnHeartbeatWithLatentSize: latent, likelihood: .bernoulli, beta: beta,
                                        capacity: capacity, generator: &initialisation)
            return try trainAndEvaluate(model, data: data, parameters: parameters, streams: streams, progress: progress)
        case .cnn:
            let model = CNNHeartbeatVAE(cnnHeartbeatWithLatentSize: latent, likelihood: .bernoulli, beta: beta,
                                        capacity: capacity, generator: &initialisation)
            return try trainAndEvaluate(model, data: data, parameters: parameters, streams: streams, progress: progress)
        case .lstm:
            let model = LSTMHeartbeatVAE(lstmHeartbeatWithLatentSize: latent, likelihood: .bernoulli, beta: beta,
                                         capacity: capacity, generator: &initialisation)
            return try trainAndEvaluate(model, data: data, parameters: parameters, streams: streams, progress: progress)
        }
    }

    /// Adam (Table 3: learning rate 1e-3), batches of the normal training beats in a fresh seeded
    /// order every epoch, the β-VAE objective of eq. 1; then the images section's evaluation.
    static func trainAndEvaluate<Encoder: ContextualLayer>(
        _ initial: VariationalAutoencoder<Encoder, HeartbeatDecoder>, data: Beats, parameters: HeartbeatCellParameters,
        streams: RunStreams, progress: CellProgress?
    ) throws -> CellResult {
        var model = initial
        let shape = [data.train.beatLength, 1]
        var optimizer = Adam(for: model, learningRate: Float(parameters.learningRate))
        var batches = PlannedBatches(
            plan: BatchPlan(variant: .unsupervisedVAE, labeledIndices: [], trainCount: data.train.count,
                            batchSize: parameters.batchSize, generator: streams.batches),
            examples: data.train, exampleShape: shape, classCount: 1)
        let loop = TrainingLoop<VariationalAutoencoder<Encoder, HeartbeatDecoder>>(
            epochs: parameters.epochs, context: ForwardContext(phase: .training, generator: SeededGeneratorBox(streams.noise)))
        let history = try loop.run(&model, optimizer: &optimizer, batches: &batches, evaluate: { _, _ in [:] },
                                   epochFinished: { log in progress?.epochFinished(log.epoch, of: parameters.epochs) })

        // The training points of the map: a seeded sample of the normal training beats.
        var scoring = streams.stream("scoring")
        var order = Array(0..<data.train.count)
        order.shuffle(using: &scoring)
        let mapIndices = Array(order.prefix(min(parameters.mapTrainingPoints, data.train.count)))
        var mapInputs: [Float] = []
        data.train.fillBatch(mapIndices, into: &mapInputs)
        let isAnomaly = data.test.labels.map { Int($0) == parameters.anomalousClass }
        let evaluation = try AnoDMEvaluation(
            model: model, exampleShape: shape, mapTrainingInputs: mapInputs,
            mapTrainingClasses: mapIndices.map { Float(data.train.labels[$0]) }, testInputs: data.test.beats,
            testClasses: data.test.labels.map(Float.init), isAnomaly: isAnomaly, tsneIterations: parameters.tsneIterations,
            zBasedMap: parameters.zBasedMap, generator: &scoring)

        var metrics = evaluation.metrics
        metrics["train_loss"] = history.last?.trainLoss
        metrics["normal_train_beats"] = Double(data.train.count)
        metrics["encoder_parameters"] = Double(model.encoder.parameterCount)
        var arrays = evaluation.arrays
        let (examples, normalExamples) = examples(of: data.test, reconstructions: evaluation.testReconstructions,
                                                  isAnomaly: isAnomaly)
        arrays["examples"] = examples
        metrics["normal_examples"] = Double(normalExamples)
        var seeds = streams.recorded
        seeds["scoring"] = streams.stream("scoring").seed
        seeds["split"] = UInt64(parameters.splitSeed)
        return CellResult(metrics: metrics,
                          history: ["train_loss": history.series("train_loss"),
                                    "train_reconstruction": history.series("train_reconstruction"),
                                    "train_kl": history.series("train_kl")],
                          epochs: history.epochs.count, seeds: seeds, arrays: arrays)
    }

    /// Figure 6a's beats: the first `examplesPerKind` normal and anomalous test beats (the test
    /// order is a seeded random one), `[2 (original, reconstruction), kinds × examples, length]`
    /// with the normal beats first (their count is returned beside it).
    static func examples(of test: Heartbeats, reconstructions: [Float], isAnomaly: [Bool]) -> (RunArray, Int) {
        let length = test.beatLength
        let normal = isAnomaly.indices.filter { !isAnomaly[$0] }.prefix(examplesPerKind)
        let anomalous = isAnomaly.indices.filter { isAnomaly[$0] }.prefix(examplesPerKind)
        let chosen = Array(normal) + Array(anomalous)
        var originals: [Float] = [], decoded: [Float] = []
        for index in chosen {
            originals += test.beats[index * length ..< (index + 1) * length]
            decoded += reconstructions[index * length ..< (index + 1) * length]
        }
        return (RunArray(shape: [2, chosen.count, length], values: originals + decoded), normal.count)
    }
}
