import Randomness
import VAEModels

/// Which training images make up each batch of an epoch (semisupervised-vae section 2.3).
///
/// - SS with a label budget: every batch is half labeled, half unlabeled (1:1). The few
///   labeled points are up-sampled: they are drawn from a list of reshuffled copies of the
///   labeled set, so each appears about equally often. The unlabeled half comes from the whole
///   training set with its labels discarded (the paper keeps the images of labeled points).
/// - SS with every label: every point of every batch is labeled.
/// - ES: every batch holds labeled points only (up-sampled the same way).
/// - EU: every batch holds unlabeled points only.
///
/// An epoch is `trainCount / batchSize` steps for every model, so SS and ES see the same
/// number of gradient steps per epoch whatever the budget (deviations.md).
public struct BatchPlan {
    public struct Batch {
        public var indices: [Int]
        /// 1 where the point's label is used.
        public var labeled: [Bool]
    }

    public let variant: ModelVariant
    public let trainCount: Int
    public let batchSize: Int
    public let everyPointLabeled: Bool
    private var labeled: ShuffledCycle
    private var unlabeled: ShuffledCycle

    /// - Parameter everyPointLabeled: whether SS batches hold labeled points only; by default
    ///   when every training point is labeled. Pass `true` when `labeledIndices` repeats points
    ///   on purpose (the feedback examples of section 5 are up-sampled that way).
    public init(variant: ModelVariant, labeledIndices: [Int], trainCount: Int, batchSize: Int,
                generator: SeededGenerator, everyPointLabeled: Bool? = nil) {
        precondition(batchSize >= 2 && batchSize % 2 == 0, "BatchPlan: the batch size must be even, got \(batchSize)")
        precondition(!(variant.hasClassifier && labeledIndices.isEmpty), "BatchPlan: model \(variant.rawValue) needs labels")
        self.variant = variant
        self.trainCount = trainCount
        self.batchSize = batchSize
        self.everyPointLabeled = everyPointLabeled ?? (labeledIndices.count == trainCount)
        labeled = ShuffledCycle(pool: labeledIndices, generator: generator.derived("labeled"))
        unlabeled = ShuffledCycle(pool: Array(0..<trainCount), generator: generator.derived("unlabeled"))
    }

    public var stepsPerEpoch: Int { max(1, trainCount / batchSize) }

    /// The next batch (the plan is an endless stream; epochs are counted by the caller).
    public mutating func nextBatch() -> Batch {
        switch variant {
        case .supervisedEncoder:
            return Batch(indices: labeled.take(batchSize), labeled: Array(repeating: true, count: batchSize))
        case .unsupervisedVAE:
            return Batch(indices: unlabeled.take(batchSize), labeled: Array(repeating: false, count: batchSize))
        case .semiSupervised:
            if everyPointLabeled {
                return Batch(indices: labeled.take(batchSize), labeled: Array(repeating: true, count: batchSize))
            }
            let half = batchSize / 2
            return Batch(indices: labeled.take(half) + unlabeled.take(half),
                         labeled: Array(repeating: true, count: half) + Array(repeating: false, count: half))
        }
    }
}

/// An endless stream over a pool: each pass is a fresh shuffle of the whole pool, so every
/// item appears once per pass (how the few labeled points are up-sampled).
struct ShuffledCycle {
    let pool: [Int]
    var generator: SeededGenerator
    private var pass: [Int] = []

    init(pool: [Int], generator: SeededGenerator) {
        self.pool = pool
        self.generator = generator
    }

    mutating func take(_ count: Int) -> [Int] {
        var taken: [Int] = []
        taken.reserveCapacity(count)
        while taken.count < count {
            if pass.isEmpty {
                pass = pool
                generator.shuffle(&pass)
                pass.reverse()   // removeLast then yields the shuffled order
            }
            taken.append(pass.removeLast())
        }
        return taken
    }
}
