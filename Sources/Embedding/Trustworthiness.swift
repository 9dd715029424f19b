import TensorCore

/// Trustworthiness of a low-dimensional map (Venna & Kaski 2001; scikit-learn's
/// `sklearn.manifold.trustworthiness`): how much the map's neighbourhoods can be trusted,
///
///     T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σ_i Σ_{j ∈ U_i(k)} (r(i, j) − k),
///
/// where U_i(k) are the points among the k nearest neighbours of i in the map but not in the
/// input space, and r(i, j) is the rank of j by input-space distance from i (the nearest other
/// point has rank 1). 1 means every map neighbourhood is an input neighbourhood. Euclidean
/// distances in both spaces; needs k < n / 2.
///
/// Cost: the two k-neighbour searches, plus one exact row of input distances (O(n·d)) for each
/// point with a false neighbour — O(n²·d) at worst, once per map.
/// - Parameters: `high` `[n, highDimensions]`, `low` `[n, lowDimensions]`, row-major.
public func trustworthiness(high: [Float], highDimensions: Int, low: [Float], lowDimensions: Int = 2,
                            neighbours k: Int) -> Double {
    let n = high.count / highDimensions
    precondition(low.count == n * lowDimensions, "trustworthiness: \(n) input rows but \(low.count / lowDimensions) map rows")
    precondition(k >= 1 && 2 * k < n, "trustworthiness: needs 1 ≤ k < n/2, got k = \(k), n = \(n)")
    let inMap = NearestNeighbours.search(queries: low, references: low, dimensions: lowDimensions, k: k,
                                         excludingSelf: true)
    let inInput = NearestNeighbours.search(queries: high, references: high, dimensions: highDimensions, k: k,
                                           excludingSelf: true)
    var penalties = [Double](repeating: 0, count: n)
    penalties.withUnsafeMutableBufferPointer { penalties in
        let parts = min(ParallelismConfiguration.threads, n)
        concurrentParts(parts) { part in
            var distances = [Double](repeating: 0, count: n)
            for i in (n * part / parts)..<(n * (part + 1) / parts) {
                let trueNeighbours = Set(inInput.indices[(i * k)..<((i + 1) * k)])
                let intruders = inMap.indices[(i * k)..<((i + 1) * k)].filter { !trueNeighbours.contains($0) }
                guard !intruders.isEmpty else { continue }
                for l in 0..<n {
                    var sum = 0.0
                    for c in 0..<highDimensions {
                        let delta = Double(high[i * highDimensions + c]) - Double(high[l * highDimensions + c])
                        sum += delta * delta
                    }
                    distances[l] = sum
                }
                var penalty = 0.0
                for j in intruders {
                    let reference = distances[Int(j)]
                    var rank = 1
                    for l in 0..<n where l != i && distances[l] < reference { rank += 1 }
                    penalty += Double(max(0, rank - k))
                }
                penalties[i] = penalty
            }
        }
    }
    var total = 0.0
    for i in 0..<n { total += penalties[i] }
    let scale = 2 / (Double(n) * Double(k) * (2 * Double(n) - 3 * Double(k) - 1))
    return 1 - scale * total
}

/// Trustworthiness of the rows of `low` `[n, m]` as a map of the rows of `high` `[n, d]`.
public func trustworthiness(high: Tensor, low: Tensor, neighbours k: Int) -> Double {
    precondition(high.rank == 2 && low.rank == 2, "trustworthiness: expected [n, d] and [n, m], got \(high.shape), \(low.shape)")
    return trustworthiness(high: high.scalars, highDimensions: high.columns, low: low.scalars,
                           lowDimensions: low.columns, neighbours: k)
}
