import _Differentiation
import Datasets
import Experiments
import Foundation
import Metrics
import NeuralLayers
import Randomness
import StudyKit
import TensorCore
import VAEModels

/// The judge of the negative generation error (vabc V-D): a convolutional classifier trained
/// on MNIST's labelled training images. The paper names no architecture; ours is a small one
/// that passes MNIST's usual 99 % test accuracy in a few epochs on two cores
/// (papers/vabc/deviations.md):
/// 28×28×1 → conv 5×5, 32, stride 2, batch norm, ReLU (14×14) → conv 5×5, 64, stride 2, batch
/// norm, ReLU (7×7) → dense 3136 → 128, ReLU → dropout 0.5 → dense 10.
/// Our first judge (the two convolutions and a linear read-out) stopped at 98.4–98.8 %: batch
/// norm, the hidden layer with dropout and a halving learning rate (`TrainedJudge`) give the rest.
public struct DigitJudge: TrainableModel {
    /// Names the architecture in every cell's hyperparameters, so a changed judge changes the
    /// ids of the cells it judges (and the cache file of its weights).
    public static let architecture = "c5s2x32-bn-c5s2x64-bn-d128-drop0.5"

    public var conv1: Conv2D
    public var norm1: BatchNorm
    public var conv2: Conv2D
    public var norm2: BatchNorm
    public var hidden: Dense
    @noDerivative public let dropout: Dropout
    public var logits: Dense

    public init(generator: inout SeededGenerator) {
        conv1 = Conv2D(kernelSize: 5, inputChannels: 1, outputChannels: 32, stride: 2, generator: &generator)
        norm1 = BatchNorm(channels: 32)
        conv2 = Conv2D(kernelSize: 5, inputChannels: 32, outputChannels: 64, stride: 2, generator: &generator)
        norm2 = BatchNorm(channels: 64)
        hidden = Dense(inputSize: 7 * 7 * 64, outputSize: 128, activation: .relu, generator: &generator)
        dropout = Dropout(rate: 0.5)
        logits = Dense(inputSize: 128, outputSize: 10, generator: &generator)
    }

    /// `[batch, 28, 28, 1]` → logits `[batch, 10]`.
    @differentiable(reverse)
    public func callAsFunction(_ images: Tensor, in context: ForwardContext) -> Tensor {
        let x = norm2(conv2(norm1(conv1(images), in: context, then: .relu)), in: context, then: .relu)
        return logits(dropout(hidden(x.flattenedBatch()), in: context))
    }

    @differentiable(reverse, wrt: self)
    public func loss(_ batch: JudgeBatch, in context: ForwardContext, terms: LossRecorder?) -> Tensor {
        let loss = maskedCategoricalCrossEntropy(logits: self(batch.images, in: context), classIndices: batch.labels,
                                                 mask: Tensor(shape: [batch.labels.count], repeating: 1))
        terms?.terms.classification = withoutDerivative(at: loss).scalar
        return loss
    }

    /// Class probabilities of `[count · 784]` pixel values in [0, 1], `[count · 10]`.
    public func probabilities(of images: [Float]) -> [Float] {
        let context = BatchedInference.context()
        return BatchedInference.map(images, exampleShape: [28, 28, 1]) { softmax(self($0, in: context)) }
    }

    public static var parameterPaths: [ParameterPath<DigitJudge>] {
        Conv2D.parameters(at: \.conv1, \.conv1, named: "conv1") + BatchNorm.parameters(at: \.norm1, \.norm1, named: "norm1")
            + Conv2D.parameters(at: \.conv2, \.conv2, named: "conv2") + BatchNorm.parameters(at: \.norm2, \.norm2, named: "norm2")
            + Dense.parameters(at: \.hidden, \.hidden, named: "hidden") + Dense.parameters(at: \.logits, \.logits, named: "logits")
    }
}

public struct JudgeBatch {
    public var images: Tensor
    public var labels: [Int]
}

/// Shuffled labelled batches of MNIST training images for the judge.
struct JudgeBatches: BatchSource {
    let images: LabeledImages
    let batchSize: Int
    var generator: SeededGenerator
    var order: [Int] = []
    var position = 0
    var buffer: [Float] = []

    var stepsPerEpoch: Int { (images.count + batchSize - 1) / batchSize }

    mutating func next() -> JudgeBatch {
        if position >= order.count {
            order = Array(0..<images.count)
            generator.shuffle(&order)
            position = 0
        }
        let indices = Array(order[position..<min(position + batchSize, order.count)])
        position += indices.count
        images.fillBatch(indices, into: &buffer)
        return JudgeBatch(images: Tensor(shape: [indices.count, 28, 28, 1], scalars: buffer),
                          labels: images.labels(indices).map(Int.init))
    }
}

