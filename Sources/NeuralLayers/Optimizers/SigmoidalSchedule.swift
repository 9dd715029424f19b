/// A sigmoidal annealing schedule (Bowman et al. 2016, "Generating sentences from a continuous
/// space", section 3.1), which V-ABC uses for the KL weight and for γ over its first E'
/// epochs (vabc V-B).
///
/// With progress u = t/D clamped to [0, 1] (t in steps or epochs, D the duration) and
/// steepness k, the logistic curve is rescaled to pass exactly through its endpoints:
///
///     s(u) = (σ(k·(u − ½)) − σ(−k/2)) / (σ(k/2) − σ(−k/2)),   value = start + (end − start)·s(u)
///
/// so the value is exactly `start` at t ≤ 0, exactly `end` at t ≥ D, monotone in between, and
/// halfway at t = D/2. Larger k gives a sharper switch; as k → 0 it tends to a linear ramp.
/// Bowman et al.'s logistic with k = 0.0025 per step over about 5000 steps is k ≈ 12.5 here.
/// `start > end` anneals downwards (γ from 4 to 1 in vabc V-B).
public struct SigmoidalSchedule: Sendable, Equatable {
    public let start: Float
    public let end: Float
    /// Steps or epochs from `start` to `end`.
    public let duration: Double
    public let steepness: Double

    public init(from start: Float, to end: Float, over duration: Double, steepness: Double = 10) {
        precondition(duration >= 0, "SigmoidalSchedule: the duration must be non-negative, got \(duration)")
        precondition(steepness > 0, "SigmoidalSchedule: the steepness must be positive, got \(steepness)")
        self.start = start
        self.end = end
        self.duration = duration
        self.steepness = steepness
    }

    /// The value after `time` steps or epochs (fractional epochs allowed).
    public func value(at time: Double) -> Float {
        if time >= duration { return end }
        if time <= 0 { return start }
        let u = time / duration
        let low = logistic(-steepness / 2), high = logistic(steepness / 2)
        let fraction = (logistic(steepness * (u - 0.5)) - low) / (high - low)
        return Float(Double(start) + (Double(end) - Double(start)) * fraction)
    }

    public func callAsFunction(_ time: Double) -> Float { value(at: time) }

    public func callAsFunction(_ time: Int) -> Float { value(at: Double(time)) }

    private func logistic(_ x: Double) -> Double {
        // Only evaluated for |x| ≤ steepness/2, where the Double exponential is safe.
        1 / (1 + exponentialOfNegative(x))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always) private func exponentialOfNegative(_ x: Double) -> Double { exp(-x) }
