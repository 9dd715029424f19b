import _Differentiation
import Datasets
import Foundation
import NeuralLayers
import Randomness
import TensorCore
import VAEModels

/// The hyperparameters of one classification run; chosen once per paper (deviations.md).
public struct TrainingSettings: Sendable, Equatable {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    /// RMSprop's squared-gradient decay (Keras's rho; see deviations.md).
    public var rho: Float
    /// α of eq. 5.
    public var classWeight: Float

    public init(epochs: Int, batchSize: Int = 100, learningRate: Float = 5e-4, rho: Float = 0.9, classWeight: Float) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.rho = rho
        self.classWeight = classWeight
    }
}

/// What one epoch of training left: the test metrics and the mean training loss terms.
public struct EpochSummary: Sendable, Equatable {
    public var testAccuracy: Double?
    public var testLogLoss: Double?
    public var trainLoss: Double
    public var trainReconstruction: Double
    public var trainKL: Double
    public var trainClassification: Double
}

/// The random streams of one run, derived from its seed so each purpose has its own.
public struct RunStreams {
    public let seed: UInt64
    public init(seed: UInt64) { self.seed = seed }
    public var labels: SeededGenerator { SeededGenerator(seed: seed).derived("labels") }
    public var initialisation: SeededGenerator { SeededGenerator(seed: seed).derived("initialisation") }
    public var batches: SeededGenerator { SeededGenerator(seed: seed).derived("batches") }
    public var noise: SeededGenerator { SeededGenerator(seed: seed).derived("noise") }
    /// The training batches on which batch-normalisation statistics are measured.
    public var statistics: SeededGenerator { SeededGenerator(seed: seed).derived("statistics") }
    public var recorded: [String: UInt64] {
        ["seed": seed, "labels": labels.seed, "initialisation": initialisation.seed,
         "batches": batches.seed, "noise": noise.seed, "statistics": statistics.seed]
    }
}

/// Trains `model` on `data` and evaluates it on the test split after every epoch: the one
/// training loop of the classification tables, for every model and architecture.
public func trainClassifier<Encoder: ContextualLayer & InputDescribing, Decoder: ContextualLayer>(
    _ model: inout SemiSupervisedVAE<Encoder, Decoder>, data: ImageClassificationData,
    exampleShape: [Int], labeledIndices: [Int], everyPointLabeled: Bool? = nil, settings: TrainingSettings,
    streams: RunStreams, epochFinished: (Int, EpochSummary) -> Void = { _, _ in }
) throws -> [EpochSummary] {
    var optimizer = RMSprop(for: model, learningRate: settings.learningRate, rho: settings.rho)
    var plan = BatchPlan(variant: model.variant, labeledIndices: labeledIndices, trainCount: data.train.count,
                         batchSize: settings.batchSize, generator: streams.batches, everyPointLabeled: everyPointLabeled)
    let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(streams.noise))
    let recorder = LossRecorder()
    var batch = ImageBatcher(images: data.train, exampleShape: exampleShape, classCount: model.classCount)
    try model.validate(batch.make(plan.nextBatch()))
    var summaries: [EpochSummary] = []
    for epoch in 1...settings.epochs {
        var totals = (loss: 0.0, reconstruction: 0.0, kl: 0.0, classification: 0.0)
        for step in 1...plan.stepsPerEpoch {
            let next = batch.make(plan.nextBatch())
            do {
                let loss = try trainingStep(&model, optimizer: &optimizer, terms: recorder) {
                    $0.loss(next, in: context, terms: recorder)
                }
                totals.loss += Double(loss)
                totals.reconstruction += Double(recorder.terms.reconstruction)
                totals.kl += Double(recorder.terms.kl)
                totals.classification += Double(recorder.terms.classification)
            } catch let error as NonFiniteValueError {
                throw error.adding(context: "epoch \(epoch), step \(step)")
            }
        }
        let steps = Double(plan.stepsPerEpoch)
        var summary = EpochSummary(testAccuracy: nil, testLogLoss: nil, trainLoss: totals.loss / steps,
                                   trainReconstruction: totals.reconstruction / steps, trainKL: totals.kl / steps,
                                   trainClassification: totals.classification / steps)
        if model.variant.hasClassifier {
            // Batch-normalised models: population statistics from training batches first.
            var statisticsPlan = BatchPlan(variant: .unsupervisedVAE, labeledIndices: [], trainCount: data.train.count,
                                           batchSize: settings.batchSize, generator: streams.statistics)
            PopulationStatistics.estimate(in: model, batches: PopulationStatistics.trainingBatches, context: context) { _, phase in
                let planned = statisticsPlan.nextBatch()
                _ = model.loss(batch.make(BatchPlan.Batch(indices: planned.indices, labeled: planned.labeled)), in: phase)
            }
            let metrics = evaluateClassifier(model, images: data.test, exampleShape: exampleShape)
            summary.testAccuracy = metrics.accuracy
            summary.testLogLoss = metrics.logLoss
        }
        summaries.append(summary)
        epochFinished(epoch, summary)
    }
    return summaries
}

/// Turns planned batches into tensors, reusing one staging buffer.
struct ImageBatcher {
    let images: LabeledImages
    let exampleShape: [Int]
    let classCount: Int
    private var staging: [Float] = []

    init(images: LabeledImages, exampleShape: [Int], classCount: Int) {
        self.images = images
        self.exampleShape = exampleShape
        self.classCount = classCount
    }

    mutating func make(_ planned: BatchPlan.Batch) -> SemiSupervisedBatch {
        images.fillBatch(planned.indices, into: &staging)
        let rows = planned.indices.count
        var labels = Tensor.zeros([rows, classCount])
        var mask = Tensor.zeros([rows])
        for (row, index) in planned.indices.enumerated() where planned.labeled[row] {
            labels.scalars[row * classCount + Int(images.labels[index])] = 1
            mask.scalars[row] = 1
        }
        return SemiSupervisedBatch(inputs: Tensor(shape: [rows] + exampleShape, scalars: staging),
                                   labels: labels, labeledMask: mask)
    }
}

/// Test accuracy and log loss (mean −log p(true class), p clipped at 1e-15 as scikit-learn's
/// log_loss did when the paper was written) in inference mode.
public func evaluateClassifier<Encoder: ContextualLayer, Decoder: ContextualLayer>(
    _ model: SemiSupervisedVAE<Encoder, Decoder>, images: LabeledImages, exampleShape: [Int], chunk: Int = 500
) -> (accuracy: Double, logLoss: Double) {
    let context = ForwardContext(phase: .inference, generator: SeededGeneratorBox(seed: 0))
    var correct = 0
    var logLoss = 0.0
    var staging: [Float] = []
    var start = 0
    while start < images.count {
        let indices = Array(start..<min(start + chunk, images.count))
        images.fillBatch(indices, into: &staging)
        let probabilities = model.classProbabilities(Tensor(shape: [indices.count] + exampleShape, scalars: staging),
                                                     in: context)
        let classes = probabilities.columns
        for (row, index) in indices.enumerated() {
            let p = probabilities.scalars[(row * classes)..<((row + 1) * classes)]
            let truth = Int(images.labels[index])
            let predicted = p.indices.max { p[$0] < p[$1] }! - row * classes
            if predicted == truth { correct += 1 }
            logLoss -= Foundation.log(max(Double(p[row * classes + truth]), 1e-15))
        }
        start += chunk
    }
    return (Double(correct) / Double(images.count), logLoss / Double(images.count))
}
