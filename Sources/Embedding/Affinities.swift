import TensorCore

/// The input similarities P of t-SNE as a sparse symmetric matrix in CSR form.
///
/// Row i holds `p_ij` for the j in `columns[rowStarts[i] ..< rowStarts[i + 1]]` (sorted). The
/// whole matrix sums to 1 and `p_ij = p_ji`; the diagonal is empty.
public struct SparseAffinities: Sendable {
    public let count: Int
    public var rowStarts: [Int]
    public var columns: [Int32]
    public var values: [Double]

    public var nonZeros: Int { values.count }
}

enum PerplexityCalibration {
    /// Entropy tolerance (nats) and step budget of the bisection, scikit-learn's and bhtsne's.
    static let tolerance = 1e-5
    static let maximumSteps = 100

    /// Conditional Gaussian affinities `p_{j|i}` on each point's neighbours, `[n, k]` row-major.
    ///
    /// For point i, `p_{j|i} = exp(−β_i d²_ij) / Σ_l exp(−β_i d²_il)` over its k nearest
    /// neighbours (squared Euclidean distances d²), with β_i = 1/(2σ_i²) found by bisection so
    /// that the entropy `H_i = −Σ_j p_{j|i} ln p_{j|i}` equals `ln(perplexity)` to 1e-5 nats
    /// (van der Maaten & Hinton 2008, section 2). The search starts at β = 1, doubles or halves
    /// β until the target is bracketed, then halves the bracket — the same steps as
    /// scikit-learn's `_binary_search_perplexity`, which the fixture test compares against.
    static func conditionalAffinities(_ neighbours: NeighbourLists, perplexity: Double) -> [Double] {
        let n = neighbours.count, k = neighbours.k
        let targetEntropy = Double(Float(perplexity)).logarithm
        var affinities = [Double](repeating: 0, count: n * k)
        affinities.withUnsafeMutableBufferPointer { out in
            neighbours.squaredDistances.withUnsafeBufferPointer { distances in
                let parts = min(ParallelismConfiguration.threads, max(1, n / 256))
                concurrentParts(parts) { part in
                    for i in (n * part / parts)..<(n * (part + 1) / parts) {
                        calibrateRow(distances: distances.baseAddress! + i * k, k: k,
                                     targetEntropy: targetEntropy, into: out.baseAddress! + i * k)
                    }
                }
            }
        }
        return affinities
    }

    /// One row of the bisection: writes the normalised `p_{j|i}` for the final β.
    static func calibrateRow(distances: UnsafePointer<Double>, k: Int, targetEntropy: Double,
                             into row: UnsafeMutablePointer<Double>) {
        var beta = 1.0, lower = -Double.infinity, upper = Double.infinity
        for _ in 0..<maximumSteps {
            var sum = 0.0
            for j in 0..<k {
                row[j] = (-distances[j] * beta).exponential
                sum += row[j]
            }
            if sum == 0 { sum = 1e-8 }
            var weightedDistance = 0.0
            for j in 0..<k {
                row[j] /= sum
                weightedDistance += distances[j] * row[j]
            }
            // H = ln Σ exp(−β d²) + β Σ p d²
            let entropyExcess = sum.logarithm + beta * weightedDistance - targetEntropy
            if abs(entropyExcess) <= tolerance { break }
            if entropyExcess > 0 {          // too flat: sharpen
                lower = beta
                beta = upper == .infinity ? beta * 2 : (beta + upper) / 2
            } else {
                upper = beta
                beta = lower == -.infinity ? beta / 2 : (beta + lower) / 2
            }
        }
    }

    /// The joint affinities `p_ij = (p_{j|i} + p_{i|j}) / (2n)`, sparse on the union of the
    /// neighbour graphs, normalised to sum exactly 1 (van der Maaten 2014, section 4.1).
    static func symmetrised(_ conditional: [Double], neighbours: NeighbourLists) -> SparseAffinities {
        let n = neighbours.count, k = neighbours.k
        // Row i of P + Pᵀ: its own neighbours plus every point that has i as a neighbour.
        var rowCounts = [Int](repeating: k, count: n)
        for i in 0..<n { for slot in 0..<k { rowCounts[Int(neighbours.indices[i * k + slot])] += 1 } }
        var starts = [Int](repeating: 0, count: n + 1)
        for i in 0..<n { starts[i + 1] = starts[i] + rowCounts[i] }
        var entries = [(column: Int32, value: Double)](repeating: (0, 0), count: starts[n])
        var fill = Array(starts[0..<n])
        for i in 0..<n {
            for slot in 0..<k {
                let j = Int(neighbours.indices[i * k + slot]), p = conditional[i * k + slot]
                entries[fill[i]] = (Int32(j), p); fill[i] += 1
                entries[fill[j]] = (Int32(i), p); fill[j] += 1
            }
        }
        // Sort each row by column and merge the two halves of mutual neighbours.
        var rowStarts = [0], columns: [Int32] = [], values: [Double] = []
        columns.reserveCapacity(entries.count); values.reserveCapacity(entries.count)
        var total = 0.0
        for i in 0..<n {
            let row = entries[starts[i]..<starts[i + 1]].sorted { $0.column < $1.column }
            var index = 0
            while index < row.count {
                var value = row[index].value
                while index + 1 < row.count && row[index + 1].column == row[index].column {
                    index += 1
                    value += row[index].value
                }
                columns.append(row[index].column)
                values.append(value)
                total += value
                index += 1
            }
            rowStarts.append(columns.count)
        }
        for index in values.indices { values[index] /= total }
        return SparseAffinities(count: n, rowStarts: rowStarts, columns: columns, values: values)
    }
}
