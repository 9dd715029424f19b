import Embedding
import Experiments
import Foundation
import Metrics
import Randomness
import StudyKit
import TensorCore
import VAEModels

/// Every AnoDM score of one trained β-VAE on its test set (anodm section 3.5, appendix F), the
/// AUROC of each, and the arrays the report redraws figures from.
///
/// - The map: latent means μ of `mapTrainingPoints` normal training images (a seeded sample)
///   and of every test image, embedded together by our Barnes-Hut t-SNE (perplexity 30,
///   learning rate 200, the paper's settings).
/// - D_RE from one sampled z per test image; D_tSNE for k = 1, 3, 5; N_tSNE (k = 1, c = 0.5);
///   the latent 1-NN distance among the same training points; with `zBasedMap`, D_tSNE of a
///   second map fitted on sampled z instead of μ (Table 2).
/// - The α sweep: the AUROC of α·D_RE + (1 − α)·D for every α of the grid, for D = D_tSNE
///   (k = 1), N_tSNE and, with `zBasedMap`, the z-based D_tSNE.
/// - Without test-set selection: both scores standardised over the test points (mean 0,
///   standard deviation 1: label-free) and averaged, α = ½ (`auroc_standardised`).
public struct AnoDMEvaluation {
    public var metrics: [String: Double] = [:]
    public var arrays: [String: RunArray] = [:]
    /// The reconstruction of every test example (decoded from its sampled z), one after
    /// another; not stored with the run (the ECG section keeps a few for its Figure 6).
    public var testReconstructions: [Float] = []

    init<Model: LatentVariableModel>(model: Model, imageShape shape: [Int], split: HeldOutClassData,
                                     parameters: AnoDMCellParameters, generator: inout SeededGenerator) throws {
        // The training subset of the map: a seeded sample of the normal training images.
        var order = Array(0..<split.train.count)
        order.shuffle(using: &generator)
        let mapIndices = Array(order.prefix(min(parameters.mapTrainingPoints, split.train.count)))
        var trainingPixels: [Float] = []
        split.train.fillBatch(mapIndices, into: &trainingPixels)
        let trainingLabels = mapIndices.map { Float(split.normalClasses[Int(split.train.labels[$0])]) }
        try self.init(model: model, exampleShape: shape,
                      mapTrainingInputs: trainingPixels, mapTrainingClasses: trainingLabels,
                      testInputs: split.testPixels, testClasses: split.testClasses.map(Float.init),
                      isAnomaly: split.testIsAnomalous, tsneIterations: parameters.tsneIterations,
                      zBasedMap: parameters.zBasedMap == true, generator: &generator)
    }

