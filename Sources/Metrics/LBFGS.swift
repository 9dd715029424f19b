/// Limited-memory BFGS (Nocedal & Wright, *Numerical Optimization*, 2nd ed., Algorithm 7.5 with
/// the two-loop recursion 7.4), in double precision, for smooth unconstrained problems.
///
/// Line search: the strong Wolfe conditions, found by bracketing and zooming (Nocedal & Wright
/// Algorithms 3.5 and 3.6) with safeguarded cubic interpolation: sufficient decrease
/// `f(x + αp) ≤ f(x) + c₁·α·∇fᵀp` with c₁ = 1e-4 and curvature `|∇f(x + αp)ᵀp| ≤ c₂·|∇fᵀp|` with
/// c₂ = 0.9. The first step tries α = 1/‖∇f‖₂ along −∇f (as L-BFGS-B), later steps α = 1
/// along the quasi-Newton direction, whose initial inverse Hessian is γI with γ = sᵀy / yᵀy.
///
/// The defaults mirror what scikit-learn passes to SciPy's L-BFGS-B for `LogisticRegression`:
/// 10 correction pairs, at most 100 iterations, stop when max |∇f| ≤ 1e-4 or when an iteration
/// reduces f by a relative `(f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ 64·ε`, at most 50
/// function evaluations per line search. The iterates are not SciPy's (its line search is
/// Moré–Thuente's), so a run stopped early by the limits differs from SciPy's in the digits the
/// tolerance leaves open; converged runs agree.
public struct LBFGS: Sendable {
    public var historySize = 10
    public var maxIterations = 100
    /// Stop when the largest gradient component is at most this.
    public var gradientTolerance = 1e-4
    /// Stop when an iteration reduces f by at most this, relative to max(|f|, 1).
    public var relativeReductionTolerance = 64 * Double.ulpOfOne
    public var maxLineSearchEvaluations = 50
    public var sufficientDecrease = 1e-4
    public var curvature = 0.9

    public init() {}

    public init(maxIterations: Int, gradientTolerance: Double) {
        self.maxIterations = maxIterations
        self.gradientTolerance = gradientTolerance
    }

    /// Why the minimisation stopped.
    public enum Stop: String, Sendable, Equatable {
        case gradientTolerance, relativeReduction, iterationLimit
        /// No step satisfying the Wolfe conditions within the evaluation budget (the last
        /// iterate is kept); usually f is flat to rounding there.
        case lineSearchFailed
    }

    public struct Result: Sendable {
        public var minimizer: [Double]
        public var value: Double
        /// max |∇f| at the minimizer.
        public var gradientMaxNorm: Double
        public var iterations: Int
        public var evaluations: Int
        public var stop: Stop
        /// True when a tolerance, not a limit, stopped it.
        public var converged: Bool { stop == .gradientTolerance || stop == .relativeReduction }
    }

    /// Minimises `objective` from `start`.
    ///
    /// - Parameter objective: `(x, gradient) → f(x)`, writing ∇f(x) into `gradient` (same count as x).
    public func minimize(from start: [Double], objective: ([Double], inout [Double]) -> Double) -> Result {
        let n = start.count
        var x = start
        var gradient = [Double](repeating: 0, count: n)
        var value = objective(x, &gradient)
        var evaluations = 1
        var pairs = [(s: [Double], y: [Double], rho: Double)]()
        var iterations = 0
        func maxNorm(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }

        if maxNorm(gradient) <= gradientTolerance {
            return Result(minimizer: x, value: value, gradientMaxNorm: maxNorm(gradient), iterations: 0,
                          evaluations: evaluations, stop: .gradientTolerance)
        }
        while true {
            if iterations >= maxIterations {
                return Result(minimizer: x, value: value, gradientMaxNorm: maxNorm(gradient), iterations: iterations,
                              evaluations: evaluations, stop: .iterationLimit)
            }
            var direction = searchDirection(gradient: gradient, pairs: pairs)
            var slope = dot(gradient, direction)
            if !(slope < 0) {  // not a descent direction (rounding): restart from steepest descent
                pairs.removeAll()
                direction = gradient.map { -$0 }
                slope = dot(gradient, direction)
            }
            let initialStep = pairs.isEmpty ? 1 / dot(direction, direction).squareRoot() : 1
            guard let step = lineSearch(x: x, value: value, slope: slope, direction: direction,
                                        initialStep: initialStep, evaluations: &evaluations, objective: objective) else {
                return Result(minimizer: x, value: value, gradientMaxNorm: maxNorm(gradient), iterations: iterations,
                              evaluations: evaluations, stop: .lineSearchFailed)
            }
            iterations += 1
            let s = zip(step.x, x).map { $0 - $1 }
            let y = zip(step.gradient, gradient).map { $0 - $1 }
            let previousValue = value
            (x, value, gradient) = (step.x, step.value, step.gradient)
            let curvaturePair = dot(s, y)
            if curvaturePair > Double.ulpOfOne * dot(y, y) {
                if pairs.count == historySize { pairs.removeFirst() }
                pairs.append((s, y, 1 / curvaturePair))
            }
            if maxNorm(gradient) <= gradientTolerance {
                return Result(minimizer: x, value: value, gradientMaxNorm: maxNorm(gradient), iterations: iterations,
                              evaluations: evaluations, stop: .gradientTolerance)
            }
            if (previousValue - value) / max(abs(previousValue), abs(value), 1) <= relativeReductionTolerance {
                return Result(minimizer: x, value: value, gradientMaxNorm: maxNorm(gradient), iterations: iterations,
                              evaluations: evaluations, stop: .relativeReduction)
            }
        }
    }

