import Foundation

/// MNIST and Fashion-MNIST: the same IDX files, 60,000 training and 10,000 test 28×28 images.
public enum ImageSplit: String, Sendable { case train, test }

public enum MNIST {
    /// Digits 0...9 (Fashion-MNIST: ten garment classes); labels outside are an error.
    public static let classCount = 10

    /// Loads a split from the four .gz files in `directory` (as distributed). This is the
    /// function the benchmark times: gunzip + IDX parsing of 60,000 images into bytes.
    public static func load(_ split: ImageSplit, directory: URL) throws -> LabeledImages {
        let prefix = split == .train ? "train" : "t10k"
        return try IDX.loadImageSet(images: directory.appendingPathComponent("\(prefix)-images-idx3-ubyte.gz"),
                                    labels: directory.appendingPathComponent("\(prefix)-labels-idx1-ubyte.gz"),
                                    expectedCount: split == .train ? 60_000 : 10_000, classCount: classCount)
    }

    /// Ensures the data set is in `store` (mirror or download), then loads it.
    public static func load(_ split: ImageSplit, store: DataStore) throws -> LabeledImages {
        try store.ensure(.mnist)
        return try load(split, directory: store.directory(for: .mnist))
    }
}

public enum FashionMNIST {
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    public static func load(_ split: ImageSplit, directory: URL) throws -> LabeledImages {
        try MNIST.load(split, directory: directory)
    }

    public static func load(_ split: ImageSplit, store: DataStore) throws -> LabeledImages {
        try store.ensure(.fashionMNIST)
        return try load(split, directory: store.directory(for: .fashionMNIST))
    }
}
