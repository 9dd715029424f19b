import Datasets
import Experiments
import StudyKit

/// The three encoders of AnoDM Figure 5 (Table 3's TCN; the CNN and LSTM of deviations.md).
public enum HeartbeatEncoderName: String, Codable, CaseIterable, Sendable {
    case tcn, cnn, lstm
    public var title: String { rawValue.uppercased() }
}

/// A cell's hyperparameters (their keys are hashed into the cell id), read and checked once.
public struct HeartbeatCellParameters: CellHyperparameters, Equatable {
    public var encoder: HeartbeatEncoderName
    /// β of eq. 1 and the capacity C (0: the plain β-VAE, as in the images section).
    public var beta: Double
    public var capacity: Double
    public var latentSize: Int
    public var likelihood: LikelihoodName
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    public var split: HeartbeatSplit
    /// The seed of the train/test split and of the subsets: one per profile, so every encoder,
    /// class and β sees the same beats.
    public var splitSeed: Int
    /// A stratified sample of this many normal training beats (nil: all of them).
    public var trainBeats: Int?
    /// A stratified sample of this many test beats, every class (nil: all of them).
    public var testBeats: Int?
    /// The AAMI class held out as anomalous, 0...4 (N, S, V, F, Q).
    public var anomalousClass: Int
    public var mapTrainingPoints: Int
    public var tsneIterations: Int
    /// Whether a second map of sampled z (Table 2's z-based rows) is fitted too.
    public var zBasedMap: Bool

    enum CodingKeys: String, CodingKey {
        case encoder, beta, capacity, likelihood, epochs, split
        case latentSize = "latent_size", batchSize = "batch_size", learningRate = "learning_rate",
             splitSeed = "split_seed", trainBeats = "train_beats", testBeats = "test_beats",
             anomalousClass = "anomalous_class", mapTrainingPoints = "map_training_points",
             tsneIterations = "tsne_iterations", zBasedMap = "z_based_map"
    }

    public func validate(in cell: CellConfiguration) throws {
        guard beta > 0, capacity >= 0 else {
            throw StudyError.invalidArgument("cell \(cell.id): β \(beta) must be positive and C \(capacity) non-negative")
        }
        guard (0..<Heartbeats.AAMIClass.allCases.count).contains(anomalousClass) else {
            throw StudyError.invalidArgument("cell \(cell.id): anomalous_class \(anomalousClass) is not an AAMI class 0...4")
        }
        guard latentSize > 0, epochs > 0, batchSize > 0, mapTrainingPoints > 1, tsneIterations > 0,
              (trainBeats ?? 1) > 0, (testBeats ?? 1) > 0 else {
            throw StudyError.invalidArgument("cell \(cell.id): sizes and counts must be positive")
        }
    }
}
