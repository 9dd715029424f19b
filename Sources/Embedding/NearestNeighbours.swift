import TensorCore

/// The k nearest reference points of every query point, exact, in any dimension.
///
/// `indices` and `squaredDistances` are `[queries, k]` row-major, each row sorted by
/// increasing distance (ties by index). Distances are Euclidean, squared, recomputed in
/// `Double` from the coordinates for the chosen neighbours (the selection itself uses the
/// `Float` BLAS form below, which only decides who is a neighbour).
public struct NeighbourLists: Sendable {
    public let k: Int
    public var indices: [Int32]
    public var squaredDistances: [Double]

    public var count: Int { k == 0 ? 0 : indices.count / k }
}

enum NearestNeighbours {
    /// Query rows per BLAS block: the block of products `[rows, references]` stays near 2 M
    /// floats (8 MB), between 16 and 1,024 rows.
    static func blockRows(references: Int) -> Int { max(16, min(1024, (2 << 20) / max(references, 1))) }

    /// Exact k-nearest neighbours of `queries` `[m, d]` among `references` `[n, d]`.
    ///
    /// Squared distances come block by block from one matrix product,
    /// `‖q − r‖² = ‖q‖² + ‖r‖² − 2 q·r` (both sets centred on the references' mean first, which
    /// keeps the cancellation small); each thread selects the k smallest of its own rows with an
    /// insertion list, so the result does not depend on the thread count. With
    /// `excludingSelf`, queries are the references and point i is not its own neighbour.
    static func search(queries: [Float], references: [Float], dimensions d: Int, k: Int,
                       excludingSelf: Bool) -> NeighbourLists {
        let m = queries.count / d, n = references.count / d
        precondition(k >= 1 && k <= n - (excludingSelf ? 1 : 0),
                     "nearest neighbours: k = \(k) with \(n) reference points")
        // Centre both sets on the references' mean.
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for c in 0..<d { mean[c] += Double(references[i * d + c]) } }
        for c in 0..<d { mean[c] /= Double(n) }
        let centredReferences = references.indices.map { references[$0] - Float(mean[$0 % d]) }
        let centredQueries = excludingSelf ? centredReferences
            : queries.indices.map { queries[$0] - Float(mean[$0 % d]) }
        let referenceNorms = squaredNorms(centredReferences, dimensions: d)
        let queryNorms = excludingSelf ? referenceNorms : squaredNorms(centredQueries, dimensions: d)

        var indices = [Int32](repeating: 0, count: m * k)
        var distances = [Double](repeating: 0, count: m * k)
        let rowsPerBlock = blockRows(references: n)
        var products = [Float](repeating: 0, count: rowsPerBlock * n)
        let threads = ParallelismConfiguration.threads
        var start = 0
        while start < m {
            let rows = min(rowsPerBlock, m - start)
            // products[r, j] = q_(start + r) · r_j
            centredQueries.withUnsafeBufferPointer { q in
                centredReferences.withUnsafeBufferPointer { r in
                    products.withUnsafeMutableBufferPointer { out in
                        BLAS.gemm(transposeB: true, m: rows, n: n, k: d, q.baseAddress! + start * d, lda: d,
                                  r.baseAddress!, ldb: d, out.baseAddress!, ldc: n)
                    }
                }
            }
            let blockStart = start
            products.withUnsafeBufferPointer { dot in
                indices.withUnsafeMutableBufferPointer { outIndices in
                    distances.withUnsafeMutableBufferPointer { outDistances in
                        let parts = min(threads, rows)
                        concurrentParts(parts) { part in
                            let lower = rows * part / parts, upper = rows * (part + 1) / parts
                            var keys = [Float](repeating: 0, count: k)
                            var found = [Int32](repeating: 0, count: k)
                            for r in lower..<upper {
                                let query = blockStart + r
                                selectNearest(row: dot.baseAddress! + r * n, queryNorm: queryNorms[query],
                                              referenceNorms: referenceNorms, skip: excludingSelf ? query : -1,
                                              k: k, keys: &keys, found: &found)
                                // Exact squared distances for the chosen neighbours, then sort.
                                var chosen = (0..<k).map { slot -> (Double, Int32) in
                                    let j = Int(found[slot])
                                    var sum = 0.0
                                    for c in 0..<d {
                                        let delta = Double(queries[query * d + c]) - Double(references[j * d + c])
                                        sum += delta * delta
                                    }
                                    return (sum, found[slot])
                                }
                                chosen.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                                for slot in 0..<k {
                                    outIndices[query * k + slot] = chosen[slot].1
                                    outDistances[query * k + slot] = chosen[slot].0
                                }
                            }
                        }
                    }
                }
            }
            start += rows
        }
        return NeighbourLists(k: k, indices: indices, squaredDistances: distances)
    }

    /// The k smallest `‖q‖² + ‖r_j‖² − 2 q·r_j` of one row, kept sorted in `keys`/`found`.
    @inline(__always)
    static func selectNearest(row: UnsafePointer<Float>, queryNorm: Float, referenceNorms: [Float], skip: Int,
                              k: Int, keys: inout [Float], found: inout [Int32]) {
        var filled = 0
        referenceNorms.withUnsafeBufferPointer { norms in
            keys.withUnsafeMutableBufferPointer { keys in
                found.withUnsafeMutableBufferPointer { found in
                    var worst = Float.infinity
                    for j in 0..<norms.count where j != skip {
                        let key = queryNorm + norms[j] - 2 * row[j]
                        if filled == k && !(key < worst) { continue }
                        // Insert into the sorted list, dropping the last entry when full.
                        var slot = filled == k ? k - 1 : filled
                        while slot > 0 && keys[slot - 1] > key {
                            keys[slot] = keys[slot - 1]
                            found[slot] = found[slot - 1]
                            slot -= 1
                        }
                        keys[slot] = key
                        found[slot] = Int32(j)
                        if filled < k { filled += 1 }
                        if filled == k { worst = keys[k - 1] }
                    }
                }
            }
        }
    }

    static func squaredNorms(_ points: [Float], dimensions d: Int) -> [Float] {
        (0..<(points.count / d)).map { i in
            var sum: Float = 0
            for c in 0..<d { sum += points[i * d + c] * points[i * d + c] }
            return sum
        }
    }
}
