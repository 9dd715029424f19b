import Datasets
import Randomness
import TensorCore

/// The βVAE score under several protocols from one draw of points.
///
/// `betaVAEScore` draws its training points from `generator.derived("betaVAE training
/// points")` and its evaluation points from `generator.derived("betaVAE evaluation points")`,
/// one point after another; a protocol with fewer points therefore uses a prefix of the points
/// of a protocol with more (same batch size, same generator). This draws the largest set once
/// (representing observations is what costs) and scores each protocol on its prefixes: the
/// result is the same as calling `betaVAEScore` once per protocol.
///
/// - Throws: `BetaVAEScoreError.invalidSetting` when the protocols differ in batch size.
public func betaVAEScores<Dataset: FactorDataset>(
    dataset: Dataset, following presets: [BetaVAEProtocol], generator: SeededGenerator,
    representation: (_ observations: Tensor) throws -> Tensor
) throws -> [BetaVAEScore] {
    guard let batchSize = presets.first?.batchSize else { return [] }
    guard presets.allSatisfy({ $0.batchSize == batchSize }) else {
        throw BetaVAEScoreError.invalidSetting("protocols sharing points need one batch size, got \(presets.map(\.batchSize))")
    }
    var trainingStream = generator.derived("betaVAE training points")
    var evaluationStream = generator.derived("betaVAE evaluation points")
    let training = try betaVAEPoints(dataset: dataset, count: presets.map(\.trainingPoints).max()!, batchSize: batchSize,
                                     generator: &trainingStream, representation: representation)
    let evaluation = try betaVAEPoints(dataset: dataset, count: presets.map(\.evaluationPoints).max()!, batchSize: batchSize,
                                       generator: &evaluationStream, representation: representation)
    return try presets.map { preset in
        try betaVAEScore(training: training.prefix(preset.trainingPoints), evaluation: evaluation.prefix(preset.evaluationPoints),
                         latentFactorIndices: dataset.latentFactorIndices, protocolName: preset.name)
    }
}

extension BetaVAEPoints {
    /// The first `count` points.
    public func prefix(_ count: Int) -> BetaVAEPoints {
        let kept = Swift.min(count, self.count)
        return BetaVAEPoints(features: Array(features[0..<(kept * representationSize)]), labels: Array(labels[0..<kept]),
                             representationSize: representationSize)
    }
}

/// The classifier of the βVAE score fitted on `training` and scored on `evaluation`.
func betaVAEScore(training: BetaVAEPoints, evaluation: BetaVAEPoints, latentFactorIndices latent: [Int],
                  protocolName: String) throws -> BetaVAEScore {
    let classifier = try LogisticRegression.fit(features: training.features, labels: training.labels,
                                                featureCount: training.representationSize)
    let predictions = classifier.predict(evaluation.features)
    let byFactor = latent.map { factor -> Double in
        let held = zip(predictions, evaluation.labels).filter { $0.1 == factor }
        return held.isEmpty ? .nan : Double(held.filter { $0.0 == $0.1 }.count) / Double(held.count)
    }
    return BetaVAEScore(protocolName: protocolName,
                        trainingAccuracy: classifier.accuracy(features: training.features, labels: training.labels),
                        evaluationAccuracy: classifier.accuracy(features: evaluation.features, labels: evaluation.labels),
                        latentFactorIndices: latent, evaluationAccuracyByFactor: byFactor, classifier: classifier)
}
