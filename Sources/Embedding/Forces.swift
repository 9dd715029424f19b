import TensorCore

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
/// out dynamically, the tree walked depth first in child order, Z summed over rows in index
/// order), so the result is the same bits for any number of threads.
struct Forces {
    var tree = QuadTree()
    var attractive: [Double]
    var repulsive: [Double]
    var normalisations: [Double]
    let threads: Int
    /// Points in the order their rows are computed: along a Z-order curve of the map, so that
    /// consecutive walks of the tree take nearly the same path (warm caches, predictable
    /// branches). Refreshed every `reorderInterval` evaluations; it decides only which thread
    /// computes a row, never how.
    private(set) var visitOrder: [Int32]
    private var evaluations = 0
    static let reorderInterval = 10

    init(count n: Int, threads: Int) {
        attractive = [Double](repeating: 0, count: 2 * n)
        repulsive = [Double](repeating: 0, count: 2 * n)
        normalisations = [Double](repeating: 0, count: n)
        visitOrder = (0..<n).map { Int32($0) }
        self.threads = max(1, threads)
    }

    /// Sorts the points by their Morton code (16 bits per axis over the map's bounding box).
    mutating func reorder(positions y: [Double]) {
        let n = visitOrder.count
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        for i in 0..<n {
            minX = min(minX, y[2 * i]); maxX = max(maxX, y[2 * i])
            minY = min(minY, y[2 * i + 1]); maxY = max(maxY, y[2 * i + 1])
        }
        let scaleX = 65535 / max(maxX - minX, 1e-300), scaleY = 65535 / max(maxY - minY, 1e-300)
        var keys = (0..<n).map { i -> UInt64 in
            let qx = UInt64((y[2 * i] - minX) * scaleX), qy = UInt64((y[2 * i + 1] - minY) * scaleY)
            return (Forces.spreadBits(qx) | Forces.spreadBits(qy) << 1) << 32 | UInt64(i)
        }
        keys.sort()
        for slot in 0..<n { visitOrder[slot] = Int32(truncatingIfNeeded: keys[slot] & 0xFFFF_FFFF) }
    }

    /// The low 16 bits of `value` moved to the even bit positions.
    static func spreadBits(_ value: UInt64) -> UInt64 {
        var v = value & 0xFFFF
        v = (v | v << 8) & 0x00FF_00FF
        v = (v | v << 4) & 0x0F0F_0F0F
        v = (v | v << 2) & 0x3333_3333
        v = (v | v << 1) & 0x5555_5555
        return v
    }

    /// Evaluates both force fields at `positions` and returns Z (summed over rows in order).
    mutating func evaluate(positions: [Double], affinities: SparseAffinities, theta: Double) -> Double {
        let n = affinities.count
        if evaluations % Forces.reorderInterval == 0 { reorder(positions: positions) }
        evaluations += 1
        positions.withUnsafeBufferPointer { y in
            visitOrder.withUnsafeBufferPointer { order in tree.rebuild(positions: y.baseAddress!, order: order) }
        }
        let chunks = threads == 1 ? 1 : min(n, 16 * threads)
        let thetaSquared = theta * theta
        let builtTree = tree
        positions.withUnsafeBufferPointer { y in
          visitOrder.withUnsafeBufferPointer { order in
            attractive.withUnsafeMutableBufferPointer { attractive in
                repulsive.withUnsafeMutableBufferPointer { repulsive in
                    normalisations.withUnsafeMutableBufferPointer { normalisations in
                        let y = y.baseAddress!, attractive = attractive.baseAddress!
                        let repulsive = repulsive.baseAddress!, normalisations = normalisations.baseAddress!
                        let work = { (chunk: Int) in
                            let rows = UnsafeBufferPointer(rebasing: order[(n * chunk / chunks)..<(n * (chunk + 1) / chunks)])
                            Forces.attract(rows: rows, positions: y, affinities: affinities, into: attractive)
                            Forces.repel(rows: rows, positions: y, tree: builtTree, thetaSquared: thetaSquared,
                                         into: repulsive, normalisations: normalisations)
                        }
                        if chunks == 1 { work(0) } else {
                            concurrentParts(chunks, work)
                        }
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
    static func attract(rows: UnsafeBufferPointer<Int32>, positions y: UnsafePointer<Double>, affinities: SparseAffinities,
                        into out: UnsafeMutablePointer<Double>) {
        affinities.rowStarts.withUnsafeBufferPointer { starts in
            affinities.columns.withUnsafeBufferPointer { columns in
                affinities.values.withUnsafeBufferPointer { values in
                    for row in rows {
                        let i = Int(row)
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
    /// by a depth-first walk of the quadtree (a forward scan of its preorder layout).
    static func repel(rows: UnsafeBufferPointer<Int32>, positions y: UnsafePointer<Double>, tree: QuadTree,
                      thetaSquared: Double,
                      into out: UnsafeMutablePointer<Double>, normalisations: UnsafeMutablePointer<Double>) {
        let cells = tree.packedCount
        tree.packed.withUnsafeBufferPointer { packed in
            tree.skips.withUnsafeBufferPointer { skips in
                let packed = packed.baseAddress!, skips = skips.baseAddress!
                for row in rows {
                    let i = Int(row)
                    let xi = y[2 * i], yi = y[2 * i + 1]
                    var fx = 0.0, fy = 0.0, z = 0.0
                    var cell = 0
                    while cell < cells {
                        let summary = packed + 4 * cell
                        let dx = xi - summary[0], dy = yi - summary[1]
                        let distanceSquared = dx * dx + dy * dy
                        let skip = Int(skips[cell])
                        if skip == cell + 1 || summary[3] < thetaSquared * distanceSquared {
                            let mass = summary[2]
                            if distanceSquared == 0 {
                                // The point's own leaf: the others there coincide with it (w = 1, no force).
                                z += mass - 1
                            } else {
                                let w = 1 / (1 + distanceSquared)
                                let massW = mass * w
                                z += massW
                                fx += massW * w * dx
                                fy += massW * w * dy
                            }
                            cell = skip
                        } else {
                            cell += 1
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
