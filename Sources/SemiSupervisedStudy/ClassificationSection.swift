import Experiments
import StudyKit

/// How many labels a run may use: a budget drawn per seed, or every label.
public enum LabelSetting: Hashable, Sendable, CustomStringConvertible {
    case budget(Int)
    case all

    /// "100 labels", "1000 labels", "all labels" (as in papers/semisupervised-vae/tables.csv).
    public var description: String {
        switch self {
        case .budget(let count): return "\(count) labels"
        case .all: return "all labels"
        }
    }
}

/// One table of the paper: its number, data set, label settings and models.
public struct ClassificationTable: Sendable {
    public let number: Int
    public let dataset: ImageDatasetName
    public let settings: [LabelSetting]
    public let models: [ModelName]

    public init(number: Int, dataset: ImageDatasetName, settings: [LabelSetting], models: [ModelName]) {
        self.number = number
        self.dataset = dataset
        self.settings = settings
        self.models = models
    }

    public var title: String {
        let kind = settings == [.all] ? "Supervised" : "Semi-supervised"
        return "Table \(number): \(kind) \(dataset.title) classification"
    }
}

/// Table 10 (UCI-HAR, section 3.3), the settings of it a section regenerates: SS_RNN against
/// ES_RNN with the recurrent model of Table 15. Its cells run where the UCI-HAR inertial
/// signals are; elsewhere the report shows the rows as not run.
public struct ActivityTable: Sendable {
    public let number: Int
    public let settings: [LabelSetting]
    public static let models: [ModelName] = [ModelName(.semiSupervised, .recurrent), ModelName(.supervisedEncoder, .recurrent)]
    public static let dataset = "uci-har"
    /// The release's training windows (the paper's "7,352 labels") and test windows.
    public static let trainWindows = 7_352
    public static let testWindows = 2_947

    public init(number: Int = 10, settings: [LabelSetting]) {
        self.number = number
        self.settings = settings
    }

    public var title: String {
        "Table 10: UCI-HAR classification, " + settings.map { $0 == .all ? "all 7,352 labels" : $0.description }.joined(separator: " and ")
    }
}

/// A paper section made of classification tables (one executable each).
public struct ClassificationSection: Sendable {
    public let name: String
    public let title: String
    /// What the section tests, for the report's opening paragraph.
    public let question: String
    public let tables: [ClassificationTable]
    /// The UCI-HAR settings of Table 10 this section holds.
    public let activityTable: ActivityTable
    /// The paper's tables of this section that the report does not regenerate, with why.
    public let tablesNotRegenerated: [(table: String, reason: String)]

    public static let models: [ModelName] = [
        ModelName(.semiSupervised, .dense), ModelName(.supervisedEncoder, .dense),
        ModelName(.semiSupervised, .convolutional), ModelName(.supervisedEncoder, .convolutional),
    ]

    /// semisupervised-vae sections 3.1.1 and 3.2.1: Tables 3 and 7.
    public static let semiSupervisedTables = ClassificationSection(
        name: "semisupervised-tables",
        title: "Semi-supervised classification (semisupervised-vae Tables 3 and 7)",
        question: "Does the semi-supervised VAE (SS), trained on all images but only 100 or 1,000 labels, classify better than the same encoder trained on the labeled images alone (ES)?",
        tables: [
            ClassificationTable(number: 3, dataset: .mnist, settings: [.budget(100), .budget(1000)], models: models),
            ClassificationTable(number: 7, dataset: .fashionMNIST, settings: [.budget(100), .budget(1000)], models: models),
        ],
        activityTable: ActivityTable(settings: [.budget(100), .budget(1000)]),
        tablesNotRegenerated: [])

    /// semisupervised-vae sections 3.1.2 and 3.2.2: Tables 4 and 8.
    public static let decoderRegularizer = ClassificationSection(
        name: "decoder-regularizer",
        title: "The decoder as a regulariser (semisupervised-vae Tables 4 and 8)",
        question: "With every training label available, does adding the decoder and the ELBO (SS) still beat the plain classifier (ES)?",
        tables: [
            ClassificationTable(number: 4, dataset: .mnist, settings: [.all], models: models),
            ClassificationTable(number: 8, dataset: .fashionMNIST, settings: [.all], models: models),
        ],
        activityTable: ActivityTable(settings: [.all]),
        tablesNotRegenerated: [])

    public static let all = [semiSupervisedTables, decoderRegularizer]
}
