import Embedding
import Randomness

/// Why an AnoDM score could not be computed.
public enum AnoDMScoreError: Error, Equatable, CustomStringConvertible {
    case shapeMismatch(String)
    case zeroInput(example: Int)
    case invalidSetting(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let message): return "AnoDM score: \(message)"
        case .zeroInput(let example):
            return "AnoDM score: example \(example) is all zeros, so its normalised squared error ‖x − x′‖²/‖x‖² is undefined"
        case .invalidSetting(let message): return "AnoDM score: \(message)"
        }
    }
}

/// The anomaly scores of AnoDM (anodm section 3.5, Algorithm 1, appendix F), each higher for
/// more anomalous test points, as `ReceiverOperatingCharacteristic` expects.
///
/// - `D_RE` (eq. 3): the normalised squared error ‖x − x′‖² / ‖x‖² of a reconstruction x′
///   decoded from a *sampled* z.
/// - `D_tSNE` (eq. 4): the mean distance from a test point to its k nearest training points in
///   a 2-D t-SNE map fitted jointly on the training points' and test points' latent means.
/// - `N_tSNE` (eq. 35–36): `D_tSNE` divided by c times the mean distance between training
///   points in the same map.
/// - `S` (eq. 2): α·D_RE + (1 − α)·D_tSNE (or N_tSNE).
/// - The latent-distance baseline: `D_tSNE`'s k-NN distance taken in the latent space itself.
public enum AnoDMScore {
    /// The α grid of anodm section 4.
    public static let alphaGrid: [Double] = [0, 0.005, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8,
                                             0.9, 0.95, 0.99, 1]

    /// D_RE (eq. 3) per example: `inputs` and `reconstructions` are `n` examples of
    /// `exampleSize` values each, in the same order. Accumulated in `Double`.
    public static func normalizedSquaredError(inputs: [Float], reconstructions: [Float],
                                              exampleSize: Int) throws -> [Double] {
        guard exampleSize > 0, inputs.count % exampleSize == 0 else {
            throw AnoDMScoreError.shapeMismatch("\(inputs.count) input values are not whole examples of \(exampleSize)")
        }
        guard reconstructions.count == inputs.count else {
            throw AnoDMScoreError.shapeMismatch("\(reconstructions.count) reconstructed values for \(inputs.count) input values")
        }
        return try (0..<(inputs.count / exampleSize)).map { example in
            var error = 0.0, norm = 0.0
            for index in (example * exampleSize)..<((example + 1) * exampleSize) {
                let x = Double(inputs[index])
                let difference = x - Double(reconstructions[index])
                error += difference * difference
                norm += x * x
            }
            guard norm > 0 else { throw AnoDMScoreError.zeroInput(example: example) }
            return error / norm
        }
    }

    /// D_tSNE (eq. 4) for each k of `neighbourCounts`: `testMap` `[m, 2]` and `trainingMap`
    /// `[n, 2]` are the two parts of one joint t-SNE map.
    public static func mapDistances(testMap: [Float], trainingMap: [Float], neighbourCounts: [Int]) throws -> [[Double]] {
        try validateNeighbourCounts(neighbourCounts, references: trainingMap.count / 2)
        return meanDistancesToNearest(from: testMap, to: trainingMap, neighbourCounts: neighbourCounts)
    }

    /// The mean Euclidean distance between two distinct training points of a 2-D map, over all
    /// n(n − 1)/2 pairs (eq. 36; the paper's 1/n before a double sum is read as this mean, which
    /// is what "average distance among training samples" says). O(n²), exact.
    public static func meanPairwiseDistance(_ map: [Float]) throws -> Double {
        let n = map.count / 2
        guard map.count % 2 == 0, n >= 2 else {
            throw AnoDMScoreError.shapeMismatch("the mean pairwise distance needs at least two 2-D points, got \(map.count) values")
        }
        var sum = 0.0
        for i in 0..<n {
            let xi = Double(map[2 * i]), yi = Double(map[2 * i + 1])
            var row = 0.0
            for j in (i + 1)..<n {
                let dx = xi - Double(map[2 * j]), dy = yi - Double(map[2 * j + 1])
                row += (dx * dx + dy * dy).squareRoot()
            }
            sum += row
        }
        return sum / (Double(n) * Double(n - 1) / 2)
    }

