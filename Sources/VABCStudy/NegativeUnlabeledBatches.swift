import Randomness
import TensorCore
import VAEModels

/// V-ABC's mini-batches (vabc V-B): half unlabeled (y = 1), half unwanted (y = 0) in every
/// batch. An epoch is one pass over the unlabeled fold in a fresh random order; the unwanted
/// fold, usually the smaller, is cycled in its own reshuffled order. Without unwanted examples
/// (the VAE baseline) every batch is unlabeled.
public struct NegativeUnlabeledBatches: BatchSource {
    public let unlabeled: [Int]
    public let unwanted: [Int]
    public let batchSize: Int
    /// `[count] + example shape` inputs for the given example indices.
    let inputs: ([Int]) -> Tensor
    var generator: SeededGenerator
    private var unlabeledCursor: Cursor
    private var unwantedCursor: Cursor

    public init(unlabeled: [Int], unwanted: [Int], batchSize: Int, generator: SeededGenerator,
                inputs: @escaping ([Int]) -> Tensor) {
        precondition(!unlabeled.isEmpty, "NegativeUnlabeledBatches: the unlabeled fold is empty")
        precondition(batchSize >= 2 && (unwanted.isEmpty || batchSize % 2 == 0),
                     "NegativeUnlabeledBatches: a balanced batch needs an even size, got \(batchSize)")
        self.unlabeled = unlabeled
        self.unwanted = unwanted
        self.batchSize = batchSize
        self.inputs = inputs
        self.generator = generator
        unlabeledCursor = Cursor(unlabeled)
        unwantedCursor = Cursor(unwanted)
    }

    public var unlabeledPerBatch: Int { unwanted.isEmpty ? batchSize : batchSize / 2 }

    public var stepsPerEpoch: Int { (unlabeled.count + unlabeledPerBatch - 1) / unlabeledPerBatch }

    public mutating func next() -> TrainingBatch {
        var indices = unlabeledCursor.take(unlabeledPerBatch, &generator)
        let wantedCount = indices.count
        if !unwanted.isEmpty { indices += unwantedCursor.take(batchSize - unlabeledPerBatch, &generator) }
        let y = Tensor(shape: [indices.count], scalars: (0..<indices.count).map { $0 < wantedCount ? 1 : 0 })
        return TrainingBatch(unlabeled: inputs(indices), wanted: y)
    }

    /// Walks a fold in random order, reshuffling after each pass.
    struct Cursor {
        let fold: [Int]
        var order: [Int] = []
        var position = 0

        init(_ fold: [Int]) { self.fold = fold }

        mutating func take(_ count: Int, _ generator: inout SeededGenerator) -> [Int] {
            var taken: [Int] = []
            while taken.count < count && !fold.isEmpty {
                if position == order.count {
                    order = fold
                    generator.shuffle(&order)
                    position = 0
                }
                taken.append(order[position])
                position += 1
            }
            return taken
        }
    }
}
