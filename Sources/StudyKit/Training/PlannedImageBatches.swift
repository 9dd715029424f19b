import Datasets
import TensorCore
import VAEModels

/// Examples a `BatchPlan` draws from: their labels, and the values of chosen examples one
/// after another (images stay bytes and become Float32 one batch at a time).
public protocol LabeledExamples {
    var labels: [Int32] { get }
    /// Examples `indices`, one after another, into `array` (which then holds exactly them).
    func fillBatch(_ indices: [Int], into array: inout [Float])
}

extension LabeledImages: LabeledExamples {}
extension ActivityWindows: LabeledExamples {}

/// Turns a `BatchPlan` into training batches of examples (through one reused staging buffer):
/// MNIST images or UCI-HAR windows alike.
public struct PlannedBatches<Examples: LabeledExamples>: BatchSource {
    public var plan: BatchPlan
    public let examples: Examples
    public let exampleShape: [Int]
    public let classCount: Int
    private var staging: [Float] = []

    public init(plan: BatchPlan, examples: Examples, exampleShape: [Int], classCount: Int) {
        self.plan = plan
        self.examples = examples
        self.exampleShape = exampleShape
        self.classCount = classCount
    }

    public var stepsPerEpoch: Int { plan.stepsPerEpoch }

    public mutating func next() -> TrainingBatch { make(plan.nextBatch()) }

    mutating func make(_ planned: BatchPlan.Batch) -> TrainingBatch {
        examples.fillBatch(planned.indices, into: &staging)
        let rows = planned.indices.count
        var labels = Tensor.zeros([rows, classCount])
        var mask = Tensor.zeros([rows])
        for (row, index) in planned.indices.enumerated() where planned.labeled[row] {
            labels.scalars[row * classCount + Int(examples.labels[index])] = 1
            mask.scalars[row] = 1
        }
        return TrainingBatch(inputs: Tensor(shape: [rows] + exampleShape, scalars: staging),
                             labels: labels, labeledMask: mask)
    }
}

/// Batches of images.
public typealias PlannedImageBatches = PlannedBatches<LabeledImages>

extension PlannedBatches where Examples == LabeledImages {
    public init(plan: BatchPlan, images: LabeledImages, exampleShape: [Int], classCount: Int) {
        self.init(plan: plan, examples: images, exampleShape: exampleShape, classCount: classCount)
    }

    public var images: LabeledImages { examples }
}
