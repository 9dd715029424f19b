import _Differentiation
import Randomness

/// Finite-difference checks of the derivatives that AD assembles from our hand-written
/// pullbacks. Every primitive's and layer's tests run them; adding a layer means adding one
/// such check (`GradientCheck.parameters` for layers lives in NeuralLayers).
///
/// The loss checked is `Σ r ⊙ f(x)` with a fixed random `r`, so every output element
/// contributes with its own weight and a transposed or shifted index shows up as a large
/// relative error. Central differences in Float32 are accurate to about 1e-3 relative at the
/// default step, far below the O(1) error of a wrong index.
public enum GradientCheck {
    public struct Result: CustomStringConvertible {
        /// ‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖, tiny)
        public let relativeError: Double
        public let checkedElements: Int
        public let worstIndex: Int
        public let worstAnalytic: Double
        public let worstNumeric: Double
        public let label: String
        public var description: String {
            "\(label): relative error \(relativeError) over \(checkedElements) elements; worst at \(worstIndex): analytic \(worstAnalytic) vs numeric \(worstNumeric)"
        }
    }

    /// A fixed random projection that turns any output into a scalar loss.
    public static func projection(like output: Tensor, seed: UInt64 = 7) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor.randomNormal(output.shape, using: &generator)
    }

    /// Checks d/dx Σ r ⊙ f(x) at up to `maxElements` entries of x.
    public static func input(of f: @escaping @differentiable(reverse) (Tensor) -> Tensor,
                             at x: Tensor, step: Float = 1e-2, maxElements: Int = 64,
                             label: String = "input") -> Result {
        let r = projection(like: f(x))
        let loss: @differentiable(reverse) (Tensor) -> Tensor = { (f($0) * r).sum() }
        let analytic = gradient(at: x, of: loss)
        return compare(analytic: analytic, at: x, step: step, maxElements: maxElements, label: label) { probe in
            loss(probe).scalar
        }
    }

    public static func compare(analytic: Tensor, at x: Tensor, step: Float, maxElements: Int, label: String,
                        evaluate: (Tensor) -> Float) -> Result {
        precondition(analytic.shape == x.shape || analytic.isScalar,
                     "GradientCheck \(label): gradient shape \(analytic.shape) differs from \(x.shape)")
        let analyticValues = analytic.isScalar ? [Float](repeating: analytic.scalar, count: x.count) : analytic.scalars
        var generator = SeededGenerator(seed: 11)
        let indices = x.count <= maxElements
            ? Array(0..<x.count)
            : Array(generator.permutation(x.count).prefix(maxElements)).sorted()
        var differenceSquares = 0.0, analyticSquares = 0.0, numericSquares = 0.0
        var worst = (index: 0, gap: -1.0, analytic: 0.0, numeric: 0.0)
        for i in indices {
            var plus = x, minus = x
            plus.scalars[i] += step
            minus.scalars[i] -= step
            let numeric = (Double(evaluate(plus)) - Double(evaluate(minus))) / (2 * Double(step))
            let a = Double(analyticValues[i])
            differenceSquares += (a - numeric) * (a - numeric)
            analyticSquares += a * a
            numericSquares += numeric * numeric
            if abs(a - numeric) > worst.gap { worst = (i, abs(a - numeric), a, numeric) }
        }
        let scale = max(analyticSquares.squareRoot(), numericSquares.squareRoot(), 1e-12)
        return Result(relativeError: differenceSquares.squareRoot() / scale, checkedElements: indices.count,
                      worstIndex: worst.index, worstAnalytic: worst.analytic, worstNumeric: worst.numeric,
                      label: label)
    }
}
