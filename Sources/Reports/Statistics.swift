import Foundation

/// Mean and spread of one metric over runs (usually over seeds).
public struct Summary: Hashable, Sendable {
    public let n: Int
    public let mean: Double
    /// The sample standard deviation (divisor n − 1); nil when n < 2, where it is undefined.
    public let standardDeviation: Double?

    /// nil for an empty list. Values should be finite; a non-finite value makes the mean
    /// non-finite, which the formatters print as `n/a`.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        n = values.count
        let mean = values.reduce(0, +) / Double(values.count)
        self.mean = mean
        if values.count >= 2 {
            // Two passes: the sum of squared deviations does not cancel catastrophically.
            let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            standardDeviation = (squares / Double(values.count - 1)).squareRoot()
        } else {
            standardDeviation = nil
        }
    }

    /// Standard error of the mean, s / √n; nil when n < 2.
    public var standardError: Double? {
        standardDeviation.map { $0 / Double(n).squareRoot() }
    }

    /// The sample variance; nil when n < 2.
    public var variance: Double? { standardDeviation.map { $0 * $0 } }
}

/// Welch's two-sided t-test for the difference of two means without assuming equal variances
/// (what `scipy.stats.ttest_ind(a, b, equal_var=False)` computes).
public struct WelchTTest: Hashable, Sendable {
    /// (mean a − mean b) / √(s²a/na + s²b/nb).
    public let t: Double
    /// Welch–Satterthwaite degrees of freedom.
    public let degreesOfFreedom: Double
    /// Two-sided p-value from the Student t distribution.
    public let pValue: Double

    /// nil when either sample has fewer than 2 values (no variance estimate). When both
    /// samples have zero variance, the test degenerates: equal means give t = 0, p = 1, and
    /// different means t = ±∞, p = 0, with na + nb − 2 degrees of freedom (SciPy returns NaN).
    public init?(_ a: [Double], _ b: [Double]) {
        guard let summaryA = Summary(a), let summaryB = Summary(b) else { return nil }
        self.init(summaryA, summaryB)
    }

    /// nil also when a mean or a variance is not finite (a diverged run that was not filtered
    /// out): no test is defined then.
    public init?(_ a: Summary, _ b: Summary) {
        guard let varianceA = a.variance, let varianceB = b.variance,
              a.mean.isFinite, b.mean.isFinite, varianceA.isFinite, varianceB.isFinite else { return nil }
        let shareA = varianceA / Double(a.n)
        let shareB = varianceB / Double(b.n)
        let difference = a.mean - b.mean
        let standardError = (shareA + shareB).squareRoot()
        if standardError == 0 {
            degreesOfFreedom = Double(a.n + b.n - 2)
            if difference == 0 {
                t = 0
                pValue = 1
            } else {
                t = difference > 0 ? .infinity : -.infinity
                pValue = 0
            }
            return
        }
        t = difference / standardError
        degreesOfFreedom = (shareA + shareB) * (shareA + shareB)
            / (shareA * shareA / Double(a.n - 1) + shareB * shareB / Double(b.n - 1))
        pValue = StudentT.twoSidedPValue(t: t, degreesOfFreedom: degreesOfFreedom)
    }
}

/// The Student t distribution.
public enum StudentT {
    /// P(|T| ≥ |t|) for T with `degreesOfFreedom` ν: I_{ν/(ν+t²)}(ν/2, 1/2).
    public static func twoSidedPValue(t: Double, degreesOfFreedom: Double) -> Double {
        if t.isInfinite { return 0 }
        let x = degreesOfFreedom / (degreesOfFreedom + t * t)
        return min(1, max(0, regularizedIncompleteBeta(x, a: degreesOfFreedom / 2, b: 0.5)))
    }
}

/// The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b), for a, b > 0
/// and x in [0, 1]: the continued fraction of Numerical Recipes (§6.4) evaluated with the
/// modified Lentz method, on whichever side of the mean (a+1)/(a+b+2) converges fast, with
/// the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) for the other side.
public func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
    precondition(a > 0 && b > 0, "incomplete beta needs positive a and b, got \(a), \(b)")
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    // x^a (1−x)^b / (a B(a, b)), in logarithms for large a and b.
    let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
    if x < (a + 1) / (a + b + 2) {
        return exp(logFront) * incompleteBetaContinuedFraction(x, a: a, b: b) / a
    }
    return 1 - exp(logFront) * incompleteBetaContinuedFraction(1 - x, a: b, b: a) / b
}

/// The continued fraction 1/(1+ d1/(1+ d2/(1+ …))) of the incomplete beta function
/// (Numerical Recipes `betacf`), by the modified Lentz method.
func incompleteBetaContinuedFraction(_ x: Double, a: Double, b: Double) -> Double {
    let tiny = 1e-300
    let epsilon = 1e-16
    let qab = a + b
    let qap = a + 1
    let qam = a - 1
    var c = 1.0
    var d = 1 - qab * x / qap
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    for m in 1...10_000 {
        let m = Double(m)
        let m2 = 2 * m
        // Even step: d_{2m} = m(b−m)x / ((a+2m−1)(a+2m)).
        var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        if abs(d) < tiny { d = tiny }
        c = 1 + aa / c
        if abs(c) < tiny { c = tiny }
        d = 1 / d
        h *= d * c
        // Odd step: d_{2m+1} = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1)).
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        if abs(d) < tiny { d = tiny }
        c = 1 + aa / c
        if abs(c) < tiny { c = tiny }
        d = 1 / d
        let delta = d * c
        h *= delta
        if abs(delta - 1) < epsilon { break }
    }
    return h
}
