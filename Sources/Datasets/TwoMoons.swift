#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Randomness

/// The two-moons toy set of V-ABC (vabc.txt, Table I), drawn like scikit-learn's `make_moons`:
/// the upper moon (cos t, sin t) and the lower moon (1 − cos t, 1/2 − sin t) for t evenly spaced
/// over [0, π], plus isotropic Gaussian noise. V-ABC's negative concept ("class 0") is the upper
/// moon, as in scikit-learn's label 0; the lower moon is positive.
///
/// Noise: 0.1 (standard deviation per coordinate). The paper calls the overlap "minimal, but
/// existing": the moons are 0.5 apart at their closest, so with 0.1 a handful of points of
/// 10,000 cross over; 0.2 would mix them visibly.
public struct TwoMoons: Sendable {
    public static let defaultNoise: Float = 0.1

    /// Points, (count, 2).
    public let points: [Float]
    /// True for the upper moon (the negative concept).
    public let isNegative: [Bool]
    public var count: Int { isNegative.count }

    /// `positives` lower-moon and `negatives` upper-moon points, in that order (shuffle with a
    /// split if needed).
    public static func generate(positives: Int = 5000, negatives: Int = 5000, noise: Float = defaultNoise,
                                generator: inout SeededGenerator) -> TwoMoons {
        var points = [Float](), isNegative = [Bool]()
        points.reserveCapacity(2 * (positives + negatives))
        func t(_ i: Int, _ n: Int) -> Double { n > 1 ? Double.pi * Double(i) / Double(n - 1) : 0 }
        for i in 0..<positives {
            let angle = t(i, positives)
            points += [Float(1 - cos(angle)) + noise * generator.normal(), Float(0.5 - sin(angle)) + noise * generator.normal()]
            isNegative.append(false)
        }
        for i in 0..<negatives {
            let angle = t(i, negatives)
            points += [Float(cos(angle)) + noise * generator.normal(), Float(sin(angle)) + noise * generator.normal()]
            isNegative.append(true)
        }
        return TwoMoons(points: points, isNegative: isNegative)
    }

    /// V-ABC's folds for this set: proportion `p` of the upper moon is unwanted, the rest of the
    /// points are unlabeled (Moons1: p = 1, Moons2: p = 0.8).
    public func folds(unwantedProportion p: Double, selection: Splits.UnwantedSelection = .exactCount,
                      generator: inout SeededGenerator) -> Splits.NegativeUnlabeledFolds {
        Splits.negativeUnlabeled(isNegative: isNegative, unwantedProportion: p, selection: selection, generator: &generator)
    }
}
