import Datasets
import StudyKit

/// Table 11 (section 3.3): UCI-HAR with one activity ("walking", class 0) declared anomalous.
/// The model trains on the other five activities' training windows (labels renumbered 0...4)
/// and scores every test window.
public struct ActivityHeldOut: Sendable {
    public static let dataset = "uci-har"
    public static let anomalousClass = 0
    public static let setting = "class 0"
    /// EU_RNN and SS_RNN (the paper's table says ES_RNN; an encoder without a decoder has no
    /// reconstruction probability to score with, so we read it as EU_RNN: deviations.md).
    public static let models = [ModelName(.unsupervisedVAE, .recurrent), ModelName(.semiSupervised, .recurrent)]
    public static let trainWindows = 7_352
    public static let testWindows = 2_947

    /// The normal training windows and the normal test windows (for the classifier's accuracy),
    /// labels renumbered.
    public let normal: ActivityData
    /// Whether each test window (all of them, in order) is of the anomalous activity.
    public let testIsAnomalous: [Bool]

    public init(holdingOut anomalous: Int, from data: ActivityData) {
        func normalPart(_ windows: ActivityWindows) -> ActivityWindows {
            let kept = windows.labels.indices.filter { Int(windows.labels[$0]) != anomalous }
            let subset = windows.subset(kept)
            return ActivityWindows(signals: subset.signals, labels: subset.labels.map { $0 > Int32(anomalous) ? $0 - 1 : $0 })
        }
        normal = ActivityData(train: normalPart(data.train), test: normalPart(data.test))
        testIsAnomalous = data.test.labels.map { Int($0) == anomalous }
    }
}
