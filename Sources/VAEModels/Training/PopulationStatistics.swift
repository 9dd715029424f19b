import NeuralLayers
import TensorCore

/// Batch-normalisation statistics for inference, measured on training data after training
/// (Ioffe & Szegedy 2015, Algorithm 2: the mean of the batch means and the unbiased mean of
/// the batch variances).
///
/// Keras's moving averages (momentum 0.99, starting from mean 0 and variance 1) only forget
/// their start after a few thousand steps; the paper's 6,000-step runs get there, but the
/// shorter runs of the quick profile do not, and a running variance still near 1 where the
/// true one is 0.01 shrinks every layer's signal at inference until the predictions are
/// constant. Measuring the population statistics once before each evaluation gives the same
/// answer as converged moving averages at any run length (papers/semisupervised-vae/deviations.md).
public enum PopulationStatistics {
    /// Every batch-normalisation statistics object inside `model` (found by reflection).
    public static func runningStatistics(in model: Any) -> [RunningStatistics] {
        var found: [RunningStatistics] = []
        var seen = Set<ObjectIdentifier>()
        func visit(_ value: Any) {
            if let statistics = value as? RunningStatistics {
                if seen.insert(ObjectIdentifier(statistics)).inserted { found.append(statistics) }
                return
            }
            // Reflection walks arrays element by element: skip the parameter storage (millions
            // of scalars, seconds per call), which never holds statistics objects.
            if value is [Float] || value is [Int] || value is [Double] || value is [UInt8] || value is [Int32] { return }
            for child in Mirror(reflecting: value).children { visit(child.value) }
        }
        visit(model)
        return found
    }

    /// Runs `forward` in the statistics phase (batch statistics, no dropout) on each batch and
    /// replaces every running mean and variance of `model` by the population estimate.
    /// Does nothing for a model without batch normalisation.
    public static func estimate(in model: Any, batches: Int, context: ForwardContext,
                                forward: (Int, ForwardContext) -> Void) {
        let statistics = runningStatistics(in: model)
        guard !statistics.isEmpty, batches > 0 else { return }
        let previous = context.phase
        context.phase = .estimatingStatistics
        defer { context.phase = previous }
        statistics.forEach { $0.beginPopulationEstimate() }
        for batch in 0..<batches { forward(batch, context) }
        statistics.forEach { $0.finishPopulationEstimate() }
    }
}

extension PopulationStatistics {
    /// Batches of 100 training images per estimate: 2,000 images, enough for per-channel
    /// moments to a fraction of a percent.
    public static let trainingBatches = 20
}
