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
/// that reaches MNIST's usual > 99 % in two epochs on two cores (papers/vabc/deviations.md):
/// 28×28×1 → conv 5×5, 32, stride 2, ReLU (14×14) → conv 5×5, 64, stride 2, ReLU (7×7) →
/// dense 3136 → 10.
public struct DigitJudge: TrainableModel {
    public var conv1: Conv2D
    public var conv2: Conv2D
    public var logits: Dense

    public init(generator: inout SeededGenerator) {
        conv1 = Conv2D(kernelSize: 5, inputChannels: 1, outputChannels: 32, stride: 2, activation: .relu, generator: &generator)
        conv2 = Conv2D(kernelSize: 5, inputChannels: 32, outputChannels: 64, stride: 2, activation: .relu, generator: &generator)
        logits = Dense(inputSize: 7 * 7 * 64, outputSize: 10, generator: &generator)
    }

    /// `[batch, 28, 28, 1]` → logits `[batch, 10]`.
    @differentiable(reverse)
    public func callAsFunction(_ images: Tensor) -> Tensor {
        logits(conv2(conv1(images)).flattenedBatch())
    }

    @differentiable(reverse, wrt: self)
    public func loss(_ batch: JudgeBatch, in context: ForwardContext, terms: LossRecorder?) -> Tensor {
        let loss = maskedCategoricalCrossEntropy(logits: self(batch.images), classIndices: batch.labels,
                                                 mask: Tensor(shape: [batch.labels.count], repeating: 1))
        terms?.terms.classification = withoutDerivative(at: loss).scalar
        return loss
    }

    /// Class probabilities of `[count · 784]` pixel values in [0, 1], `[count · 10]`.
    public func probabilities(of images: [Float]) -> [Float] {
        BatchedInference.map(images, exampleShape: [28, 28, 1]) { softmax(self($0)) }
    }

    public static var parameterPaths: [ParameterPath<DigitJudge>] {
        Conv2D.parameters(at: \.conv1, \.conv1, named: "conv1") + Conv2D.parameters(at: \.conv2, \.conv2, named: "conv2")
            + Dense.parameters(at: \.logits, \.logits, named: "logits")
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
public struct TrainedJudge {
    public static let batchSize = 100
    public let judge: DigitJudge
    public let testAccuracy: Double
    public let seed: UInt64
    public let epochs: Int
    public let trainImages: Int

    /// The judge for `seed`: from the cache when present, else trained and cached.
    public static func load(seed: UInt64, epochs: Int, data: ImageClassificationData, cacheFolder: URL,
                            log: (String) -> Void = { print($0) }) throws -> TrainedJudge {
        let file = cacheFolder.appendingPathComponent("judge-v1-seed\(seed)-e\(epochs)-b\(batchSize)-n\(data.train.count).bin")
        var initialisation = SeededGenerator(seed: seed).derived("judge-initialisation")
        var judge = DigitJudge(generator: &initialisation)
        if let stored = try? Data(contentsOf: file), stored.count == judge.parameterCount * 4 {
            var values = [Float](repeating: 0, count: judge.parameterCount)
            _ = values.withUnsafeMutableBytes { stored.copyBytes(to: $0) }
            var offset = 0
            for path in DigitJudge.parameterPaths {
                let shape = judge[keyPath: path.value].shape
                let count = shape.reduce(1, *)
                judge[keyPath: path.value] = Tensor(shape: shape, scalars: Array(values[offset..<(offset + count)]))
                offset += count
            }
        } else {
            log("training the CNN judge (seed \(seed), \(epochs) epochs on \(data.train.count) MNIST images)")
            var optimizer = Adam(for: judge)
            var batches = JudgeBatches(images: data.train, batchSize: batchSize,
                                       generator: SeededGenerator(seed: seed).derived("judge-batches"))
            let loop = TrainingLoop<DigitJudge>(epochs: epochs, context: ForwardContext(
                phase: .training, generator: SeededGeneratorBox(SeededGenerator(seed: seed).derived("judge-noise"))))
            try loop.run(&judge, optimizer: &optimizer, batches: &batches)
            try FileManager.default.createDirectory(at: cacheFolder, withIntermediateDirectories: true)
            let values = judge.parameterTensors.flatMap(\.scalars)
            try AtomicFile.write(values.withUnsafeBytes { Data($0) }, to: file)
        }
        return TrainedJudge(judge: judge, testAccuracy: accuracy(of: judge, on: data.test), seed: seed,
                            epochs: epochs, trainImages: data.train.count)
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