    /// −H·∇f by the two-loop recursion over the stored pairs (oldest first), H₀ = γI.
    func searchDirection(gradient: [Double], pairs: [(s: [Double], y: [Double], rho: Double)]) -> [Double] {
        var q = gradient
        var alphas = [Double](repeating: 0, count: pairs.count)
        for i in stride(from: pairs.count - 1, through: 0, by: -1) {
            alphas[i] = pairs[i].rho * dot(pairs[i].s, q)
            axpy(-alphas[i], pairs[i].y, &q)
        }
        if let last = pairs.last {
            let gamma = dot(last.s, last.y) / dot(last.y, last.y)
            for i in q.indices { q[i] *= gamma }
        }
        for i in pairs.indices {
            let beta = pairs[i].rho * dot(pairs[i].y, q)
            axpy(alphas[i] - beta, pairs[i].s, &q)
        }
        return q.map { -$0 }
    }

    /// A point on the line x + α·direction satisfying the strong Wolfe conditions, or nil.
    func lineSearch(x: [Double], value: Double, slope: Double, direction: [Double], initialStep: Double,
                    evaluations: inout Int, objective: ([Double], inout [Double]) -> Double)
        -> (x: [Double], value: Double, gradient: [Double])? {
        struct Trial { var step: Double; var value: Double; var slope: Double; var x: [Double]; var gradient: [Double] }
        var budget = maxLineSearchEvaluations
        func evaluate(_ step: Double) -> Trial {
            var point = x
            axpy(step, direction, &point)
            var gradient = [Double](repeating: 0, count: x.count)
            let f = objective(point, &gradient)
            evaluations += 1
            budget -= 1
            return Trial(step: step, value: f, slope: dot(gradient, direction), x: point, gradient: gradient)
        }
        func decreasesEnough(_ t: Trial) -> Bool { t.value <= value + sufficientDecrease * t.step * slope }
        func curvatureHolds(_ t: Trial) -> Bool { abs(t.slope) <= -curvature * slope }

        // Algorithm 3.6: shrink [low, high] (low satisfies sufficient decrease with the lowest value).
        func zoom(_ lowStart: Trial, _ highStart: Trial) -> Trial? {
            var (low, high) = (lowStart, highStart)
            while budget > 0 {
                let step = interpolatedStep(low, high)
                if !(abs(high.step - low.step) > Double.ulpOfOne * max(abs(low.step), 1)) { return nil }
                let trial = evaluate(step)
                if !trial.value.isFinite || !decreasesEnough(trial) || trial.value >= low.value {
                    high = trial
                } else {
                    if curvatureHolds(trial) { return trial }
                    if trial.slope * (high.step - low.step) >= 0 { high = low }
                    low = trial
                }
            }
            return nil
        }
        // Safeguarded cubic interpolation of the two ends' values and slopes (Nocedal & Wright
        // eq. 3.59), kept at least a tenth of the interval from either end; bisection otherwise.
        func interpolatedStep(_ a: Trial, _ b: Trial) -> Double {
            let lower = min(a.step, b.step), upper = max(a.step, b.step), width = upper - lower
            let d1 = a.slope + b.slope - 3 * (a.value - b.value) / (a.step - b.step)
            let radicand = d1 * d1 - a.slope * b.slope
            var step = (lower + upper) / 2
            if b.value.isFinite, radicand >= 0 {
                let d2 = (b.step - a.step >= 0 ? 1.0 : -1.0) * radicand.squareRoot()
                let candidate = b.step - (b.step - a.step) * (b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2)
                if candidate.isFinite { step = candidate }
            }
            return min(max(step, lower + 0.1 * width), upper - 0.1 * width)
        }

        // Algorithm 3.5: grow the step until it brackets a Wolfe point.
        let origin = Trial(step: 0, value: value, slope: slope, x: x, gradient: [])
        var previous = origin
        var step = initialStep
        while budget > 0 {
            let trial = evaluate(step)
            if !trial.value.isFinite || !decreasesEnough(trial) || (previous.step > 0 && trial.value >= previous.value) {
                return zoom(previous, trial).map { ($0.x, $0.value, $0.gradient) }
            }
            if curvatureHolds(trial) { return (trial.x, trial.value, trial.gradient) }
            if trial.slope >= 0 { return zoom(trial, previous).map { ($0.x, $0.value, $0.gradient) } }
            previous = trial
            step *= 2
        }
        return nil
    }
}

@inline(__always) private func dot(_ a: [Double], _ b: [Double]) -> Double {
    var sum = 0.0
    for i in a.indices { sum += a[i] * b[i] }
    return sum
}

/// y ← y + a·x
@inline(__always) private func axpy(_ a: Double, _ x: [Double], _ y: inout [Double]) {
    for i in y.indices { y[i] += a * x[i] }
}
