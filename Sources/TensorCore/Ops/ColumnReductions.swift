/// Per-column sums over the rows of a row-major `[rows, columns]` matrix: the reductions of
/// batch normalisation (moments, parameter gradients) and of a bias gradient.
///
/// Each column's values are added in row order, exactly as the plain loop
/// `for row { for j { s[j] += … } }` adds them, so the results are bit-identical to it; only
/// the lanes change: eight neighbouring columns per vector (sixteen for Float sums). The plain
/// loop kept one scalar accumulator per column in memory and paid a load, an add and a store
/// for every value; `perf` put batch normalisation's moments alone at 5 % of the convolutional
/// training step's samples.
public enum ColumnReduction {
    /// Σ_rows x[row, j] in Double.
    public static func sums(_ x: UnsafePointer<Float>, rows: Int, columns c: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: c)
        let vectorColumns = c - c % 8
        sums.withUnsafeMutableBufferPointer { s in
            let s = s.baseAddress!
            for row in 0..<rows {
                let r = x + row * c
                var j = 0
                while j < vectorColumns {
                    store(load(s + j) + widened(r + j), s + j)
                    j += 8
                }
                while j < c { s[j] += Double(r[j]); j += 1 }
            }
        }
        return sums
    }

    /// Σ_rows (x[row, j] − mean[j])² in Double.
    public static func centredSquareSums(_ x: UnsafePointer<Float>, rows: Int, columns c: Int,
                                         means: [Double]) -> [Double] {
        precondition(means.count == c, "centredSquareSums: \(means.count) means for \(c) columns")
        var squares = [Double](repeating: 0, count: c)
        let vectorColumns = c - c % 8
        means.withUnsafeBufferPointer { mu in
            let mu = mu.baseAddress!
            squares.withUnsafeMutableBufferPointer { q in
                let q = q.baseAddress!
                for row in 0..<rows {
                    let r = x + row * c
                    var j = 0
                    while j < vectorColumns {
                        let centred = widened(r + j) - load(mu + j)
                        store(load(q + j) + centred * centred, q + j)
                        j += 8
                    }
                    while j < c {
                        let centred = Double(r[j]) - mu[j]
                        q[j] += centred * centred
                        j += 1
                    }
                }
            }
        }
        return squares
    }

    /// Σ_rows g[row, j] and Σ_rows g[row, j]·x[row, j] in Double. With a `mask`, g counts where
    /// mask[row, j] > 0 and is 0 elsewhere (the gradient through a relu, whose output is the
    /// mask), exactly as masking g first and summing it would.
    public static func sumsAndProductSums(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                          mask: UnsafePointer<Float>? = nil, rows: Int,
                                          columns c: Int) -> (sums: [Double], productSums: [Double]) {
        var sums = [Double](repeating: 0, count: c), products = [Double](repeating: 0, count: c)
        let vectorColumns = c - c % 8
        sums.withUnsafeMutableBufferPointer { s in
            products.withUnsafeMutableBufferPointer { p in
                let s = s.baseAddress!, p = p.baseAddress!
                for row in 0..<rows {
                    let gr = g + row * c, xr = x + row * c, mr = mask.map { $0 + row * c }
                    var j = 0
                    while j < vectorColumns {
                        let gv = SIMD8<Double>(mr.map { masked(gr + j, by: $0 + j) }
                                               ?? UnsafeRawPointer(gr + j).loadUnaligned(as: SIMD8<Float>.self))
                        store(load(s + j) + gv, s + j)
                        store(load(p + j) + gv * widened(xr + j), p + j)
                        j += 8
                    }
                    while j < c {
                        let gi = Double(mr.map { $0[j] > 0 ? gr[j] : 0 } ?? gr[j])
                        s[j] += gi
                        p[j] += gi * Double(xr[j])
                        j += 1
                    }
                }
            }
        }
        return (sums, products)
    }

    /// Eight values of `g`, each kept where `mask` is above 0 and 0 elsewhere (NaN masks to 0,
    /// as `mask > 0 ? g : 0` does).
    @inline(__always)
    static func masked(_ g: UnsafePointer<Float>, by mask: UnsafePointer<Float>) -> SIMD8<Float> {
        let m = UnsafeRawPointer(mask).loadUnaligned(as: SIMD8<Float>.self)
        return SIMD8<Float>(repeating: 0).replacing(with: UnsafeRawPointer(g).loadUnaligned(as: SIMD8<Float>.self),
                                                    where: m .> 0)
    }

    /// Σ_rows x[row, j] in Float (a bias gradient), sixteen columns per vector.
    public static func floatSums(_ x: UnsafePointer<Float>, rows: Int, columns c: Int,
                                 into sums: UnsafeMutablePointer<Float>) {
        sums.initialize(repeating: 0, count: c)
        let vectorColumns = c - c % 16
        for row in 0..<rows {
            let r = x + row * c
            var j = 0
            while j < vectorColumns {
                let v = UnsafeRawPointer(r + j).loadUnaligned(as: SIMD16<Float>.self)
                let s = UnsafeRawPointer(sums + j).loadUnaligned(as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(sums + j).storeBytes(of: s + v, as: SIMD16<Float>.self)
                j += 16
            }
            while j < c { sums[j] += r[j]; j += 1 }
        }
    }

    /// Eight Floats from `p`, widened to Double.
    @inline(__always)
    static func widened(_ p: UnsafePointer<Float>) -> SIMD8<Double> {
        SIMD8<Double>(UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self))
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Double>) -> SIMD8<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self)
    }

    @inline(__always)
    static func load(_ p: UnsafeMutablePointer<Double>) -> SIMD8<Double> { load(UnsafePointer(p)) }

    @inline(__always)
    static func store(_ value: SIMD8<Double>, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: value, as: SIMD8<Double>.self)
    }
}
