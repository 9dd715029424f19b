import _Differentiation
import NeuralLayers
import Randomness
import TensorCore
import XCTest
@testable import VAEModels

/// The one training loop: it learns, it stops early, it anneals, it names a NaN.
final class TrainingLoopTests: XCTestCase {
    /// Two Gaussian blobs in 2-D (centres (−1.5, −1.5) and (1.5, 1.5), unit spread), labelled
    /// by blob, in batches of 32 drawn in turn from a fixed set of 512 points.
    struct Blobs: BatchSource {
        let points: [Float]
        let labels: [Int]
        var cursor = 0
        let batchSize = 32

        init(seed: UInt64, count: Int = 512) {
            var generator = SeededGenerator(seed: seed)
            var points: [Float] = [], labels: [Int] = []
            for i in 0..<count {
                let label = i % 2
                let centre: Float = label == 0 ? -1.5 : 1.5
                points += [centre + generator.normal(), centre + generator.normal()]
                labels.append(label)
            }
            self.points = points
            self.labels = labels
        }

        var stepsPerEpoch: Int { labels.count / batchSize }

        mutating func next() -> TrainingBatch {
            let rows = (cursor..<(cursor + batchSize)).map { $0 % labels.count }
            cursor += batchSize
            var oneHot = Tensor.zeros([batchSize, 2])
            for (row, index) in rows.enumerated() { oneHot.scalars[row * 2 + labels[index]] = 1 }
            return TrainingBatch(inputs: Tensor(shape: [batchSize, 2], scalars: rows.flatMap { [points[2 * $0], points[2 * $0 + 1]] }),
                                 labels: oneHot, labeledMask: Tensor(shape: [batchSize], repeating: 1))
        }

        func accuracy(_ model: DenseSemiSupervisedVAE) -> Double {
            let context = ForwardContext(phase: .inference, generator: SeededGeneratorBox(seed: 0))
            let probabilities = model.classProbabilities(Tensor(shape: [labels.count, 2], scalars: points), in: context)
            let correct = labels.indices.filter { (probabilities.scalars[2 * $0 + 1] > 0.5 ? 1 : 0) == labels[$0] }.count
            return Double(correct) / Double(labels.count)
        }
    }

    private func model(seed: UInt64 = 1) -> DenseSemiSupervisedVAE {
        var generator = SeededGenerator(seed: seed)
        return DenseSemiSupervisedVAE(denseVariant: .semiSupervised, inputSize: 2, hiddenSize: 16, latentSize: 2, classCount: 2,
                                      likelihood: .gaussian(variance: 1), generator: &generator)
    }

