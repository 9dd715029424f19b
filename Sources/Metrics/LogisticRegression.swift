#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a logistic regression could not be fitted.
public enum LogisticRegressionError: Error, Equatable, CustomStringConvertible {
    case invalidInput(String)

    public var description: String {
        switch self {
        case .invalidInput(let message): return "logistic regression: \(message)"
        }
    }
}

/// Multinomial logistic regression, fitted as scikit-learn's default `LogisticRegression()`
/// (solver lbfgs, L2 penalty, C = 1, intercept fitted and not penalised), in double precision.
///
/// With K ≥ 3 classes it minimises scikit-learn's multinomial objective
/// `C · Σ_i CE(softmax(W·x_i + b), y_i) + ½‖W‖²`, W `[K, features]`, b `[K]`; the optimiser sees it
/// divided by C·n, as scikit-learn hands it to L-BFGS-B, `(1/n) Σ_i CE + ‖W‖² / (2·C·n)`, so the
/// gradient tolerance means the same. Starting from zero, the intercepts keep summing to zero
/// (their gradient does), which fixes the softmax's free constant as scikit-learn's fit does.
///
/// With two classes scikit-learn fits the binomial model `C · Σ CE(σ(w·x + b)) + ½‖w‖²` instead.
/// The two-class multinomial model with C/2 has the same optimum, W = (−w/2, w/2) and
/// b = (−b'/2, b'/2) up to the free constant, so we fit that: `coefficients` rows 1 − 0 are
/// scikit-learn's `coef_[0]`, and the predictions agree.
///
/// The classes are the distinct training labels, ascending (scikit-learn's `classes_`).
public struct LogisticRegression: Sendable {
    /// The labels seen in training, ascending; row k of the model scores `classes[k]`.
    public let classes: [Int]
    public let featureCount: Int
    /// W, `[classes.count, featureCount]` row-major (scikit-learn's `coef_` for K ≥ 3).
    public let coefficients: [Double]
    /// b, `[classes.count]`.
    public let intercepts: [Double]
    /// How the optimiser ended (iterations, stop reason, final gradient).
    public let iterations: Int
    public let stop: LBFGS.Stop
    public var converged: Bool { stop == .gradientTolerance || stop == .relativeReduction }

    /// Fits the model.
    ///
    /// - Parameters:
    ///   - features: `[n, featureCount]` row-major.
    ///   - labels: `[n]`, any integers; at least two distinct values.
    ///   - inverseRegularization: C (scikit-learn's default 1).
    ///   - optimizer: L-BFGS settings; the defaults are scikit-learn's (`max_iter` 100, `tol` 1e-4).
    public static func fit(features: [Double], labels: [Int], featureCount: Int, inverseRegularization: Double = 1,
                           optimizer: LBFGS = LBFGS()) throws -> LogisticRegression {
        let n = labels.count
        guard featureCount > 0, n > 0, features.count == n * featureCount else {
            throw LogisticRegressionError.invalidInput("\(features.count) feature values are not \(n) rows of \(featureCount) features")
        }
        guard features.allSatisfy(\.isFinite) else { throw LogisticRegressionError.invalidInput("features hold NaN or infinity") }
        guard inverseRegularization > 0 else {
            throw LogisticRegressionError.invalidInput("C must be positive, got \(inverseRegularization)")
        }
        let classes = Array(Set(labels)).sorted()
        guard classes.count >= 2 else {
            throw LogisticRegressionError.invalidInput("needs at least two classes in the labels, got \(classes)")
        }
        let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let targets = labels.map { classIndex[$0]! }
        let c = classes.count == 2 ? inverseRegularization / 2 : inverseRegularization
        let objective = MultinomialObjective(features: features, targets: targets, featureCount: featureCount,
                                             classCount: classes.count, inverseRegularization: c)
        let start = [Double](repeating: 0, count: classes.count * (featureCount + 1))
        let result = optimizer.minimize(from: start) { parameters, gradient in
            objective.evaluate(parameters, gradient: &gradient)
        }
        let weightCount = classes.count * featureCount
        return LogisticRegression(classes: classes, featureCount: featureCount,
                                  coefficients: Array(result.minimizer[..<weightCount]),
                                  intercepts: Array(result.minimizer[weightCount...]),
                                  iterations: result.iterations, stop: result.stop)
    }

