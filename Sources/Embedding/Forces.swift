import Dispatch

/// The two halves of the t-SNE gradient (van der Maaten 2014, eq. 3–5):
///
///     ∂C/∂y_i = 4 (F_attr,i − F_rep,i),
///     F_attr,i = Σ_j p_ij w_ij (y_i − y_j),          w_ij = (1 + ‖y_i − y_j‖²)⁻¹
///     F_rep,i  = Σ_j w_ij² (y_i − y_j) / Z,           Z = Σ_{k≠l} w_kl
///
/// The attractive sum runs over the sparse P (CSR rows, exact); the repulsive sum and Z come
/// from the quadtree: a cell whose width w and distance d to the point satisfy `w / d < θ`
/// stands for all its points at its centre of mass (θ = 0 visits every leaf, which is exact).
///
/// Shapes: `positions` `[n, 2]`, `attractive` and `repulsive` `[n, 2]` (the unnormalised
/// `Σ_j w_ij² (y_i − y_j)`), `normalisations` `[n]` holding each point's `Σ_j w_ij`.
/// Each row is written by one thread only and summed in a fixed order (rows in chunks handed
/// out dynamically, the tree walked depth first in child order), so the result is the same bits
/// for any number of threads.
struct Forces {
    var tree = QuadTree()
    var attractive: [Double]
    var repulsive: [Double]
    var normalisations: [Double]
    let threads: Int

    init(count n: Int, threads: Int) {
        attractive = [Double](repeating: 0, count: 2 * n)
        repulsive = [Double](repeating: 0, count: 2 * n)
        normalisations = [Double](repeating: 0, count: n)
        self.threads = max(1, threads)
    }

    /// Evaluates both force fields at `positions` and returns Z (summed over rows in order).
    mutating func evaluate(positions: [Double], affinities: SparseAffinities, theta: Double) -> Double {
        let n = affinities.count
        positions.withUnsafeBufferPointer { y in tree.rebuild(positions: y.baseAddress!, count: n) }
        let chunks = threads == 1 ? 1 : min(n, 16 * threads)
        let thetaSquared = theta * theta
        let builtTree = tree
        positions.withUnsafeBufferPointer { y in
            attractive.withUnsafeMutableBufferPointer { attractive in
                repulsive.withUnsafeMutableBufferPointer { repulsive in
                    normalisations.withUnsafeMutableBufferPointer { normalisations in
                        let y = y.baseAddress!, attractive = attractive.baseAddress!
                        let repulsive = repulsive.baseAddress!, normalisations = normalisations.baseAddress!
                        let work = { (chunk: Int) in
                            let rows = (n * chunk / chunks)..<(n * (chunk + 1) / chunks)
                            Forces.attract(rows: rows, positions: y, affinities: affinities, into: attractive)
                            Forces.repel(rows: rows, positions: y, tree: builtTree, thetaSquared: thetaSquared,
                                         into: repulsive, normalisations: normalisations)
                        }
                        if chunks == 1 { work(0) } else {
                            DispatchQueue.concurrentPerform(iterations: chunks, execute: work)
                        }
                    }
                }
            }
        }
        var z = 0.0
        for i in 0..<n { z += normalisations[i] }
        return z
    }

    /// `F_attr,i` (without the exaggeration factor) for the rows given, from P in CSR form.
    static func attract(rows: Range<Int>, positions y: UnsafePointer<Double>, affinities: SparseAffinities,
                        into out: UnsafeMutablePointer<Double>) {
        affinities.rowStarts.withUnsafeBufferPointer { starts in
            affinities.columns.withUnsafeBufferPointer { columns in
                affinities.values.withUnsafeBufferPointer { values in
                    for i in rows {
                        let xi = y[2 * i], yi = y[2 * i + 1]
                        var fx = 0.0, fy = 0.0
                        for entry in starts[i]..<starts[i + 1] {
                            let j = Int(columns[entry])
                            let dx = xi - y[2 * j], dy = yi - y[2 * j + 1]
                            let pw = values[entry] / (1 + dx * dx + dy * dy)
                            fx += pw * dx
                            fy += pw * dy
                        }
                        out[2 * i] = fx
                        out[2 * i + 1] = fy
                    }
                }
            }
        }
    }

    /// The unnormalised repulsion `Σ_j w_ij² (y_i − y_j)` and `Σ_j w_ij` for the rows given,
    /// by an iterative depth-first walk of the quadtree with an explicit stack.
    static func repel(rows: Range<Int>, positions y: UnsafePointer<Double>, tree: QuadTree, thetaSquared: Double,
                      into out: UnsafeMutablePointer<Double>, normalisations: UnsafeMutablePointer<Double>) {
        let stack = UnsafeMutablePointer<Int32>.allocate(capacity: QuadTree.stackCapacity)
        defer { stack.deallocate() }
        tree.summaries.withUnsafeBufferPointer { summaries in
            tree.firstChild.withUnsafeBufferPointer { firstChild in
                let summaries = summaries.baseAddress!, firstChild = firstChild.baseAddress!
                for i in rows {
                    let xi = y[2 * i], yi = y[2 * i + 1]
                    var fx = 0.0, fy = 0.0, z = 0.0
                    var top = 0
                    stack[0] = 0
                    top = 1
                    while top > 0 {
                        top -= 1
                        let cell = Int(stack[top])
                        let cellSummary = summaries + 4 * cell
                        let dx = xi - cellSummary[0], dy = yi - cellSummary[1]
                        let distanceSquared = dx * dx + dy * dy
                        let first = Int(firstChild[cell])
                        if first < 0 || cellSummary[3] < thetaSquared * distanceSquared {
                            let mass = cellSummary[2]
                            if distanceSquared == 0 {
                                // The point's own leaf: the others there coincide with it (w = 1, no force).
                                z += mass - 1
                                continue
                            }
                            let w = 1 / (1 + distanceSquared)
                            let massW = mass * w
                            z += massW
                            fx += massW * w * dx
                            fy += massW * w * dy
                        } else {
                            // Children pushed last-first so they are visited in order 0, 1, 2, 3.
                            var child = first + 3
                            while child >= first {
                                if summaries[4 * child + 2] > 0 {
                                    stack[top] = Int32(child)
                                    top += 1
                                }
                                child -= 1
                            }
                        }
                    }
                    out[2 * i] = fx
                    out[2 * i + 1] = fy
                    normalisations[i] = z
                }
            }
        }
    }
}
