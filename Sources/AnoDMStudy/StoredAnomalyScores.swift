import Experiments
import Metrics
import Reports

/// The per-example scores of one AnoDM cell as its run keeps them, so that the ROC figures
/// (Figure 4 of the image section, Figure 6c of the ECG section) are redrawn from the run
/// files without training: the `scores` array, shape [4, test examples], Float32 like every
/// run array, rows D_RE, D_tSNE (k = 1), the latent 1-NN distance and the label (1 anomaly,
/// 0 normal). Both sections write and read it through this type only.
public struct StoredAnomalyScores: Equatable {
    /// The name of the run array.
    public static let arrayName = "scores"

    public let reconstruction: [Double]
    public let tsneDistance: [Double]
    public let latentDistance: [Double]
    public let isAnomaly: [Bool]

    /// The scores a cell computed, rounded to Float32 as they are stored, so that a figure
    /// drawn from a fresh evaluation and one redrawn from the run file are the same.
    public init(reconstruction: [Double], tsneDistance: [Double], latentDistance: [Double], isAnomaly: [Bool]) {
        precondition([reconstruction.count, tsneDistance.count, latentDistance.count].allSatisfy { $0 == isAnomaly.count },
                     "StoredAnomalyScores: every score needs one value per test example")
        let storedPrecision = { (values: [Double]) in values.map { Double(Float($0)) } }
        self.reconstruction = storedPrecision(reconstruction)
        self.tsneDistance = storedPrecision(tsneDistance)
        self.latentDistance = storedPrecision(latentDistance)
        self.isAnomaly = isAnomaly
    }

    /// Reads the stored array back.
    public init(_ array: RunArray) throws {
        guard array.shape.count == 2, array.shape[0] == 4 else {
            throw AnoDMScoreError.shapeMismatch("the run array '\(Self.arrayName)' has shape \(array.shape), not [4, test examples]")
        }
        let count = array.shape[1]
        let row = { (index: Int) in array.values[(index * count)..<((index + 1) * count)].map(Double.init) }
        self.init(reconstruction: row(0), tsneDistance: row(1), latentDistance: row(2), isAnomaly: row(3).map { $0 > 0.5 })
    }

    /// The run array, in the row order above.
    public var array: RunArray {
        RunArray(shape: [4, isAnomaly.count],
                 values: (reconstruction + tsneDistance + latentDistance).map(Float.init) + isAnomaly.map { $0 ? 1 : 0 })
    }

    /// The ROC curves of the four scores, each named with its AUROC: AnoDM's mix
    /// α·D_RE + (1 − α)·D_tSNE at `alpha` (the cell's oracle α in both figures), the t-SNE
    /// distance alone, the reconstruction error alone and the latent 1-NN distance.
    public func rocCurves(alpha: Double) throws -> [LineSeries] {
        let mixed = try AnoDMScore.combined(reconstruction: reconstruction, distance: tsneDistance, alpha: alpha)
        return try [("AnoDM (oracle α \(alpha))", mixed), ("t-SNE only", tsneDistance),
                    ("reconstruction only", reconstruction), ("latent 1-NN", latentDistance)].map { name, values in
            let roc = try ReceiverOperatingCharacteristic(scores: values, labels: isAnomaly)
            return LineSeries(name: "\(name), AUROC \(NumberFormat.fixed(roc.area, decimals: 3))",
                              points: roc.points.map { ($0.falsePositiveRate, $0.truePositiveRate) })
        }
    }
}
