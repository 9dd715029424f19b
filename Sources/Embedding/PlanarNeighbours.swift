/// Distances from points to their nearest reference points (AnoDM's anomaly scores: the mean
/// distance of a test point to its k nearest training points, in the 2-D t-SNE map or, for the
/// latent-distance baseline, in the latent space).

/// For each query point of a 2-D map, the mean Euclidean distance to its k nearest reference points.
///
/// Exact (every reference is considered). A query that coincides with a reference counts that
/// reference at distance 0: pass disjoint sets when a point must not find itself.
/// - Parameters: `queries` `[m, 2]`, `references` `[n, 2]` row-major, `1 ≤ k ≤ n`.
/// - Returns: `[m]`.
public func meanDistanceToNearest(from queries: [Float], to references: [Float], k: Int) -> [Double] {
    meanDistancesToNearest(from: queries, to: references, neighbourCounts: [k])[0]
}

/// The same for several k at once (one neighbour search at the largest k): element `c` of the
/// result holds the `[m]` mean distances for `neighbourCounts[c]` (as AnoDM's k = 1, 3, 5).
public func meanDistancesToNearest(from queries: [Float], to references: [Float],
                                   neighbourCounts: [Int]) -> [[Double]] {
    meanDistancesToNearest(from: queries, to: references, dimensions: 2, neighbourCounts: neighbourCounts)
}

/// The same in any dimension: `queries` `[m, dimensions]`, `references` `[n, dimensions]`.
public func meanDistancesToNearest(from queries: [Float], to references: [Float], dimensions: Int,
                                   neighbourCounts: [Int]) -> [[Double]] {
    precondition(dimensions >= 1 && queries.count % dimensions == 0 && references.count % dimensions == 0,
                 "meanDistancesToNearest: points must be [n, \(dimensions)]")
    guard let largest = neighbourCounts.max() else { return [] }
    precondition(neighbourCounts.allSatisfy { $0 >= 1 }, "meanDistancesToNearest: every k must be at least 1")
    let m = queries.count / dimensions
    if m == 0 { return neighbourCounts.map { _ in [] } }
    let found = NearestNeighbours.search(queries: queries, references: references, dimensions: dimensions,
                                         k: largest, excludingSelf: false)
    return neighbourCounts.map { k in
        (0..<m).map { q in
            var sum = 0.0
            for slot in 0..<k { sum += found.squaredDistances[q * largest + slot].squareRoot() }
            return sum / Double(k)
        }
    }
}
