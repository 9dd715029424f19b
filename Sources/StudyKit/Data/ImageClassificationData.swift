import Datasets
import Foundation

/// The image data sets of the classification tables: MNIST (Tables 3, 4) and Fashion-MNIST
/// (Tables 7, 8), kept as bytes and converted to Float32 per batch.
public enum ImageDatasetName: String, Codable, CaseIterable, Sendable, NamedChoice {
    case mnist = "mnist"
    case fashionMNIST = "fashion-mnist"

    public static let kind = "data set"

    public var title: String { self == .mnist ? "MNIST" : "Fashion-MNIST" }

    /// The data set as the data store names it.
    public var datasetName: DatasetName { self == .mnist ? .mnist : .fashionMNIST }
}

/// A training and a test split of one image data set.
public struct ImageClassificationData: Sendable {
    public let name: ImageDatasetName
    public let train: LabeledImages
    public let test: LabeledImages

    public init(name: ImageDatasetName, train: LabeledImages, test: LabeledImages) {
        self.name = name
        self.train = train
        self.test = test
    }

    /// Fetches (from the mirror or the official servers) and parses the data set.
    public static func load(_ name: ImageDatasetName, store: DataStore) throws -> ImageClassificationData {
        switch name {
        case .mnist:
            return ImageClassificationData(name: name, train: try MNIST.load(.train, store: store),
                                           test: try MNIST.load(.test, store: store))
        case .fashionMNIST:
            return ImageClassificationData(name: name, train: try FashionMNIST.load(.train, store: store),
                                           test: try FashionMNIST.load(.test, store: store))
        }
    }

    /// The first `trainCount` training and `testCount` test images (the smoke profile's
    /// tiny subsets), or the whole splits when nil.
    public func prefix(train trainCount: Int?, test testCount: Int?) -> ImageClassificationData {
        func cut(_ images: LabeledImages, _ count: Int?) -> LabeledImages {
            guard let count, count < images.count else { return images }
            return images.subset(Array(0..<count))
        }
        return ImageClassificationData(name: name, train: cut(train, trainCount), test: cut(test, testCount))
    }

    public var classCount: Int { 10 }
}
