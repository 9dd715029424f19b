import Datasets
import Experiments
import Foundation
import Metrics
import NeuralLayers
import Randomness
import StudyKit
import TensorCore
import VAEModels

/// One MNIST cell (vabc Figures 2, 6–9): one digit's p share of the training images is the
/// unwanted fold, everything else unlabeled; train the VAE (unlabeled fold only) or V-ABC,
/// early-stop on a validation split of the training folds, then decode N prior samples and let
/// the judge classify them.
struct DigitsExperiment {
    let cell: CellConfiguration
    let parameters: VABCCellParameters
    let model: VABCModelName

    /// Figure 6: the decoded manifold over a `side × side` grid in [−3, 3]².
    static let manifoldSide = 15
    static let manifoldRange: Float = 3
    /// Figure 7: test images reconstructed, of which `negativeShown` of the negative digit.
    static let reconstructed = 30
    static let negativeShown = 10
    /// Figure 8: training points whose posterior ellipses are drawn.
    static let ellipsePoints = 1_000

    func run(data fullData: ImageClassificationData, judge: TrainedJudge, progress: CellProgress?) throws -> CellResult {
        guard let digit = parameters.negativeDigit else {
            throw StudyError.invalidArgument("cell \(cell.id) (\(cell.label)) lacks negative_digit")
        }
        let data = fullData.prefix(train: parameters.trainImages, test: nil)
        let streams = RunStreams(seed: cell.seed)
        var foldStream = streams.labels
        let folds = Splits.negativeUnlabeled(labels: data.train.labels, negativeClass: Int32(digit),
                                             unwantedProportion: parameters.unwantedProportion, generator: &foldStream)
        var validationStream = streams.stream("validation")
        let share = parameters.validationShare ?? 0
        let (trainUnlabeled, validationUnlabeled) = Self.holdOut(share, of: folds.unlabeled, generator: &validationStream)
        let (trainUnwanted, validationUnwanted) = Self.holdOut(share, of: folds.unwanted, generator: &validationStream)
        let settings = parameters.settings
        var initialisation = streams.initialisation
        var network = VABCModel(vabc: settings, generator: &initialisation)
        let images = data.train
        func inputs(_ indices: [Int]) -> Tensor {
            var buffer: [Float] = []
            images.fillBatch(indices, into: &buffer)
            return Tensor(shape: [indices.count, 784], scalars: buffer)
        }
        var batches = NegativeUnlabeledBatches(unlabeled: trainUnlabeled, unwanted: model == .vabc ? trainUnwanted : [],
                                               batchSize: parameters.batchSize, generator: streams.batches, inputs: inputs)
        // The validation images, built once, 500 per tensor.
        func chunks(_ fold: [Int]) -> [Tensor] {
            stride(from: 0, to: fold.count, by: 500).map { inputs(Array(fold[$0..<min($0 + 500, fold.count)])) }
        }
        let validationUnlabeledImages = chunks(validationUnlabeled)
        let validationUnwantedImages = model == .vabc && !validationUnwanted.isEmpty ? chunks(validationUnwanted) : nil
        let validation: ((VABCModel) -> Double)? = share > 0 ? { network in
            Self.validationLoss(network, settings: settings, unlabeled: validationUnlabeledImages,
                                unwanted: validationUnwantedImages)
        } : nil
        let history = try VABCTraining.train(&network, settings: settings, epochs: parameters.epochs, batches: &batches,
                                             learningRate: parameters.learningRate, streams: streams, progress: progress,
                                             validationLoss: validation, patience: parameters.patience)

        var sampling = streams.stream("sampling")
        let samples = VABCTraining.decodedPriorSamples(network, count: parameters.samples, generator: &sampling)
        let judged = NegativeGeneration(probabilities: judge.judge.probabilities(of: samples), classCount: 10,
                                        negativeClass: digit)
        var metrics: [String: Double] = [
            "nge": judged.error, "confident_share": judged.confidentShare, "judge_test_accuracy": judge.testAccuracy,
            "kept_epoch": Double(history.keptEpoch), "unlabeled_points": Double(folds.unlabeled.count),
            "unwanted_points": Double(folds.unwanted.count), "train_loss": history.last?.trainLoss ?? .nan,
        ]
        for (c, value) in judged.classShares.enumerated() { metrics["class_share_\(c)"] = value }
        if let kept = history.epochs.first(where: { $0.epoch == history.keptEpoch }) {
            metrics["validation_loss"] = kept.metrics["validation_loss"]
        }
        var arrays: [String: RunArray] = [:]
        if parameters.figureArrays == true {
            arrays = Self.figureArrays(network, data: data, negativeDigit: digit)
        }
        var seeds = streams.recorded
        for purpose in ["validation", "sampling"] { seeds[purpose] = streams.stream(purpose).seed }
        seeds["judge"] = judge.seed
        return CellResult(metrics: metrics, history: VABCTraining.historyArrays(history), epochs: history.epochs.count,
                          seeds: seeds, arrays: arrays)
    }