    /// N_tSNE (eq. 35): `distances` (D_tSNE) divided by `c` times the training map's mean
    /// pairwise distance. The paper's c is 0.5.
    public static func normalizedMapDistances(_ distances: [Double], trainingMap: [Float],
                                              c: Double = 0.5) throws -> [Double] {
        guard c > 0 else { throw AnoDMScoreError.invalidSetting("the normalisation constant c must be positive, got \(c)") }
        let scale = c * (try meanPairwiseDistance(trainingMap))
        guard scale > 0 else { throw AnoDMScoreError.invalidSetting("every training point sits at the same place in the map") }
        return distances.map { $0 / scale }
    }

    /// S (eq. 2): α·reconstruction + (1 − α)·distance, per example.
    public static func combined(reconstruction: [Double], distance: [Double], alpha: Double) throws -> [Double] {
        guard (0...1).contains(alpha) else { throw AnoDMScoreError.invalidSetting("α = \(alpha) is outside [0, 1]") }
        guard reconstruction.count == distance.count else {
            throw AnoDMScoreError.shapeMismatch("\(reconstruction.count) reconstruction scores against \(distance.count) distances")
        }
        return zip(reconstruction, distance).map { alpha * $0 + (1 - alpha) * $1 }
    }

    /// The AUROC of S at every α of `alphas` (the heatmap row of one β): `isAnomaly[i]` marks
    /// the held-out class.
    public static func areasUnderCurve(reconstruction: [Double], distance: [Double], isAnomaly: [Bool],
                                       alphas: [Double] = alphaGrid) throws -> [Double] {
        try alphas.map { alpha in
            try ReceiverOperatingCharacteristic(
                scores: try combined(reconstruction: reconstruction, distance: distance, alpha: alpha),
                labels: isAnomaly).area
        }
    }

    /// The latent-distance baseline: the mean distance from each test latent mean `[m, d]` to its
    /// k nearest training latent means `[n, d]`, in the latent space (no t-SNE).
    public static func latentDistances(testMeans: [Float], trainingMeans: [Float], dimensions: Int,
                                       neighbourCounts: [Int]) throws -> [[Double]] {
        guard dimensions > 0, testMeans.count % dimensions == 0, trainingMeans.count % dimensions == 0 else {
            throw AnoDMScoreError.shapeMismatch("latent means are not rows of \(dimensions) values")
        }
        try validateNeighbourCounts(neighbourCounts, references: trainingMeans.count / dimensions)
        return meanDistancesToNearest(from: testMeans, to: trainingMeans, dimensions: dimensions,
                                      neighbourCounts: neighbourCounts)
    }

    static func validateNeighbourCounts(_ counts: [Int], references: Int) throws {
        guard !counts.isEmpty, counts.allSatisfy({ $0 >= 1 && $0 <= references }) else {
            throw AnoDMScoreError.invalidSetting("neighbour counts \(counts) must lie in 1…\(references) (the training points)")
        }
    }
}

/// One t-SNE map of the training subset and the test points together (t-SNE has no
/// out-of-sample mapping, so AnoDM embeds both at once): the training points come first in the
/// fitted set, then the test points.
public struct JointMap: Sendable {
    /// `[n, 2]`: the training subset's points.
    public var trainingMap: [Float]
    /// `[m, 2]`: the test points.
    public var testMap: [Float]
    /// The final KL divergence of the fit, in nats.
    public var klDivergence: Double

    /// Fits `tsne` to the rows of `trainingMeans` `[n, d]` followed by `testMeans` `[m, d]`,
    /// starting from `generator`.
    public init(trainingMeans: [Float], testMeans: [Float], dimensions: Int, tsne: TSNE,
                generator: inout SeededGenerator) throws {
        guard dimensions > 0, trainingMeans.count % dimensions == 0, testMeans.count % dimensions == 0,
              !trainingMeans.isEmpty, !testMeans.isEmpty else {
            throw AnoDMScoreError.shapeMismatch("joint map: latent means are not non-empty rows of \(dimensions) values")
        }
        let result = tsne.embed(trainingMeans + testMeans, dimensions: dimensions, generator: &generator)
        let split = trainingMeans.count / dimensions * 2
        trainingMap = Array(result.coordinates[..<split])
        testMap = Array(result.coordinates[split...])
        klDivergence = result.klDivergence
    }
}
