import Datasets
import StudyKit
import TensorCore
import VAEModels

/// Training batches of a factor data set (section 4): observations of a pool of factor
/// vectors, rendered or looked up one batch at a time, with one label and one mask per π head.
///
/// Which pool points make up a batch is paper 1's `BatchPlan` (section 2.3): with labels and an
/// unlabelled pool, half of every batch is labelled (up-sampled) and half drawn from the whole
/// pool; with no labels, every point unlabelled; with labelled points only, every point
/// labelled. A labelled point is labelled for every head (the paper labels all four factors).
struct FactorBatches<Dataset: FactorDataset>: BatchSource {
    var plan: BatchPlan
    let dataset: Dataset
    /// The training pool: one factor vector per point.
    let pool: [[Int]]
    /// The factors that have a π head, in head order.
    let headFactors: [Int]
    let stepsPerEpoch: Int

    init(plan: BatchPlan, dataset: Dataset, pool: [[Int]], headFactors: [Int], stepsPerEpoch: Int) {
        self.plan = plan
        self.dataset = dataset
        self.pool = pool
        self.headFactors = headFactors
        self.stepsPerEpoch = stepsPerEpoch
    }

    mutating func next() -> TrainingBatch {
        let planned = plan.nextBatch()
        let rows = planned.indices.count
        let inputs = Tensor(shape: [rows] + dataset.observationShape,
                            scalars: dataset.observations(for: planned.indices.map { pool[$0] }))
        guard !headFactors.isEmpty else { return TrainingBatch(unlabeled: inputs) }
        let sizes = headFactors.map { dataset.factorSizes[$0] }
        let width = sizes.reduce(0, +)
        var labels = Tensor.zeros([rows, width])
        var mask = Tensor.zeros([rows])
        for (row, index) in planned.indices.enumerated() where planned.labeled[row] {
            var offset = 0
            for (head, factor) in headFactors.enumerated() {
                labels.scalars[row * width + offset + pool[index][factor]] = 1
                offset += sizes[head]
            }
            mask.scalars[row] = 1
        }
        return TrainingBatch(inputs: inputs, labels: labels, labelMasks: Array(repeating: mask, count: headFactors.count))
    }
}