    /// A random `share` of a fold held out: (kept, held out), each in increasing order.
    static func holdOut(_ share: Double, of fold: [Int], generator: inout SeededGenerator) -> ([Int], [Int]) {
        var order = fold
        generator.shuffle(&order)
        let held = Int((share * Double(fold.count)).rounded())
        return (Array(order[held...]).sorted(), Array(order[..<held]).sorted())
    }

    /// The objective at its final weights (KL weight 1, final γ) with z = μ, so that the number
    /// early stopping watches does not move with the annealing: V-ABC's balanced batches weigh
    /// the two folds equally, hence ½·mean over unlabeled + ½·mean over unwanted; the VAE has
    /// only the unlabeled mean. `unlabeled`/`unwanted` are the validation images, one tensor per chunk.
    static func validationLoss(_ model: VABCModel, settings: VABCDatasetSettings, unlabeled: [Tensor],
                               unwanted: [Tensor]?) -> Double {
        func mean(_ chunks: [Tensor], y: Float) -> Double {
            var total = 0.0, count = 0
            for chunk in chunks {
                let losses = VABCTraining.pointLosses(model, inputs: chunk, y: y, gamma: settings.gammaOnL(settings.gammaFinal),
                                                      variance: settings.effectiveVariance)
                total += losses.reduce(0.0) { $0 + Double($1) }
                count += losses.count
            }
            return total / Double(max(count, 1))
        }
        let wanted = mean(unlabeled, y: 1)
        guard let unwanted else { return wanted }
        return 0.5 * wanted + 0.5 * mean(unwanted, y: 0)
    }

    /// The arrays of Figures 6, 7 and 8 (the figure fold's first seed only).
    static func figureArrays(_ model: VABCModel, data: ImageClassificationData, negativeDigit: Int) -> [String: RunArray] {
        var grid: [Float] = []
        for row in 0..<manifoldSide {
            for column in 0..<manifoldSide {
                let step = 2 * manifoldRange / Float(manifoldSide - 1)
                grid += [-manifoldRange + step * Float(column), manifoldRange - step * Float(row)]
            }
        }
        let manifold = VABCTraining.decodedMeans(model, latent: grid)

        let test = data.test
        let negatives = test.labels.indices.filter { test.labels[$0] == Int32(negativeDigit) }.prefix(negativeShown)
        let others = test.labels.indices.filter { test.labels[$0] != Int32(negativeDigit) }.prefix(reconstructed - negativeShown)
        let shown = Array(others) + Array(negatives)
        var originals: [Float] = []
        test.fillBatch(shown, into: &originals)
        let context = BatchedInference.context()
        let reconstructions = BatchedInference.map(originals, exampleShape: [784]) { x in
            model.likelihood.mean(of: model.decode(latent: model.encode(x, in: context).mean, in: context))
        }

        let points = Array(0..<min(ellipsePoints, data.train.count))
        var pixels: [Float] = []
        data.train.fillBatch(points, into: &pixels)
        let encoded = model.encode(Tensor(shape: [points.count, 784], scalars: pixels), in: context)
        var ellipses: [Float] = []
        for (row, index) in points.enumerated() {
            ellipses += [encoded.mean.scalars[2 * row], encoded.mean.scalars[2 * row + 1],
                         encoded.logVariance.scalars[2 * row], encoded.logVariance.scalars[2 * row + 1],
                         Float(data.train.labels[index])]
        }
        return [
            "manifold": RunArray(shape: [manifoldSide * manifoldSide, 784], values: manifold),
            "reconstruction_inputs": RunArray(shape: [shown.count, 784], values: originals),
            "reconstructions": RunArray(shape: [shown.count, 784], values: reconstructions),
            "ellipses": RunArray(shape: [points.count, 5], values: ellipses),
        ]
    }
}
