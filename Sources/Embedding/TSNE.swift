import Dispatch
import Randomness
import TensorCore

/// Barnes-Hut t-SNE into two dimensions (van der Maaten 2014, *Accelerating t-SNE using
/// tree-based algorithms*, JMLR 15), with the optimisation schedule of that paper and of
/// van der Maaten's `bhtsne`.
///
/// **Input similarities.** Each point's k = ⌊3·perplexity⌋ nearest neighbours (exact, squared
/// Euclidean distances d²) get `p_{j|i} ∝ exp(−β_i d²_ij)`, β_i calibrated by bisection to the
/// perplexity (`PerplexityCalibration`); `P = (P_cond + P_condᵀ) / 2n`, sparse and symmetric,
/// summing to 1. The data are used as given (bhtsne first centres them and scales them into
/// [−1, 1]; scikit-learn and openTSNE, like us, do not).
///
/// **Output similarities** `q_ij = w_ij / Z`, `w_ij = (1 + ‖y_i − y_j‖²)⁻¹`, `Z = Σ_{k≠l} w_kl`.
///
/// **Objective.** `KL(P‖Q) = Σ_{i≠j, p_ij>0} p_ij ln(p_ij / q_ij)` in nats, over ordered pairs
/// (each unordered pair counted twice, as P sums to 1 over ordered pairs). The reported value is
/// evaluated once at the final map with the un-exaggerated P and the Barnes-Hut estimate of Z at
/// the same θ (exact when θ = 0): the definition scikit-learn's `kl_divergence_` uses.
///
/// **Optimisation.** Gradient descent with momentum and per-coordinate gains (Jacobs 1988's
/// delta-bar-delta: a gain grows by 0.2 while the gradient keeps its sign, that is while it
/// points against the last update, and shrinks ×0.8 otherwise, never below `minimumGain`):
///
///     g_i     = α F_attr,i − F_rep,i                       (= ∂C/∂y_i / 4, see `Forces`)
///     gain    ← gain + 0.2 if g · update < 0 else gain · 0.8
///     update  ← momentum · update − learningRate · gain · g
///     y       ← y + update
///
/// with exaggeration α = 12 and momentum 0.5 for the first 250 iterations, then α = 1 and
/// momentum 0.8. Gains and updates carry over at the switch (as in bhtsne; scikit-learn resets
/// them).
///
/// **Learning-rate convention.** The step is taken along the forces `g = ∂C/∂y / 4`, as in
/// bhtsne, FIt-SNE and openTSNE, so our `learningRate` of 200 (the paper's) is their 200. The
/// gradient scikit-learn steps along includes the factor 4 (`_kl_divergence_bh`: `grad *= c`
/// with c = 4 for one degree of freedom), so its `learning_rate` must be ours ÷ 4 for the same
/// steps: our 200 is scikit-learn's 50 (its docstring states the same factor the other way
/// round: "our learning_rate=200 corresponds to learning_rate=800 in those other
/// implementations").
///
/// **Initialisation.** Small Gaussian, standard deviation 1e-4 per coordinate, drawn from the
/// caller's `SeededGenerator` (bhtsne's and scikit-learn's `init='random'`; not PCA).
///
/// **Reproducibility.** Same input, configuration and seed give the same map bit for bit, for
/// any thread count (`Forces` explains why); different OpenBLAS kernels may pick a different
/// neighbour only at exact distance ties.
public struct TSNE: Sendable {
    public var perplexity: Double
    /// Barnes-Hut accuracy: a cell of width w at distance d is summarised when w/d < θ.
    public var theta: Double
    /// Total iterations, early exaggeration included.
    public var iterations: Int
    public var learningRate: Double
    public var earlyExaggeration: Double
    public var exaggerationIterations: Int
    public var initialMomentum: Double
    public var finalMomentum: Double
    public var minimumGain: Double
    public var initialStandardDeviation: Double
    /// Threads of the force passes (results do not depend on it).
    public var threads: Int

    public init(perplexity: Double = 30, theta: Double = 0.5, iterations: Int = 1000,
                learningRate: Double = 200, earlyExaggeration: Double = 12, exaggerationIterations: Int = 250,
                initialMomentum: Double = 0.5, finalMomentum: Double = 0.8, minimumGain: Double = 0.01,
                initialStandardDeviation: Double = 1e-4, threads: Int = ParallelismConfiguration.threads) {
        self.perplexity = perplexity
        self.theta = theta
        self.iterations = iterations
        self.learningRate = learningRate
        self.earlyExaggeration = earlyExaggeration
        self.exaggerationIterations = exaggerationIterations
        self.initialMomentum = initialMomentum
        self.finalMomentum = finalMomentum
        self.minimumGain = minimumGain
        self.initialStandardDeviation = initialStandardDeviation
        self.threads = threads
    }

