import Foundation

/// How numbers appear in reports: a fixed number of decimals, `n/a` for what is missing or not
/// finite, never `-0.000`.
public enum NumberFormat {
    /// `value` with `decimals` digits after the point (`0.912`), or `n/a`.
    public static func fixed(_ value: Double?, decimals: Int) -> String {
        guard let value, value.isFinite else { return "n/a" }
        var text = String(format: "%.\(decimals)f", value)
        // Rounding a small negative value to zero would print "-0.000".
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            text.removeFirst()
        }
        return text
    }

    /// `0.912 ± 0.004`; just the mean when there is no standard deviation (n < 2).
    public static func meanPlusMinus(_ mean: Double?, _ standardDeviation: Double?, decimals: Int) -> String {
        guard let mean, mean.isFinite else { return "n/a" }
        guard let standardDeviation, standardDeviation.isFinite else { return fixed(mean, decimals: decimals) }
        return fixed(mean, decimals: decimals) + " ± " + fixed(standardDeviation, decimals: decimals)
    }

    /// `0.912 ± 0.004` from a summary (mean ± sample standard deviation), `n/a` without one.
    /// With `scale` 100 a fraction reads as a percentage.
    public static func summary(_ summary: Summary?, decimals: Int, scale: Double = 1) -> String {
        guard let summary else { return "n/a" }
        return meanPlusMinus(summary.mean * scale, summary.standardDeviation.map { $0 * scale },
                             decimals: decimals)
    }

    /// `p = 0.0019`, `p < 0.0001`, `p = 1.0000`, or `n/a`.
    public static func pValue(_ p: Double?) -> String {
        guard let p, p.isFinite else { return "n/a" }
        if p < 0.0001 { return "p < 0.0001" }
        return "p = " + fixed(p, decimals: 4)
    }

    /// The shortest text that reads back as the same number (`0.0005`, `1e-05`), for CSV
    /// files; empty for nil or non-finite values.
    public static func exact(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return value.description
    }
}
