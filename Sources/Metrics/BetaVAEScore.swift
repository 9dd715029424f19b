import Datasets
import Randomness
import TensorCore

/// How many points the βVAE score draws and from how many pairs each.
public struct BetaVAEProtocol: Sendable, Equatable {
    public var name: String
    /// Pairs of observations averaged into one point.
    public var batchSize: Int
    /// Points the classifier is fitted on.
    public var trainingPoints: Int
    /// Freshly drawn points the score is measured on.
    public var evaluationPoints: Int

    public init(name: String, batchSize: Int, trainingPoints: Int, evaluationPoints: Int) {
        self.name = name
        self.batchSize = batchSize
        self.trainingPoints = trainingPoints
        self.evaluationPoints = evaluationPoints
    }

    /// semisupervised-vae section 4 (after Higgins et al. 2017): points from 2×64 batches, a
    /// plain logistic regression trained and tested on 2,048 points each.
    public static let paper = BetaVAEProtocol(name: "paper", batchSize: 64, trainingPoints: 2048, evaluationPoints: 2048)
    /// disentanglement_lib's `beta_vae_sklearn` (Locatello et al. 2019): batch 64, 10,000
    /// training and 5,000 evaluation points, scikit-learn's default `LogisticRegression`.
    public static let disentanglementLib = BetaVAEProtocol(name: "disentanglement_lib", batchSize: 64,
                                                           trainingPoints: 10_000, evaluationPoints: 5_000)
}

/// Points of the βVAE score: one feature row per point and the factor held fixed for it.
public struct BetaVAEPoints: Sendable {
    /// `[count, representationSize]` row-major: mean |r(x₁) − r(x₂)| over the point's pairs.
    public var features: [Double]
    /// The factor (index in the data set's factor order) the pairs shared.
    public var labels: [Int]
    public var representationSize: Int
    public var count: Int { labels.count }
}

/// The βVAE score of a representation and what went into it.
public struct BetaVAEScore: Sendable {
    public var protocolName: String
    /// The classifier's accuracy on the points it was fitted on.
    public var trainingAccuracy: Double
    /// The score: the classifier's accuracy on freshly drawn points.
    public var evaluationAccuracy: Double
    /// The latent factors (data set order): the classes of the classifier.
    public var latentFactorIndices: [Int]
    /// Accuracy on the evaluation points holding each latent factor fixed, in
    /// `latentFactorIndices` order (NaN for a factor no evaluation point held fixed).
    public var evaluationAccuracyByFactor: [Double]
    public var classifier: LogisticRegression
}

/// Why a βVAE score could not be computed.
public enum BetaVAEScoreError: Error, Equatable, CustomStringConvertible {
    case invalidSetting(String)
    case representationShape(String)

    public var description: String {
        switch self {
        case .invalidSetting(let message): return "βVAE score: \(message)"
        case .representationShape(let message): return "βVAE score: the representation \(message)"
        }
    }
}

/// The βVAE disentanglement score (Higgins et al., β-VAE, ICLR 2017): how well
/// a linear classifier tells, from a representation alone, which factor a set of observation
/// pairs held fixed.
///
/// One point: draw a latent factor k uniformly among `dataset.latentFactorIndices`; draw
/// `batchSize` pairs of factor vectors, every factor uniform and independent except that the
/// second of each pair copies the first's value of k (a nuisance factor, not latent, is drawn
/// independently in both and never held fixed); represent both observations of each pair;
/// the point's features are the mean over the pairs of |r(x₁) − r(x₂)|, its label k. A
/// multinomial logistic regression (scikit-learn's default, `LogisticRegression`) is fitted on
/// `trainingPoints` points; the score is its accuracy on `evaluationPoints` fresh points.
///
/// Draws: the training points come from `generator.derived("betaVAE training points")`, the
/// evaluation points from `generator.derived("betaVAE evaluation points")`, so changing one
/// count leaves the other set's points as they were.
///
/// - Parameters:
///   - representation: observations `[m] + dataset.observationShape` → latent means `[m, d]`
///     (a model's encoder in inference mode). It is called once per point with the point's
///     2·batchSize observations, first halves of the pairs then second halves; an encoder must
///     treat the rows independently (inference-mode batch normalisation does).
public func betaVAEScore<Dataset: FactorDataset>(
    dataset: Dataset, following preset: BetaVAEProtocol, generator: SeededGenerator,
    representation: (_ observations: Tensor) throws -> Tensor
) throws -> BetaVAEScore {
    var trainingStream = generator.derived("betaVAE training points")
    var evaluationStream = generator.derived("betaVAE evaluation points")
    let training = try betaVAEPoints(dataset: dataset, count: preset.trainingPoints, batchSize: preset.batchSize,
                                     generator: &trainingStream, representation: representation)
    let classifier = try LogisticRegression.fit(features: training.features, labels: training.labels,
                                                featureCount: training.representationSize)
    let evaluation = try betaVAEPoints(dataset: dataset, count: preset.evaluationPoints, batchSize: preset.batchSize,
                                       generator: &evaluationStream, representation: representation)
    let predictions = classifier.predict(evaluation.features)
    let latent = dataset.latentFactorIndices
    let byFactor = latent.map { factor -> Double in
        let held = zip(predictions, evaluation.labels).filter { $0.1 == factor }
        return held.isEmpty ? .nan : Double(held.filter { $0.0 == $0.1 }.count) / Double(held.count)
    }
    return BetaVAEScore(protocolName: preset.name,
                        trainingAccuracy: classifier.accuracy(features: training.features, labels: training.labels),
                        evaluationAccuracy: classifier.accuracy(features: evaluation.features, labels: evaluation.labels),
                        latentFactorIndices: latent, evaluationAccuracyByFactor: byFactor, classifier: classifier)
}

