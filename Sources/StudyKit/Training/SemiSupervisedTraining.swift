import _Differentiation
import Datasets
import Foundation
import Metrics
import NeuralLayers
import Randomness
import TensorCore
import VAEModels

/// The hyperparameters of one run of paper 1's models; chosen once per paper (deviations.md).
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

    /// The sentence a report prints for these settings (built from them, never typed).
    public var description: String {
        "RMSprop (lr \(NumberText.compact(learningRate)), rho \(NumberText.compact(rho))), batch \(batchSize), α = \(NumberText.compact(classWeight))"
    }
}

/// Paper 1's models trained on labelled images: the `TrainingLoop` with RMSprop, batches
/// planned as section 2.3 says (`BatchPlan`), batch-norm statistics from training batches,
/// and test accuracy and log loss after every epoch when the model has a classifier.
///
/// - Parameters:
///   - labeledIndices: the training images whose labels the run may use (repeats up-sample).
///   - everyPointLabeled: see `BatchPlan`.
/// - Returns: the history; its epochs' metrics hold `accuracy` and `log_loss` for models
///   with a classifier.
public func trainSemiSupervised<Encoder: ContextualLayer & InputDescribing, Decoder: ContextualLayer>(
    _ model: inout VariationalAutoencoder<Encoder, Decoder>, data: ImageClassificationData,
    exampleShape: [Int], labeledIndices: [Int], everyPointLabeled: Bool? = nil, settings: TrainingSettings,
    streams: RunStreams, epochFinished: (EpochLog) -> Void = { _ in }
) throws -> TrainingHistory {
    try trainOnPlannedBatches(&model, examples: data.train, exampleShape: exampleShape, labeledIndices: labeledIndices,
                              everyPointLabeled: everyPointLabeled, settings: settings, streams: streams,
                              evaluate: { trained in
                                  let metrics = ClassifierEvaluation(trained, images: data.test, exampleShape: exampleShape)
                                  return ["accuracy": metrics.accuracy, "log_loss": metrics.logLoss]
                              }, epochFinished: epochFinished)
}

/// The loop every paper-1 adapter shares: RMSprop, `BatchPlan` batches of `examples`, the
/// first planned batch checked against the model, batch-norm statistics from training
/// batches (a model without batch norm skips them), and `evaluate` after every epoch when the
/// model has a classifier.
func trainOnPlannedBatches<Encoder: ContextualLayer & InputDescribing, Decoder: ContextualLayer, Examples: LabeledExamples>(
    _ model: inout VariationalAutoencoder<Encoder, Decoder>, examples: Examples, exampleShape: [Int],
    labeledIndices: [Int], everyPointLabeled: Bool?, settings: TrainingSettings, streams: RunStreams,
    evaluate: @escaping (VariationalAutoencoder<Encoder, Decoder>) -> [String: Double],
    epochFinished: (EpochLog) -> Void
) throws -> TrainingHistory {
    var optimizer = RMSprop(for: model, learningRate: settings.learningRate, rho: settings.rho)
    let variant: ModelVariant = !model.hasClassifier ? .unsupervisedVAE : (model.hasDecoder ? .semiSupervised : .supervisedEncoder)
    let trainCount = examples.labels.count
    var batches = PlannedBatches(
        plan: BatchPlan(variant: variant, labeledIndices: labeledIndices, trainCount: trainCount,
                        batchSize: settings.batchSize, generator: streams.batches, everyPointLabeled: everyPointLabeled),
        examples: examples, exampleShape: exampleShape, classCount: model.classCount)
    // The first planned batch checks that the data fits the model before any training
    // (it is consumed, as every run file so far was trained that way).
    try model.validate(batches.next())
    var loop = TrainingLoop<VariationalAutoencoder<Encoder, Decoder>>(
        epochs: settings.epochs, context: ForwardContext(phase: .training, generator: SeededGeneratorBox(streams.noise)))
    let classCount = model.classCount
    loop.statisticsBatches = {
        AnyBatchSource(PlannedBatches(
            plan: BatchPlan(variant: .unsupervisedVAE, labeledIndices: [], trainCount: trainCount,
                            batchSize: settings.batchSize, generator: streams.statistics),
            examples: examples, exampleShape: exampleShape, classCount: classCount))
    }
    return try loop.run(&model, optimizer: &optimizer, batches: &batches, evaluate: { _, trained in
        trained.hasClassifier ? evaluate(trained) : [:]
    }, epochFinished: epochFinished)
}