    func testTheLoopLearnsTwoBlobs() throws {
        var network = model()
        var optimizer = Adam(for: network, learningRate: 1e-2)
        var batches = Blobs(seed: 2)
        let held = Blobs(seed: 3)
        let before = held.accuracy(network)
        var loop = TrainingLoop<DenseSemiSupervisedVAE>(epochs: 10, context: ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 4)))
        loop.statisticsBatches = nil
        let history = try loop.run(&network, optimizer: &optimizer, batches: &batches) { _, trained in
            ["accuracy": held.accuracy(trained)]
        }
        XCTAssertEqual(history.epochs.count, 10)
        // Two blobs 3σ apart (along the diagonal, 4.2σ): the Bayes accuracy is about 0.98.
        XCTAssertLessThan(before, 0.75, "the untrained model is not already right")
        XCTAssertGreaterThan(try XCTUnwrap(history.last?.metrics["accuracy"]), 0.95)
        let losses = history.series("train_loss")
        XCTAssertLessThan(losses.last!, losses.first! - 0.5, "the loss falls: \(losses)")
        XCTAssertLessThan(history.series("train_classification").last!, 0.2)
    }

    func testSameSeedSameModel() throws {
        func train() throws -> [Float] {
            var network = model()
            var optimizer = Adam(for: network, learningRate: 1e-2)
            var batches = Blobs(seed: 2)
            try TrainingLoop<DenseSemiSupervisedVAE>(epochs: 2, context: ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 4)))
                .run(&network, optimizer: &optimizer, batches: &batches)
            return network.parameterTensors.flatMap(\.scalars)
        }
        XCTAssertEqual(try train(), try train())
    }

    func testAdjustRunsBeforeEveryStepWithTheGlobalStep() throws {
        var network = model()
        var optimizer = Adam(for: network, learningRate: 1e-3)
        var batches = Blobs(seed: 2)
        var loop = TrainingLoop<DenseSemiSupervisedVAE>(epochs: 2, context: ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 4)))
        var seen: [Int] = []
        let schedule = SigmoidalSchedule(from: 0, to: 1, over: Double(2 * batches.stepsPerEpoch))
        loop.adjust = { model, step in
            seen.append(step)
            model.klWeight = schedule(step)
        }
        try loop.run(&network, optimizer: &optimizer, batches: &batches)
        XCTAssertEqual(seen, Array(0..<(2 * batches.stepsPerEpoch)))
        XCTAssertEqual(network.klWeight, schedule(2 * batches.stepsPerEpoch - 1))
    }

    /// The schedule sets the optimiser's rate before each epoch: a rate of 0 for the second
    /// epoch leaves the first epoch's model exactly, and the last epoch's rate stays set.
    func testLearningRateScheduleSetsEachEpochsRate() throws {
        func train(epochs: Int, schedule: ((Int) -> Float)?) throws -> (parameters: [Float], rate: Float) {
            var network = model()
            var optimizer = Adam(for: network, learningRate: 1e-2)
            var batches = Blobs(seed: 2)
            var loop = TrainingLoop<DenseSemiSupervisedVAE>(epochs: epochs, context: ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 4)))
            loop.learningRate = schedule
            try loop.run(&network, optimizer: &optimizer, batches: &batches)
            return (network.parameterTensors.flatMap(\.scalars), optimizer.learningRate)
        }
        let oneEpoch = try train(epochs: 1, schedule: nil)
        let frozenSecond = try train(epochs: 2, schedule: { $0 == 1 ? 1e-2 : 0 })
        XCTAssertEqual(frozenSecond.parameters, oneEpoch.parameters)
        XCTAssertEqual(frozenSecond.rate, 0)
        let twoEpochs = try train(epochs: 2, schedule: nil)
        XCTAssertNotEqual(twoEpochs.parameters, oneEpoch.parameters, "the second epoch moves the model at the optimiser's own rate")
        XCTAssertEqual(twoEpochs.rate, 1e-2)
    }

    func testEarlyStoppingKeepsTheBestEpoch() throws {
        var network = model()
        var optimizer = Adam(for: network, learningRate: 1e-2)
        var batches = Blobs(seed: 2)
        var loop = TrainingLoop<DenseSemiSupervisedVAE>(epochs: 10, context: ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 4)))
        loop.earlyStopping = EarlyStopping(metric: "validation", patience: 2)
        // A made-up validation curve with its minimum at epoch 3.
        let curve: [Double] = [5, 4, 1, 2, 3, 4, 5, 6, 7, 8]
        var snapshots: [Int: [Float]] = [:]
        let history = try loop.run(&network, optimizer: &optimizer, batches: &batches) { epoch, trained in
            snapshots[epoch] = trained.parameterTensors.flatMap(\.scalars)
            return ["validation": curve[epoch - 1]]
        }
        XCTAssertTrue(history.stoppedEarly)
        XCTAssertEqual(history.keptEpoch, 3)
        XCTAssertEqual(history.epochs.count, 5, "stopped after 2 epochs without improvement")
        XCTAssertEqual(network.parameterTensors.flatMap(\.scalars), snapshots[3], "the model of the best epoch is handed back")
    }

    func testANonFiniteLossNamesTheTermTheEpochAndTheStep() {
        var network = model()
        var optimizer = Adam(for: network, learningRate: 1e-2)
        var batches = Blobs(seed: 2)
        var loop = TrainingLoop<DenseSemiSupervisedVAE>(epochs: 3, context: ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 4)))
        loop.adjust = { model, step in if step == 20 { model.klWeight = .nan } }
        XCTAssertThrowsError(try loop.run(&network, optimizer: &optimizer, batches: &batches)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("KL term"), text)
            XCTAssertTrue(text.contains("epoch 2, step 5"), text)
        }
    }
}
