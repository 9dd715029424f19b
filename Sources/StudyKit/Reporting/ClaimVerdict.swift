import Reports

/// Which of two models a number favours.
public enum ComparisonDirection: Equatable, Sendable {
    case first, second, tie

    /// The direction of `first` against `second` for a metric, or nil when either is missing.
    public init?(_ first: Double?, _ second: Double?, higherIsBetter: Bool) {
        guard let first, let second, first.isFinite, second.isFinite else { return nil }
        if first == second { self = .tie } else { self = (first > second) == higherIsBetter ? .first : .second }
    }
}

/// A claim of the form "model A beats model B on a metric", tested on our runs against the
/// direction the paper's own numbers give for that row.
///
/// The paper's direction is read from the paper's two numbers for the row, not assumed: where
/// the paper itself has B ahead (semisupervised-vae section 3.1.1 discusses such rows), our
/// result "holds" when B is ahead here too. A tie is never reported as one side winning.
/// Significance is a two-sided Welch t-test over seeds at p < 0.05.
public struct ClaimVerdict: Equatable, Sendable {
    public let first: String
    public let second: String
    /// The paper's direction for this row (nil when the paper reports no pair).
    public let paper: ComparisonDirection?
    /// Ours (nil when either side has no run).
    public let ours: ComparisonDirection?
    /// Welch's p over seeds (nil with fewer than 2 seeds on a side).
    public let pValue: Double?
    public static let significanceLevel = 0.05

    public init(first: String, second: String, paperFirst: Double?, paperSecond: Double?,
                oursFirst: [Double], oursSecond: [Double], higherIsBetter: Bool) {
        self.first = first
        self.second = second
        paper = ComparisonDirection(paperFirst, paperSecond, higherIsBetter: higherIsBetter)
        let a = Summary(oursFirst.filter(\.isFinite)), b = Summary(oursSecond.filter(\.isFinite))
        ours = ComparisonDirection(a?.mean, b?.mean, higherIsBetter: higherIsBetter)
        pValue = (a != nil && b != nil) ? WelchTTest(a!, b!)?.pValue : nil
    }

    public var isSignificant: Bool { pValue.map { $0 < Self.significanceLevel } ?? false }

    /// "SS better", "ES better", "tie" or "n/a" for a direction.
    public func text(_ direction: ComparisonDirection?) -> String {
        switch direction {
        case .first: return "\(first) better"
        case .second: return "\(second) better"
        case .tie: return "tie"
        case nil: return "n/a"
        }
    }

    /// The paper's direction as the table prints it.
    public var paperText: String { text(paper) }

    /// Whether our result agrees with the paper's row, with its strength.
    public var holdsText: String {
        guard let ours else { return "not run" }
        let strength: String
        if let p = pValue {
            strength = p < Self.significanceLevel ? "significant" : "not significant"
        } else {
            strength = "n < 2, no test"
        }
        if ours == .tie { return "no: tied here (\(strength))" }
        guard let paper else { return "\(text(ours)) here (\(strength)); paper n/a" }
        if paper == .tie { return "paper tied; \(text(ours)) here (\(strength))" }
        if paper == ours { return isSignificant ? "yes" : "same direction, \(strength)" }
        return "no: \(text(ours)) here (\(strength))"
    }
}
