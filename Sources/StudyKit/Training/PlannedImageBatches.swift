import Datasets
import TensorCore
import VAEModels

/// Turns a `BatchPlan` into training batches of images (bytes become Float32 one batch at a
/// time, through one reused staging buffer).
public struct PlannedImageBatches: BatchSource {
    public var plan: BatchPlan
    public let images: LabeledImages
    public let exampleShape: [Int]
    public let classCount: Int
    private var staging: [Float] = []

    public init(plan: BatchPlan, images: LabeledImages, exampleShape: [Int], classCount: Int) {
        self.plan = plan
        self.images = images
        self.exampleShape = exampleShape
        self.classCount = classCount
    }

    public var stepsPerEpoch: Int { plan.stepsPerEpoch }

    public mutating func next() -> TrainingBatch { make(plan.nextBatch()) }

    mutating func make(_ planned: BatchPlan.Batch) -> TrainingBatch {
        images.fillBatch(planned.indices, into: &staging)
        let rows = planned.indices.count
        var labels = Tensor.zeros([rows, classCount])
        var mask = Tensor.zeros([rows])
        for (row, index) in planned.indices.enumerated() where planned.labeled[row] {
            labels.scalars[row * classCount + Int(images.labels[index])] = 1
            mask.scalars[row] = 1
        }
        return TrainingBatch(inputs: Tensor(shape: [rows] + exampleShape, scalars: staging),
                             labels: labels, labeledMask: mask)
    }
}
