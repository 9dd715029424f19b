import Datasets
import Experiments
import Foundation
import Metrics
import NeuralLayers
import Randomness
import StudyKit
import TensorCore
import VAEModels

/// One moons cell (vabc Figures 3, 4, 5): draw the two moons and the folds, train the VAE (on
/// the unlabeled fold) or V-ABC (on both folds), then decode prior samples and measure how far
/// they fall from the negative (upper) moon.
struct MoonsExperiment {
    let cell: CellConfiguration
    let parameters: VABCCellParameters
    let model: VABCModelName

    /// Figure 3/4: the data points shown per fold.
    static let shownPerFold = 100
    /// Figure 5: the gradient field's grid, `side × side` points over `gridRange`.
    static let gridSide = 21
    static let gridX: ClosedRange<Float> = -1.5...2.5
    static let gridY: ClosedRange<Float> = -1...1.5
    /// A generated point closer than this to the negative moon's curve counts as near it (three
    /// noise standard deviations).
    static let nearDistance: Float = 0.3

    func run(progress: CellProgress?) throws -> CellResult {
        let streams = RunStreams(seed: cell.seed)
        var dataStream = streams.stream("data")
        let moons = TwoMoons.generate(positives: (parameters.moonsPoints ?? 10_000) / 2,
                                      negatives: (parameters.moonsPoints ?? 10_000) / 2,
                                      noise: Float(parameters.moonsNoise ?? Double(TwoMoons.defaultNoise)), generator: &dataStream)
        var foldStream = streams.labels
        let folds = moons.folds(unwantedProportion: parameters.unwantedProportion, generator: &foldStream)
        let settings = parameters.settings
        var initialisation = streams.initialisation
        var network = VABCModel(vabc: settings, generator: &initialisation)
        let points = moons.points
        var batches = NegativeUnlabeledBatches(
            unlabeled: folds.unlabeled, unwanted: model == .vabc ? folds.unwanted : [], batchSize: parameters.batchSize,
            generator: streams.batches) { indices in
                Tensor(shape: [indices.count, 2], scalars: indices.flatMap { [points[2 * $0], points[2 * $0 + 1]] })
            }
        let history = try VABCTraining.train(&network, settings: settings, epochs: parameters.epochs, batches: &batches,
                                             learningRate: parameters.learningRate, streams: streams, progress: progress)

        var sampling = streams.stream("sampling")
        let means = VABCTraining.decodedPriorSamples(network, count: parameters.samples, generator: &sampling)
        let spread = settings.effectiveVariance.squareRoot()
        let sampled = means.map { $0 + spread * sampling.normal() }
        let distances = stride(from: 0, to: means.count, by: 2).map { Self.distanceToNegativeMoon(means[$0], means[$0 + 1]) }
        var metrics: [String: Double] = [
            "mean_distance_to_negative_moon": Double(distances.reduce(0, +)) / Double(distances.count),
            "share_near_negative_moon": Double(distances.filter { $0 < Self.nearDistance }.count) / Double(distances.count),
            "unlabeled_points": Double(folds.unlabeled.count), "unwanted_points": Double(folds.unwanted.count),
            "train_loss": history.last?.trainLoss ?? .nan,
        ]
        metrics["final_kl"] = history.last?.trainKL

        var shown = Self.shownPoints(moons: moons, folds: folds, generator: &sampling)
        var arrays: [String: RunArray] = [
            "data": RunArray(shape: [shown.y.count, 3], values: shown.values),
            "sample_means": RunArray(shape: [means.count / 2, 2], values: means),
            "samples": RunArray(shape: [sampled.count / 2, 2], values: sampled),
        ]
        shown.values = []
        if model == .vabc {
            for y: Float in [1, 0] {
                arrays["gradient_field_y\(Int(y))"] = RunArray(shape: [Self.gridSide * Self.gridSide, 4],
                                                               values: Self.gradientField(network, settings: settings, y: y))
            }
        }
        var seeds = streams.recorded
        seeds["data"] = streams.stream("data").seed
        seeds["sampling"] = streams.stream("sampling").seed
        return CellResult(metrics: metrics, history: VABCTraining.historyArrays(history), epochs: history.epochs.count,
                          seeds: seeds, arrays: arrays)
    }

    /// 100 random points of each fold as rows (x, y, fold y ∈ {0, 1}).
    static func shownPoints(moons: TwoMoons, folds: Splits.NegativeUnlabeledFolds,
                            generator: inout SeededGenerator) -> (values: [Float], y: [Float]) {
        var values: [Float] = [], ys: [Float] = []
        for (fold, y) in [(folds.unwanted, Float(0)), (folds.unlabeled, Float(1))] {
            var order = fold
            generator.shuffle(&order)
            for index in order.prefix(shownPerFold) {
                values += [moons.points[2 * index], moons.points[2 * index + 1], y]
                ys.append(y)
            }
        }
        return (values, ys)
    }

    /// The distance from (x, y) to the noise-free upper moon (cos t, sin t), t ∈ [0, π].
    static func distanceToNegativeMoon(_ x: Float, _ y: Float) -> Float {
        // Points above the centre's horizon are nearest to the arc point in their own direction;
        // below it, to one of the arc's ends (1, 0) or (−1, 0).
        if y >= 0 {
            let radius = (x * x + y * y).squareRoot()
            return abs(radius - 1)
        }
        let toRight = ((x - 1) * (x - 1) + y * y).squareRoot()
        let toLeft = ((x + 1) * (x + 1) + y * y).squareRoot()
        return min(toRight, toLeft)
    }

    /// vabc Figure 5: −∂L_V-ABC/∂x over a grid, with z = μ(x) (no sampling), for a point of fold
    /// y, through the whole model. Central differences (h = 1e-3) on the per-point loss at the
    /// final weights: for a vector field on a 2-D grid they are exact enough and need no
    /// differentiation with respect to the data. Rows: (x, y, −∂L/∂x₁, −∂L/∂x₂).
    static func gradientField(_ model: VABCModel, settings: VABCDatasetSettings, y: Float) -> [Float] {
        let h: Float = 1e-3
        var grid: [Float] = []
        for j in 0..<gridSide {
            for i in 0..<gridSide {
                grid += [gridX.lowerBound + (gridX.upperBound - gridX.lowerBound) * Float(i) / Float(gridSide - 1),
                         gridY.lowerBound + (gridY.upperBound - gridY.lowerBound) * Float(j) / Float(gridSide - 1)]
            }
        }
        let count = grid.count / 2
        var shifted: [Float] = []
        for k in 0..<count {
            for (dx, dy) in [(h, Float(0)), (-h, 0), (0, h), (0, -h)] {
                shifted += [grid[2 * k] + dx, grid[2 * k + 1] + dy]
            }
        }
        let losses = VABCTraining.pointLosses(model, inputs: Tensor(shape: [4 * count, 2], scalars: shifted),
                                              y: y, gamma: settings.gammaOnL(settings.gammaFinal),
                                              variance: settings.effectiveVariance)
        var field: [Float] = []
        for k in 0..<count {
            let l = losses[(4 * k)..<(4 * k + 4)].map { $0 }
            field += [grid[2 * k], grid[2 * k + 1], -(l[0] - l[1]) / (2 * h), -(l[2] - l[3]) / (2 * h)]
        }
        return field
    }
}