/// Draws `count` points of the βVAE score (see `betaVAEScore`), in order, from `generator`.
public func betaVAEPoints<Dataset: FactorDataset>(
    dataset: Dataset, count: Int, batchSize: Int, generator: inout SeededGenerator,
    representation: (_ observations: Tensor) throws -> Tensor
) throws -> BetaVAEPoints {
    let latent = dataset.latentFactorIndices
    guard !latent.isEmpty, latent.allSatisfy({ dataset.factorSizes.indices.contains($0) }) else {
        throw BetaVAEScoreError.invalidSetting("latent factors \(latent) do not index the \(dataset.factorSizes.count) factors")
    }
    guard count > 0, batchSize > 0 else {
        throw BetaVAEScoreError.invalidSetting("needs positive point count and batch size, got \(count) and \(batchSize)")
    }
    let observationSize = dataset.observationSize
    let shape = [2 * batchSize] + dataset.observationShape
    var features = [Double]()
    var labels = [Int]()
    labels.reserveCapacity(count)
    var representationSize = 0
    for point in 0..<count {
        let fixed = latent[generator.uniformInt(below: latent.count)]
        let (first, second) = drawFactorPairs(dataset: dataset, fixedFactor: fixed, count: batchSize, generator: &generator)
        let observations = Tensor(shape: shape, unsafeUninitialized: { buffer in
            for (row, factors) in (first + second).enumerated() {
                dataset.writeObservation(
                    for: factors,
                    into: UnsafeMutableBufferPointer(rebasing: buffer[(row * observationSize)..<((row + 1) * observationSize)]))
            }
        })
        let codes = try representation(observations)
        guard codes.rank == 2, codes.rows == 2 * batchSize, codes.columns > 0 else {
            throw BetaVAEScoreError.representationShape("returned shape \(codes.shape) for \(2 * batchSize) observations, expected [\(2 * batchSize), d]")
        }
        if point == 0 {
            representationSize = codes.columns
            features.reserveCapacity(count * representationSize)
        } else if codes.columns != representationSize {
            throw BetaVAEScoreError.representationShape("changed width from \(representationSize) to \(codes.columns)")
        }
        let d = representationSize
        var row = [Double](repeating: 0, count: d)
        for pair in 0..<batchSize {
            for j in 0..<d {
                row[j] += Double(abs(codes.scalars[pair * d + j] - codes.scalars[(batchSize + pair) * d + j]))
            }
        }
        features += row.map { $0 / Double(batchSize) }
        labels.append(fixed)
    }
    return BetaVAEPoints(features: features, labels: labels, representationSize: representationSize)
}

/// `count` pairs of factor vectors sharing factor `fixedFactor`: every first vector is drawn
/// uniformly, then every second one, whose `fixedFactor` is then set to its partner's.
func drawFactorPairs<Dataset: FactorDataset>(dataset: Dataset, fixedFactor: Int, count: Int,
                                              generator: inout SeededGenerator) -> (first: [[Int]], second: [[Int]]) {
    let first = (0..<count).map { _ in dataset.randomFactors(using: &generator) }
    var second = (0..<count).map { _ in dataset.randomFactors(using: &generator) }
    for pair in 0..<count { second[pair][fixedFactor] = first[pair][fixedFactor] }
    return (first, second)
}