/// The trained judge with its test accuracy, trained once per seed and kept in the git-ignored
/// `.cache/vabc-judge/` (its weights are a pure function of the seed, the data and this code's
/// settings, all in the file name), so every cell of a run and every later run reuses it.
///
/// Training: Adam (lr 0.001, halved before every epoch after the second), batches of 100,
/// batch-norm population statistics measured on 50 training batches after each epoch.
public struct TrainedJudge {
    public static let batchSize = 100
    public let judge: DigitJudge
    public let testAccuracy: Double
    public let seed: UInt64
    public let epochs: Int
    public let trainImages: Int

    /// The learning rate of 1-based `epoch`: 0.001 for two epochs, then halved every epoch.
    public static func learningRate(epoch: Int) -> Float {
        1e-3 * Float(pow(0.5, Double(max(0, epoch - 2))))
    }

    /// The judge for `seed`: from the cache when present, else trained and cached.
    public static func load(seed: UInt64, epochs: Int, data: ImageClassificationData, cacheFolder: URL,
                            log: (String) -> Void = { print($0) }) throws -> TrainedJudge {
        let file = cacheFolder.appendingPathComponent(
            "judge-\(DigitJudge.architecture)-seed\(seed)-e\(epochs)-b\(batchSize)-n\(data.train.count).bin")
        var initialisation = SeededGenerator(seed: seed).derived("judge-initialisation")
        var judge = DigitJudge(generator: &initialisation)
        if let stored = try? Data(contentsOf: file), stored.count == storedValueCount(judge) * 4 {
            var values = [Float](repeating: 0, count: storedValueCount(judge))
            _ = values.withUnsafeMutableBytes { stored.copyBytes(to: $0) }
            restore(&judge, from: values)
        } else {
            log("training the CNN judge (seed \(seed), \(epochs) epochs on \(data.train.count) MNIST images)")
            var optimizer = Adam(for: judge)
            var batches = JudgeBatches(images: data.train, batchSize: batchSize,
                                       generator: SeededGenerator(seed: seed).derived("judge-batches"))
            var loop = TrainingLoop<DigitJudge>(epochs: epochs, context: ForwardContext(
                phase: .training, generator: SeededGeneratorBox(SeededGenerator(seed: seed).derived("judge-noise"))))
            loop.learningRate = learningRate(epoch:)
            loop.statisticsBatches = {
                AnyBatchSource(JudgeBatches(images: data.train, batchSize: batchSize,
                                            generator: SeededGenerator(seed: seed).derived("judge-statistics")))
            }
            try loop.run(&judge, optimizer: &optimizer, batches: &batches)
            try FileManager.default.createDirectory(at: cacheFolder, withIntermediateDirectories: true)
            try AtomicFile.write(storedValues(judge).withUnsafeBytes { Data($0) }, to: file)
        }
        return TrainedJudge(judge: judge, testAccuracy: accuracy(of: judge, on: data.test), seed: seed,
                            epochs: epochs, trainImages: data.train.count)
    }

    /// What the cache file holds: every parameter, then each batch norm's running mean and
    /// variance (inference needs them as much as the weights).
    static func storedValues(_ judge: DigitJudge) -> [Float] {
        judge.parameterTensors.flatMap(\.scalars)
            + PopulationStatistics.runningStatistics(in: judge).flatMap { $0.mean.scalars + $0.variance.scalars }
    }

    static func storedValueCount(_ judge: DigitJudge) -> Int { storedValues(judge).count }

    static func restore(_ judge: inout DigitJudge, from values: [Float]) {
        var offset = 0
        func take(_ shape: [Int]) -> Tensor {
            let count = shape.reduce(1, *)
            defer { offset += count }
            return Tensor(shape: shape, scalars: Array(values[offset..<(offset + count)]))
        }
        for path in DigitJudge.parameterPaths {
            judge[keyPath: path.value] = take(judge[keyPath: path.value].shape)
        }
        for statistics in PopulationStatistics.runningStatistics(in: judge) {
            statistics.mean = take(statistics.mean.shape)
            statistics.variance = take(statistics.variance.shape)
        }
    }

    static func accuracy(of judge: DigitJudge, on images: LabeledImages) -> Double {
        var pixels: [Float] = []
        images.fillBatch(Array(0..<images.count), into: &pixels)
        let probabilities = judge.probabilities(of: pixels)
        let judged = NegativeGeneration.judgedClasses(probabilities: probabilities, classCount: 10)
        let correct = zip(judged, images.labels).filter { $0.0.digit == Int($0.1) }.count
        return Double(correct) / Double(max(images.count, 1))
    }
}
