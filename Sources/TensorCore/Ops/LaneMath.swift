// Eight-lane exp, log1p, softplus and sigmoid for the likelihoods' per-pixel loops. The
// Bernoulli log-likelihood evaluates softplus once per pixel and its gradient a sigmoid, 78,400
// of each per step of a batch of 100 MNIST images; the scalar libm calls (`log1pf`, `expf`)
// ran on one core while OpenBLAS's workers waited, 4.6 % of the dense step's samples in `perf`.
//
// Accuracy against double precision (`LaneMathTests`, every 1/1000 of the range): exp on
// [−87, 0] at worst 0.93 ulp, log1p on [0, 1] 2.1 ulp, softplus and sigmoid on [−100, 100] 2.8
// and 2.0 ulp. The results differ from libm's in the last bits, so a model trained with them
// follows a slightly different path, as on another BLAS kernel family (docs/DESIGN.md).

public typealias Lanes8 = SIMD8<Float>

/// eˣ for x ≤ 0 (Cephes' expf: x = n·ln 2 + r with |r| ≤ ½ ln 2, a degree-7 polynomial in r,
/// then 2ⁿ by the exponent bits). Below −87 the result is e⁻⁸⁷ ≈ 1.6e-38: the callers add it to
/// 1 or to a number at least 87, where nothing below the smallest normal float shows.
@inline(__always)
public func exponentialOfNonPositive(_ x: Lanes8) -> Lanes8 {
    let x = x.replacing(with: -87, where: x .< -87)
    // n = round(x·log₂e) with the 1.5·2²³ trick: the sum's low mantissa bits hold n.
    let shifter = Lanes8(repeating: 12_582_912)
    let shifted = x * 1.442_695_04 + shifter
    let n = shifted - shifter
    let r = x - n * 0.693_359_375 - n * -2.121_944_4e-4
    var p = Lanes8(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    let y = p * (r * r) + r + 1
    let exponent = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(shifter, to: SIMD8<Int32>.self)
    return y * unsafeBitCast((exponent &+ 127) &<< 23, to: Lanes8.self)
}

/// log(1 + t) for 0 ≤ t ≤ 1, as 2·atanh(s) with s = t/(2 + t) ≤ ⅓: the odd series
/// 2s(1 + s²/3 + … + s¹⁴/15) has only positive terms, and the first omitted one is below
/// 2·10⁻⁹ of the sum, so small t keep their full precision (log1p(t) → t).
@inline(__always)
public func logOnePlusOfUnitInterval(_ t: Lanes8) -> Lanes8 {
    let s = t / (t + 2)
    let z = s * s
    var q = Lanes8(repeating: 1.0 / 15)
    q = q * z + 1.0 / 13
    q = q * z + 1.0 / 11
    q = q * z + 1.0 / 9
    q = q * z + 1.0 / 7
    q = q * z + 1.0 / 5
    q = q * z + 1.0 / 3
    q = q * z + 1
    return 2 * s * q
}

/// log(1 + eˣ) lane by lane: max(x, 0) + log1p(e^−|x|), the same split as the scalar `softplus`.
@inline(__always)
public func softplus(_ x: Lanes8) -> Lanes8 {
    let magnitude = x.replacing(with: -x, where: x .< 0)
    return x.replacing(with: 0, where: x .< 0) + logOnePlusOfUnitInterval(exponentialOfNonPositive(-magnitude))
}

/// 1 / (1 + e⁻ˣ) lane by lane, from t = e^−|x|: 1/(1 + t) for x ≥ 0, t/(1 + t) below.
@inline(__always)
public func sigmoid(_ x: Lanes8) -> Lanes8 {
    let magnitude = x.replacing(with: -x, where: x .< 0)
    let t = exponentialOfNonPositive(-magnitude)
    let numerator = Lanes8(repeating: 1).replacing(with: t, where: x .< 0)
    return numerator / (1 + t)
}

extension SIMD8 where Scalar == Float {
    /// The first `count` floats at `p` (at most 8), zeros after them.
    @inline(__always)
    public static func loading(_ p: UnsafePointer<Float>, count: Int = 8) -> Self {
        if count == 8 { return UnsafeRawPointer(p).loadUnaligned(as: Self.self) }
        var lanes = Self()
        for i in 0..<count { lanes[i] = p[i] }
        return lanes
    }

    /// Stores the first `count` lanes at `p`.
    @inline(__always)
    public func store(to p: UnsafeMutablePointer<Float>, count: Int = 8) {
        if count == 8 {
            UnsafeMutableRawPointer(p).storeBytes(of: self, as: Self.self)
            return
        }
        for i in 0..<count { p[i] = self[i] }
    }
}
