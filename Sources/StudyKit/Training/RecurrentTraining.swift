import Datasets
import Foundation
import Metrics
import NeuralLayers
import TensorCore
import VAEModels

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

/// Paper 1's recurrent model trained on UCI-HAR windows: the loop of the image version
/// (`trainOnPlannedBatches`), with window accuracy and log loss after every epoch when the
/// model has a classifier.
public func trainSemiSupervised(
    _ model: inout RecurrentSemiSupervisedVAE, data: ActivityData, labeledIndices: [Int],
    everyPointLabeled: Bool? = nil, settings: TrainingSettings, streams: RunStreams,
    epochFinished: (EpochLog) -> Void = { _ in }
) throws -> TrainingHistory {
    try trainOnPlannedBatches(&model, examples: data.train, exampleShape: ActivityWindows.windowShape,
                              labeledIndices: labeledIndices, everyPointLabeled: everyPointLabeled, settings: settings,
                              streams: streams, evaluate: { trained in
                                  let metrics = WindowClassifierEvaluation(trained, windows: data.test)
                                  return ["accuracy": metrics.accuracy, "log_loss": metrics.logLoss]
                              }, epochFinished: epochFinished)
}
