import _Differentiation
import TensorCore

/// The running mean and variance of a `BatchNorm` layer, updated by every training-mode call.
///
/// A reference type so that the update can happen inside a non-mutating differentiable call.
/// Copies of a model therefore share their statistics: a training step on one copy moves
/// them for all. Use `BatchNorm.withIndependentStatistics()` where a copy must not.
public final class RunningStatistics {
    public var mean: Tensor
    public var variance: Tensor

    public init(mean: Tensor, variance: Tensor) {
        precondition(mean.rank == 1 && mean.shape == variance.shape,
                     "RunningStatistics: mean \(mean.shape) and variance \(variance.shape) must be the same [c]")
        self.mean = mean
        self.variance = variance
    }

    /// Zero mean and unit variance (Keras's initial moving statistics).
    public convenience init(channels: Int) {
        self.init(mean: .zeros([channels]), variance: .ones([channels]))
    }

    /// Sums of batch moments while population statistics are being estimated.
    private var population: (meanSum: Tensor, varianceSum: Tensor, batches: Int, batchSize: Int)?

    /// `running ← momentum · running + (1 − momentum) · batch` for both statistics; while a
    /// population estimate is open, the batch moments are summed instead.
    public func update(batchMean: Tensor, batchVariance: Tensor, momentum: Float, batchSize: Int) {
        if let open = population {
            population = (open.meanSum + batchMean, open.varianceSum + batchVariance, open.batches + 1, batchSize)
            return
        }
        mean = mean.zipMap(batchMean) { momentum * $0 + (1 - momentum) * $1 }
        variance = variance.zipMap(batchVariance) { momentum * $0 + (1 - momentum) * $1 }
    }

    /// Starts summing batch moments (Ioffe & Szegedy 2015, Algorithm 2).
    public func beginPopulationEstimate() {
        population = (Tensor.zeros(mean.shape), Tensor.zeros(mean.shape), 0, 1)
    }

    /// Replaces the running statistics by the population estimate: E[μ_B] and
    /// m/(m − 1)·E[σ²_B] over the batches seen, m the values per channel in a batch.
    public func finishPopulationEstimate() {
        guard let open = population else { return }
        population = nil
        guard open.batches > 0 else { return }
        let count = Float(open.batches)
        let correction = open.batchSize > 1 ? Float(open.batchSize) / Float(open.batchSize - 1) : 1
        mean = open.meanSum.map { $0 / count }
        variance = open.varianceSum.map { $0 / count * correction }
    }
}

/// Batch normalisation over every axis but the last ("BN" in semisupervised-vae Tables 14 and
/// 16), with Keras's defaults: ε = 1e-3, running statistics momentum 0.99.
///
/// Training normalises with the batch's mean and biased variance and moves the running
/// statistics toward them; inference normalises with the running statistics.
/// Shapes: input `[..., c]` (`[n, c]` or NHWC `[n, h, w, c]`), scale and offset `[c]`.
public struct BatchNorm: ContextualLayer {
    /// γ, initially 1.
    public var scale: Tensor
    /// β, initially 0.
    public var offset: Tensor
    @noDerivative public let running: RunningStatistics
    @noDerivative public let epsilon: Float
    @noDerivative public let momentum: Float

    public init(scale: Tensor, offset: Tensor, running: RunningStatistics, epsilon: Float = 1e-3,
                momentum: Float = 0.99) {
        precondition(scale.rank == 1 && offset.shape == scale.shape && running.mean.shape == scale.shape,
                     "BatchNorm: scale \(scale.shape), offset \(offset.shape), running \(running.mean.shape) must be the same [c]")
        precondition(epsilon > 0 && momentum >= 0 && momentum <= 1,
                     "BatchNorm: epsilon \(epsilon) must be positive and momentum \(momentum) in [0, 1]")
        self.scale = scale
        self.offset = offset
        self.running = running
        self.epsilon = epsilon
        self.momentum = momentum
    }

    public init(channels: Int, epsilon: Float = 1e-3, momentum: Float = 0.99) {
        self.init(scale: .ones([channels]), offset: .zeros([channels]),
                  running: RunningStatistics(channels: channels), epsilon: epsilon, momentum: momentum)
    }

    public var channels: Int { scale.count }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        guard context.usesBatchStatistics else {
            return batchNormalized(input, scale: scale, offset: offset, mean: running.mean,
                                   variance: running.variance, epsilon: epsilon)
        }
        let moments = Self.moments(of: withoutDerivative(at: input), moving: running, momentum: momentum)
        return batchNormalized(input, scale: scale, offset: offset, epsilon: epsilon, ownMoments: moments)
    }

    /// `activation(self(input, in: context))`. In training, batch norm followed by a relu runs
    /// as one primitive (`batchNormalizedReLU`): one pass over the activation each way fewer,
    /// with bit-identical values and gradients.
    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext, then activation: Activation) -> Tensor {
        guard activation == .relu, context.usesBatchStatistics else {
            return activation(self(input, in: context))
        }
        let moments = Self.moments(of: withoutDerivative(at: input), moving: running, momentum: momentum)
        return batchNormalizedReLU(input, scale: scale, offset: offset, epsilon: epsilon, ownMoments: moments)
    }

    /// The batch's moments, after moving the running statistics toward them. They are computed
    /// once, here, and handed to the primitive (which stays free of side effects). Static, so
    /// that AD takes them for constants rather than for a function of the layer (the
    /// primitive's own derivative accounts for their dependence on the input).
    private static func moments(of input: Tensor, moving running: RunningStatistics,
                                momentum: Float) -> (mean: Tensor, variance: Tensor) {
        let moments = batchMoments(of: input)
        running.update(batchMean: moments.mean, batchVariance: moments.variance, momentum: momentum,
                       batchSize: input.count / moments.mean.count)
        return moments
    }

    /// The same layer with its own copy of the running statistics.
    public func withIndependentStatistics() -> BatchNorm {
        BatchNorm(scale: scale, offset: offset,
                  running: RunningStatistics(mean: running.mean, variance: running.variance),
                  epsilon: epsilon, momentum: momentum)
    }

    public static var parameterPaths: [ParameterPath<BatchNorm>] {
        [ParameterPath("scale", \.scale, \.scale), ParameterPath("offset", \.offset, \.offset)]
    }
}