    /// Neighbours per point for the sparse input similarities: ⌊3·perplexity⌋, at most n − 1.
    public func neighbourCount(points n: Int) -> Int { min(n - 1, Int(3 * perplexity)) }

    /// Embeds `points`, row-major `[n, dimensions]`.
    public func embed(_ points: [Float], dimensions: Int, generator: inout SeededGenerator) -> TSNEResult {
        precondition(dimensions > 0 && points.count % dimensions == 0 && points.count / dimensions > 1,
                     "TSNE.embed: \(points.count) values are not n > 1 rows of \(dimensions)")
        let affinities = inputAffinities(points, dimensions: dimensions)
        return embed(affinities: affinities, generator: &generator)
    }

    /// Embeds the rows of a `[n, d]` tensor.
    public func embed(_ points: Tensor, generator: inout SeededGenerator) -> TSNEResult {
        precondition(points.rank == 2, "TSNE.embed: expected [n, d], got \(points.shape)")
        return embed(points.scalars, dimensions: points.columns, generator: &generator)
    }

    /// The sparse symmetric P of `points` `[n, dimensions]` (neighbours, calibration, symmetrisation).
    public func inputAffinities(_ points: [Float], dimensions: Int) -> SparseAffinities {
        let n = points.count / dimensions
        let neighbours = NearestNeighbours.search(queries: points, references: points, dimensions: dimensions,
                                                  k: neighbourCount(points: n), excludingSelf: true)
        let conditional = PerplexityCalibration.conditionalAffinities(neighbours, perplexity: perplexity)
        return PerplexityCalibration.symmetrised(conditional, neighbours: neighbours)
    }

    /// Optimises a map for given input similarities.
    public func embed(affinities: SparseAffinities, generator: inout SeededGenerator) -> TSNEResult {
        let n = affinities.count
        var positions = (0..<(2 * n)).map { _ in Double(generator.normal()) * initialStandardDeviation }
        var update = [Double](repeating: 0, count: 2 * n)
        var gains = [Double](repeating: 1, count: 2 * n)
        var forces = Forces(count: n, threads: threads)
        for iteration in 0..<iterations {
            let exploring = iteration < exaggerationIterations
            let exaggeration = exploring ? earlyExaggeration : 1
            let momentum = exploring ? initialMomentum : finalMomentum
            let z = forces.evaluate(positions: positions, affinities: affinities, theta: theta)
            let inverseZ = 1 / z
            for c in 0..<(2 * n) {
                let g = exaggeration * forces.attractive[c] - forces.repulsive[c] * inverseZ
                gains[c] = g * update[c] < 0 ? gains[c] + 0.2 : gains[c] * 0.8
                if gains[c] < minimumGain { gains[c] = minimumGain }
                update[c] = momentum * update[c] - learningRate * gains[c] * g
                positions[c] += update[c]
            }
        }
        let divergence = klDivergence(affinities: affinities, positions: positions, forces: &forces)
        return TSNEResult(coordinates: positions.map { Float($0) }, klDivergence: divergence, iterations: iterations)
    }

    /// `KL(P‖Q)` at `positions` `[n, 2]`, Z from the quadtree at this θ.
    func klDivergence(affinities: SparseAffinities, positions: [Double], forces: inout Forces) -> Double {
        let z = forces.evaluate(positions: positions, affinities: affinities, theta: theta)
        // Σ p ln(p / (w / Z)) = Σ p ln(p / w) + ln Z, since Σ p = 1; summed row by row in order.
        var sum = 0.0
        for i in 0..<affinities.count {
            for entry in affinities.rowStarts[i]..<affinities.rowStarts[i + 1] {
                let j = Int(affinities.columns[entry]), p = affinities.values[entry]
                guard p > 0 else { continue }
                let dx = positions[2 * i] - positions[2 * j], dy = positions[2 * i + 1] - positions[2 * j + 1]
                sum += p * (p * (1 + dx * dx + dy * dy)).logarithm
            }
        }
        return sum + z.logarithm
    }
}

/// A t-SNE map: `coordinates` row-major `[n, 2]`.
public struct TSNEResult: Sendable {
    public var coordinates: [Float]
    /// `KL(P‖Q)` of the final map in nats (definition in `TSNE`).
    public var klDivergence: Double
    public var iterations: Int

    public var count: Int { coordinates.count / 2 }
    public var tensor: Tensor { Tensor(shape: [count, 2], scalars: coordinates) }
}