    /// The scores W·x + b, `[n, classes.count]` row-major, for `features` `[n, featureCount]`.
    public func decisionFunction(_ features: [Double]) -> [Double] {
        precondition(features.count % featureCount == 0, "logistic regression: \(features.count) values are not rows of \(featureCount)")
        let n = features.count / featureCount, k = classes.count
        var scores = [Double](repeating: 0, count: n * k)
        for i in 0..<n {
            for j in 0..<k {
                var z = intercepts[j]
                for f in 0..<featureCount { z += coefficients[j * featureCount + f] * features[i * featureCount + f] }
                scores[i * k + j] = z
            }
        }
        return scores
    }

    /// The class of highest score for each row (the first on ties, as NumPy's argmax).
    public func predict(_ features: [Double]) -> [Int] {
        let scores = decisionFunction(features), k = classes.count
        return (0..<(scores.count / k)).map { i in
            var best = 0
            for j in 1..<k where scores[i * k + j] > scores[i * k + best] { best = j }
            return classes[best]
        }
    }

    /// The share of rows whose predicted class is their label.
    public func accuracy(features: [Double], labels: [Int]) -> Double {
        let predictions = predict(features)
        precondition(predictions.count == labels.count, "logistic regression: \(predictions.count) rows, \(labels.count) labels")
        guard !labels.isEmpty else { return 0 }
        return Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }
}

/// f(W, b) = (1/n) Σ_i [logsumexp(z_i) − z_i[y_i]] + ‖W‖² / (2·C·n), z_i = W·x_i + b, and its
/// gradient ∂f/∂W = (1/n) Σ_i (p_i − e_{y_i}) x_iᵀ + W / (C·n), ∂f/∂b = (1/n) Σ_i (p_i − e_{y_i}).
/// Parameters: W `[K, F]` row-major, then b `[K]`.
struct MultinomialObjective {
    let features: [Double]
    let targets: [Int]
    let featureCount: Int
    let classCount: Int
    let inverseRegularization: Double

    func evaluate(_ parameters: [Double], gradient: inout [Double]) -> Double {
        let n = targets.count, k = classCount, featureCount = featureCount
        let weightCount = k * featureCount
        for index in gradient.indices { gradient[index] = 0 }
        var loss = 0.0
        var scores = [Double](repeating: 0, count: k)
        parameters.withUnsafeBufferPointer { theta in
            features.withUnsafeBufferPointer { x in
                gradient.withUnsafeMutableBufferPointer { g in
                    for i in 0..<n {
                        let row = i * featureCount
                        var largest = -Double.infinity
                        for j in 0..<k {
                            var z = theta[weightCount + j]
                            for f in 0..<featureCount { z += theta[j * featureCount + f] * x[row + f] }
                            scores[j] = z
                            largest = max(largest, z)
                        }
                        var sum = 0.0
                        for j in 0..<k { sum += exp(scores[j] - largest) }
                        let logSumExp = largest + log(sum)
                        loss += logSumExp - scores[targets[i]]
                        for j in 0..<k {
                            let residual = exp(scores[j] - logSumExp) - (j == targets[i] ? 1 : 0)
                            g[weightCount + j] += residual
                            for f in 0..<featureCount { g[j * featureCount + f] += residual * x[row + f] }
                        }
                    }
                }
            }
        }
        let scale = 1 / Double(n), penalty = 1 / (inverseRegularization * Double(n))
        var squaredNorm = 0.0
        for index in 0..<weightCount {
            squaredNorm += parameters[index] * parameters[index]
            gradient[index] = gradient[index] * scale + penalty * parameters[index]
        }
        for index in weightCount..<gradient.count { gradient[index] *= scale }
        return loss * scale + 0.5 * penalty * squaredNorm
    }
}
