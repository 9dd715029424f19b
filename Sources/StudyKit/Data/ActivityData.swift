import Datasets
import Foundation

/// UCI-HAR windows as paper 1's recurrent model reads them (Table 15: 128 steps × 6 features,
/// the body acceleration and angular velocity), each channel standardised with the training
/// split's mean and standard deviation (the paper says nothing; the raw channels differ in
/// scale by about 5×, deviations.md).
public struct ActivityWindows: Sendable {
    /// `[count, 128, 6]`, step major, channel last.
    public let signals: [Float]
    /// Activity per window, 0...5 (`UCIHAR.activityNames`).
    public let labels: [Int32]
    public static let windowShape = [UCIHAR.stepsPerWindow, UCIHAR.paperChannels.count]
    public static var windowSize: Int { windowShape.reduce(1, *) }

    public init(signals: [Float], labels: [Int32]) {
        precondition(signals.count == labels.count * Self.windowSize, "ActivityWindows: \(signals.count) values for \(labels.count) windows")
        self.signals = signals
        self.labels = labels
    }

    public var count: Int { labels.count }

    /// Windows `indices`, one after another, into `array` (which then holds exactly them).
    public func fillBatch(_ indices: [Int], into array: inout [Float]) {
        let size = Self.windowSize
        array.removeAll(keepingCapacity: true)
        array.reserveCapacity(indices.count * size)
        for index in indices { array += signals[(index * size)..<((index + 1) * size)] }
    }

    /// The windows `indices` (in that order).
    public func subset(_ indices: [Int]) -> ActivityWindows {
        var values: [Float] = []
        fillBatch(indices, into: &values)
        return ActivityWindows(signals: values, labels: indices.map { labels[$0] })
    }
}

/// The UCI-HAR training and test splits (7,352 and 2,947 windows in the release).
public struct ActivityData: Sendable {
    public let train: ActivityWindows
    public let test: ActivityWindows
    public static let classCount = UCIHAR.activityNames.count

    public init(train: ActivityWindows, test: ActivityWindows) {
        self.train = train
        self.test = test
    }

    /// Fetches (from the mirror or the official server) and parses the release.
    public static func load(store: DataStore) throws -> ActivityData {
        try standardised(train: UCIHAR.load(.train, store: store), test: UCIHAR.load(.test, store: store))
    }

    /// Parses a folder laid out like the release (`train/Inertial Signals/...`), unchecked row counts.
    public static func load(directory: URL) throws -> ActivityData {
        try standardised(train: UCIHAR.load(.train, directory: directory), test: UCIHAR.load(.test, directory: directory))
    }

    /// Both splits with every channel shifted and scaled by the training split's mean and
    /// standard deviation (over all windows and steps).
    static func standardised(train: UCIHAR, test: UCIHAR) throws -> ActivityData {
        let channels = train.channels.count
        guard train.count > 0, test.channels == train.channels else {
            throw StudyError.invalidArgument("UCI-HAR: the training split is empty or the splits have different channels")
        }
        var mean = [Double](repeating: 0, count: channels), square = [Double](repeating: 0, count: channels)
        for (k, value) in train.signals.enumerated() {
            mean[k % channels] += Double(value)
            square[k % channels] += Double(value) * Double(value)
        }
        let perChannel = Double(train.signals.count / channels)
        let centre = mean.map { $0 / perChannel }
        let scale = zip(square, centre).map { max(($0 / perChannel - $1 * $1).squareRoot(), 1e-8) }
        func transformed(_ split: UCIHAR) -> ActivityWindows {
            ActivityWindows(signals: split.signals.enumerated().map { k, value in
                Float((Double(value) - centre[k % channels]) / scale[k % channels]) }, labels: split.labels)
        }
        return ActivityData(train: transformed(train), test: transformed(test))
    }

    /// The first `trainCount` training and `testCount` test windows (nil: all).
    public func prefix(train trainCount: Int?, test testCount: Int?) -> ActivityData {
        func cut(_ windows: ActivityWindows, _ count: Int?) -> ActivityWindows {
            guard let count, count < windows.count else { return windows }
            return windows.subset(Array(0..<count))
        }
        return ActivityData(train: cut(train, trainCount), test: cut(test, testCount))
    }
}
