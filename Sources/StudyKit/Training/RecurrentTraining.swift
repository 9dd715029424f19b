import Datasets
import Foundation
import Metrics
import NeuralLayers
import TensorCore
import VAEModels

/// Turns a `BatchPlan` into training batches of UCI-HAR windows `[batch, 128, 6]`.
struct PlannedWindowBatches: BatchSource {
    var plan: BatchPlan
    let windows: ActivityWindows
    let classCount: Int
    private var staging: [Float] = []

    init(plan: BatchPlan, windows: ActivityWindows, classCount: Int) {
        self.plan = plan
        self.windows = windows
        self.classCount = classCount
    }

    var stepsPerEpoch: Int { plan.stepsPerEpoch }

    mutating func next() -> TrainingBatch {
        let planned = plan.nextBatch()
        windows.fillBatch(planned.indices, into: &staging)
        let rows = planned.indices.count
        var labels = Tensor.zeros([rows, classCount])
        var mask = Tensor.zeros([rows])
        for (row, index) in planned.indices.enumerated() where planned.labeled[row] {
            labels.scalars[row * classCount + Int(windows.labels[index])] = 1
            mask.scalars[row] = 1
        }
        return TrainingBatch(inputs: Tensor(shape: [rows] + ActivityWindows.windowShape, scalars: staging),
                             labels: labels, labeledMask: mask)
    }
}

/// Test accuracy and log loss of the recurrent model on windows. The model predicts a class at
/// every step (Table 15); a window's prediction is the mean of its steps' probabilities.
public struct WindowClassifierEvaluation: Sendable, Equatable {
    public let accuracy: Double
    public let logLoss: Double

    public init(_ model: RecurrentSemiSupervisedVAE, windows: ActivityWindows, chunk: Int = 250) {
        let context = BatchedInference.context()
        let classes = model.classCount, steps = ActivityWindows.windowShape[0]
        var correct = 0
        var logLoss = 0.0
        BatchedInference.forEachChunk(of: windows.signals, exampleShape: ActivityWindows.windowShape, chunk: chunk) { first, inputs in
            let probabilities = model.classProbabilities(inputs, in: context).scalars
            for row in 0..<inputs.rows {
                var mean = [Double](repeating: 0, count: classes)
                for step in 0..<steps {
                    for c in 0..<classes { mean[c] += Double(probabilities[(row * steps + step) * classes + c]) / Double(steps) }
                }
                let truth = Int(windows.labels[first + row])
                if mean.indices.max(by: { mean[$0] < mean[$1] }) == truth { correct += 1 }
                logLoss -= Foundation.log(max(mean[truth], 1e-15))
            }
        }
        accuracy = Double(correct) / Double(windows.count)
        self.logLoss = logLoss / Double(windows.count)
    }
}

/// Paper 1's recurrent model trained on UCI-HAR windows: as the image version
/// (`trainSemiSupervised(_:data:exampleShape:...)`), RMSprop, `BatchPlan` batches,
/// batch-norm-free, test accuracy and log loss after every epoch when the model has a classifier.
public func trainSemiSupervised(
    _ model: inout RecurrentSemiSupervisedVAE, data: ActivityData, labeledIndices: [Int],
    everyPointLabeled: Bool? = nil, settings: TrainingSettings, streams: RunStreams,
    epochFinished: (EpochLog) -> Void = { _ in }
) throws -> TrainingHistory {
    var optimizer = RMSprop(for: model, learningRate: settings.learningRate, rho: settings.rho)
    let variant: ModelVariant = !model.hasClassifier ? .unsupervisedVAE : (model.hasDecoder ? .semiSupervised : .supervisedEncoder)
    var batches = PlannedWindowBatches(
        plan: BatchPlan(variant: variant, labeledIndices: labeledIndices, trainCount: data.train.count,
                        batchSize: settings.batchSize, generator: streams.batches, everyPointLabeled: everyPointLabeled),
        windows: data.train, classCount: model.classCount)
    try model.validate(batches.next())
    let loop = TrainingLoop<RecurrentSemiSupervisedVAE>(
        epochs: settings.epochs, context: ForwardContext(phase: .training, generator: SeededGeneratorBox(streams.noise)))
    return try loop.run(&model, optimizer: &optimizer, batches: &batches, evaluate: { _, trained in
        guard trained.hasClassifier else { return [:] }
        let metrics = WindowClassifierEvaluation(trained, windows: data.test)
        return ["accuracy": metrics.accuracy, "log_loss": metrics.logLoss]
    }, epochFinished: epochFinished)
}
