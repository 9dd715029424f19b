import Datasets

/// One class of an image data set declared anomalous (sections 3.1.3, 3.2.3): the model
/// trains on the other classes and scores every test image.
public struct HeldOutClassData: Sendable {
    public let dataset: ImageDatasetName
    public let anomalousClass: Int
    /// The normal classes, in order; class `normalClasses[k]` is label k for the classifier.
    public let normalClasses: [Int]
    /// The training images of the normal classes, labels renumbered 0..<normalClasses.count.
    public let train: LabeledImages
    /// The normal test images, renumbered the same way (the classifier's accuracy).
    public let normalTest: LabeledImages
    /// Every test image (normal and anomalous), as the encoder reads it, one after another.
    public let testPixels: [Float]
    /// Whether each test image belongs to the anomalous class (the positives of the ROC).
    public let testIsAnomalous: [Bool]
    /// The original class of each test image (0..<classCount), in the same order.
    public let testClasses: [Int32]

    /// Splits `data` (the whole training and test splits of the cell) around `anomalousClass`.
    public init(holdingOut anomalousClass: Int, from data: ImageClassificationData, classCount: Int = 10) {
        precondition((0..<classCount).contains(anomalousClass), "HeldOutClassData: class \(anomalousClass) is outside 0..<\(classCount)")
        dataset = data.name
        self.anomalousClass = anomalousClass
        normalClasses = (0..<classCount).filter { $0 != anomalousClass }
        let split = Splits.holdOutClass(Int32(anomalousClass), trainLabels: data.train.labels, testLabels: data.test.labels)
        train = Self.renumbered(data.train.subset(split.train), normalClasses: normalClasses)
        normalTest = Self.renumbered(data.test.subset(split.test.filter { !split.testIsAnomalous[$0] }),
                                     normalClasses: normalClasses)
        var pixels: [Float] = []
        data.test.fillBatch(split.test, into: &pixels)
        testPixels = pixels
        testIsAnomalous = split.testIsAnomalous
        testClasses = split.test.map { data.test.labels[$0] }
    }

    /// `images` with class `normalClasses[k]` relabeled k.
    static func renumbered(_ images: LabeledImages, normalClasses: [Int]) -> LabeledImages {
        var index = [Int32](repeating: -1, count: (normalClasses.max() ?? 0) + 2)
        for (k, c) in normalClasses.enumerated() { index[c] = Int32(k) }
        return LabeledImages(pixels: images.pixels, labels: images.labels.map { index[Int($0)] }, shape: images.shape)
    }

    /// The training and normal test images as the classification loop reads them.
    public var normalData: ImageClassificationData {
        ImageClassificationData(name: dataset, train: train, test: normalTest)
    }
}
