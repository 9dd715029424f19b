import Datasets
import Foundation
import Metrics
import TensorCore
import VAEModels

/// Test accuracy and log loss of a model's (first) classifier head, in inference mode: the
/// numbers of paper 1's classification tables. Log loss is the mean −log p(true class), p
/// clipped at 1e-15 as scikit-learn's log_loss did when the paper was written.
public struct ClassifierEvaluation: Sendable, Equatable {
    public let accuracy: Double
    public let logLoss: Double

    public init<Model: LatentVariableModel>(_ model: Model, images: LabeledImages, exampleShape: [Int], chunk: Int = 500) {
        let context = BatchedInference.context()
        var correct = 0
        var logLoss = 0.0
        BatchedInference.forEachChunk(of: images, exampleShape: exampleShape, chunk: chunk) { range, inputs in
            let probabilities = model.classProbabilities(inputs, in: context)
            let classes = probabilities.columns
            for (row, index) in range.enumerated() {
                let p = probabilities.scalars[(row * classes)..<((row + 1) * classes)]
                let truth = Int(images.labels[index])
                let predicted = p.indices.max { p[$0] < p[$1] }! - row * classes
                if predicted == truth { correct += 1 }
                logLoss -= Foundation.log(max(Double(p[row * classes + truth]), 1e-15))
            }
        }
        accuracy = Double(correct) / Double(images.count)
        self.logLoss = logLoss / Double(images.count)
    }

    /// Exact values (tests).
    public init(accuracy: Double, logLoss: Double) {
        self.accuracy = accuracy
        self.logLoss = logLoss
    }
}