    /// The evaluation of any β-VAE on examples of `exampleShape`: `mapTrainingInputs` are the
    /// normal training examples of the map (already sampled), `testInputs` every test example;
    /// the classes are only stored for the figures.
    public init<Model: LatentVariableModel>(
        model: Model, exampleShape shape: [Int], mapTrainingInputs trainingPixels: [Float], mapTrainingClasses: [Float],
        testInputs: [Float], testClasses: [Float], isAnomaly: [Bool], tsneIterations: Int, zBasedMap: Bool,
        generator: inout SeededGenerator
    ) throws {
        let latent = model.latentSize
        let context = BatchedInference.context()
        let mapPoints = mapTrainingClasses.count

        // μ and one sampled z per example; the reconstruction of a test example decodes its z.
        func codes(_ pixels: [Float]) -> (means: [Float], samples: [Float]) {
            var means: [Float] = [], samples: [Float] = []
            BatchedInference.forEachChunk(of: pixels, exampleShape: shape) { _, inputs in
                let (mean, logVariance, _) = model.encode(inputs, in: context)
                let noise = Tensor.randomNormal(mean.shape, using: &generator)
                means += mean.scalars
                // z = μ + exp(½ log σ²) ε
                for index in 0..<mean.count {
                    let deviation: Float = Foundation.exp(logVariance.scalars[index] / 2)
                    samples.append(mean.scalars[index] + deviation * noise.scalars[index])
                }
            }
            return (means, samples)
        }
        let test = codes(testInputs)
        let training = codes(trainingPixels)
        let reconstructions = BatchedInference.map(test.samples, exampleShape: [latent]) { z in
            model.likelihood.mean(of: model.decode(latent: z, classProbabilities: nil, in: context))
        }
        testReconstructions = reconstructions
        let reconstruction = try AnoDMScore.normalizedSquaredError(inputs: testInputs, reconstructions: reconstructions,
                                                                   exampleSize: shape.reduce(1, *))

        let tsne = TSNE(iterations: tsneIterations)
        var mapGenerator = generator.derived("tsne mu")
        let map = try JointMap(trainingMeans: training.means, testMeans: test.means, dimensions: latent, tsne: tsne,
                               generator: &mapGenerator)
        let distances = try AnoDMScore.mapDistances(testMap: map.testMap, trainingMap: map.trainingMap,
                                                    neighbourCounts: AnoDMCells.neighbourCounts)
        let normalized = try AnoDMScore.normalizedMapDistances(distances[0], trainingMap: map.trainingMap,
                                                                c: AnoDMCells.normalisation)
        let latentDistance = try AnoDMScore.latentDistances(testMeans: test.means, trainingMeans: training.means,
                                                            dimensions: latent, neighbourCounts: [1])[0]

        func area(_ scores: [Double]) throws -> Double {
            try ReceiverOperatingCharacteristic(scores: scores, labels: isAnomaly).area
        }
        metrics["auroc_reconstruction"] = try area(reconstruction)
        for (k, distance) in zip(AnoDMCells.neighbourCounts, distances) {
            metrics["auroc_tsne_k\(k)"] = try area(distance)
        }
        metrics["auroc_latent_distance"] = try area(latentDistance)
        metrics["auroc_standardised"] = try area(zip(Self.standardised(reconstruction), Self.standardised(distances[0]))
            .map { ($0 + $1) / 2 })
        try record("mu", AnoDMScore.areasUnderCurve(reconstruction: reconstruction, distance: distances[0],
                                                     isAnomaly: isAnomaly, alphas: AnoDMCells.alphas))
        try record("normalized", AnoDMScore.areasUnderCurve(reconstruction: reconstruction, distance: normalized,
                                                             isAnomaly: isAnomaly, alphas: AnoDMCells.alphas))
        metrics["tsne_kl_divergence"] = map.klDivergence
        metrics["mean_reconstruction_normal"] = Self.mean(reconstruction, where: isAnomaly.map { !$0 })
        metrics["mean_reconstruction_anomalous"] = Self.mean(reconstruction, where: isAnomaly)
        metrics["anomalous_test_images"] = Double(isAnomaly.filter { $0 }.count)
        metrics["normal_test_images"] = Double(isAnomaly.filter { !$0 }.count)
        metrics["map_training_points"] = Double(mapPoints)

        if zBasedMap {
            var zGenerator = generator.derived("tsne z")
            let zMap = try JointMap(trainingMeans: training.samples, testMeans: test.samples, dimensions: latent,
                                    tsne: tsne, generator: &zGenerator)
            let zDistance = try AnoDMScore.mapDistances(testMap: zMap.testMap, trainingMap: zMap.trainingMap,
                                                        neighbourCounts: [1])[0]
            try record("z", AnoDMScore.areasUnderCurve(reconstruction: reconstruction, distance: zDistance,
                                                        isAnomaly: isAnomaly, alphas: AnoDMCells.alphas))
        }

        // Figure 3 redraws the map, Figure 4 the ROC curves of the four scores.
        arrays["map"] = RunArray(shape: [mapPoints + isAnomaly.count, 2], values: map.trainingMap + map.testMap)
        arrays["map_classes"] = RunArray(shape: [mapPoints + isAnomaly.count], values: mapTrainingClasses + testClasses)
        arrays[StoredAnomalyScores.arrayName] = StoredAnomalyScores(
            reconstruction: reconstruction, tsneDistance: distances[0], latentDistance: latentDistance,
            isAnomaly: isAnomaly).array
    }

    /// `auroc_<name>_alpha_<α>` for every α of the grid.
    private mutating func record(_ name: String, _ areas: [Double]) {
        for (alpha, area) in zip(AnoDMCells.alphas, areas) {
            metrics[AnoDMEvaluation.alphaKey(name, alpha)] = area
        }
    }

    public static func alphaKey(_ name: String, _ alpha: Double) -> String { "auroc_\(name)_alpha_\(alpha)" }

    /// (x − mean) / standard deviation over the values themselves.
    public static func standardised(_ values: [Double]) -> [Double] {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        let deviation = variance > 0 ? variance.squareRoot() : 1
        return values.map { ($0 - mean) / deviation }
    }

    public static func mean(_ values: [Double], where mask: [Bool]) -> Double? {
        var total = 0.0, count = 0
        for (value, keep) in zip(values, mask) where keep { total += value; count += 1 }
        return count == 0 ? nil : total / Double(count)
    }
}
