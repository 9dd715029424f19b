import Datasets
import StudyKit
import VAEModels

/// The image data sets of AnoDM's Tables 1 and 2, each with its Table 3 network. MNIST and
/// Fashion-MNIST run here; CIFAR-10 and Small-NORB wherever `make data` finds their files
/// (their cells are reported "not run: data absent" otherwise).
public enum AnoDMDataset: String, CaseIterable, Sendable, NamedChoice {
    // Raw values are the cells' `dataset` and papers/anodm/tables.csv's names.
    case mnist = "mnist"
    case fashionMNIST = "fashion-mnist"
    case cifar10 = "cifar10"
    case smallNORB = "smallnorb"

    public static let kind = "data set"

    public var title: String {
        switch self {
        case .mnist: return "MNIST"
        case .fashionMNIST: return "Fashion-MNIST"
        case .cifar10: return "CIFAR-10"
        case .smallNORB: return "Small-NORB"
        }
    }

    /// Small-NORB's classes are its five object categories.
    public var classCount: Int { self == .smallNORB ? 5 : 10 }

    public var architecture: AnoDMImageArchitecture {
        switch self {
        case .mnist, .fashionMNIST: return .digits
        case .cifar10: return .cifar10
        case .smallNORB: return .smallNORB
        }
    }

    /// The sizes of the official splits (a cell takes the first N of each).
    public var trainingImageCount: Int {
        switch self {
        case .mnist, .fashionMNIST: return 60_000
        case .cifar10: return 50_000
        case .smallNORB: return 24_300
        }
    }

    public var testImageCount: Int { self == .smallNORB ? 24_300 : 10_000 }

    /// Where the data set's files are kept (`data/<name>/`).
    public var storedName: DatasetName {
        switch self {
        case .mnist: return .mnist
        case .fashionMNIST: return .fashionMNIST
        case .cifar10: return .cifar10
        case .smallNORB: return .smallNORB
        }
    }

    /// Figure 2's heatmap classes (MNIST digit 7, Fashion-MNIST "Dress"); the other two data
    /// sets have no heatmap in the paper.
    public var heatmapClass: Int? {
        switch self {
        case .mnist: return 7
        case .fashionMNIST: return 3
        case .cifar10, .smallNORB: return nil
        }
    }

    static let fashionClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                                    "Sneaker", "Bag", "Ankle Boot"]
    static let smallNORBCategories = ["animal", "human", "airplane", "truck", "car"]

    /// "digit 7", "3 (Dress)", "3 (cat)", "1 (human)".
    public func className(_ index: Int) -> String {
        switch self {
        case .mnist: return "digit \(index)"
        case .fashionMNIST: return "\(index) (\(Self.fashionClassNames[index]))"
        case .cifar10: return "\(index) (\(CIFAR10.classNames[index]))"
        case .smallNORB: return "\(index) (\(Self.smallNORBCategories[index]))"
        }
    }

    /// The whole training and test splits, fetched (mirror or official servers) and parsed.
    public func load(store: DataStore) throws -> (train: LabeledImages, test: LabeledImages) {
        switch self {
        case .mnist, .fashionMNIST:
            let data = try ImageClassificationData.load(self == .mnist ? .mnist : .fashionMNIST, store: store)
            return (data.train, data.test)
        case .cifar10:
            return (try CIFAR10.load(.train, store: store), try CIFAR10.load(.test, store: store))
        case .smallNORB:
            return (try SmallNORB.load(.training, store: store).categoryImages(),
                    try SmallNORB.load(.testing, store: store).categoryImages())
        }
    }
}

/// Each data set read once per process, for every cell that needs it.
final class AnoDMImageCache {
    private var loaded: [AnoDMDataset: (train: LabeledImages, test: LabeledImages)] = [:]

    func of(_ dataset: AnoDMDataset, store: DataStore) throws -> (train: LabeledImages, test: LabeledImages) {
        if let images = loaded[dataset] { return images }
        let images = try dataset.load(store: store)
        loaded[dataset] = images
        return images
    }
}
