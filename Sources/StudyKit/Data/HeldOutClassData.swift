import Datasets

/// One class of an image data set declared anomalous (sections 3.1.3, 3.2.3): the model
/// trains on the other classes and scores every test image.
public struct HeldOutClassData: Sendable {
    /// Paper 1's data set the images come from; nil for other image sets (AnoDM's CIFAR-10 and
    /// Small-NORB), which only the anomaly scores read.
    public let dataset: ImageDatasetName?
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
        self.init(holdingOut: anomalousClass, train: data.train, test: data.test, classCount: classCount, dataset: data.name)
    }

    /// Splits any labelled training and test images of `classCount` classes around
    /// `anomalousClass`.
    public init(holdingOut anomalousClass: Int, train trainImages: LabeledImages, test testImages: LabeledImages,
                classCount: Int, dataset: ImageDatasetName? = nil) {
        precondition((0..<classCount).contains(anomalousClass), "HeldOutClassData: class \(anomalousClass) is outside 0..<\(classCount)")
        self.dataset = dataset
        self.anomalousClass = anomalousClass
        normalClasses = (0..<classCount).filter { $0 != anomalousClass }
        let split = Splits.holdOutClass(Int32(anomalousClass), trainLabels: trainImages.labels, testLabels: testImages.labels)
        train = Self.renumbered(trainImages.subset(split.train), normalClasses: normalClasses)
        normalTest = Self.renumbered(testImages.subset(split.test.filter { !split.testIsAnomalous[$0] }),
                                     normalClasses: normalClasses)
        var pixels: [Float] = []
        testImages.fillBatch(split.test, into: &pixels)
        testPixels = pixels
        testIsAnomalous = split.testIsAnomalous
        testClasses = split.test.map { testImages.labels[$0] }
    }

    /// `images` with class `normalClasses[k]` relabeled k.
    static func renumbered(_ images: LabeledImages, normalClasses: [Int]) -> LabeledImages {
        var index = [Int32](repeating: -1, count: (normalClasses.max() ?? 0) + 2)
        for (k, c) in normalClasses.enumerated() { index[c] = Int32(k) }
        return LabeledImages(pixels: images.pixels, labels: images.labels.map { index[Int($0)] }, shape: images.shape)
    }

    /// The training and normal test images as the classification loop reads them (paper 1's
    /// data sets only: the loop's data names its set).
    public var normalData: ImageClassificationData {
        guard let dataset else {
            preconditionFailure("HeldOutClassData.normalData: the images are not one of paper 1's data sets")
        }
        return ImageClassificationData(name: dataset, train: train, test: normalTest)
    }
}
