import Foundation
import Reports

/// The section's two tests of "V-ABC generates less of the unwanted digit than the VAE".
enum VABCClaims {
    /// One-sided Welch p for "mean of `lower` < mean of `higher`" (nil without two values a side).
    static func oneSidedWelch(lower: [Double], higher: [Double]) -> Double? {
        guard let test = WelchTTest(lower, higher) else { return nil }
        return test.t < 0 ? test.pValue / 2 : 1 - test.pValue / 2
    }

    /// The one-sided sign test: P(at least `successes` of `trials` fair coin flips).
    static func signTestPValue(successes: Int, trials: Int) -> Double {
        guard trials > 0 else { return 1 }
        var total = 0.0
        for k in successes...trials where k >= 0 { total += binomial(trials, k) }
        return total / pow(2, Double(trials))
    }

    static func binomial(_ n: Int, _ k: Int) -> Double {
        guard k >= 0 && k <= n else { return 0 }
        var value = 1.0
        for i in 0..<min(k, n - k) { value = value * Double(n - i) / Double(i + 1) }
        return value
    }
}
