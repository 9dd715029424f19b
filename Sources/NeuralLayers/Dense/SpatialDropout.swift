import _Differentiation
import Randomness
import TensorCore

/// Dropout of whole channels of a sequence (Keras's `SpatialDropout1D`, used by keras-tcn's
/// residual blocks): in training each (example, channel) pair is kept with probability
/// `1 − rate` at every time step together, scaled by `1/(1 − rate)`; inference is the identity.
///
/// The mask is drawn from `context.generator`, one uniform draw per example and channel in
/// row-major order. Shapes: input `[n, T, c]`, output the same.
public struct SpatialDropout: ContextualLayer {
    @noDerivative public let rate: Float

    public init(rate: Float) {
        precondition(rate >= 0 && rate < 1, "SpatialDropout: rate \(rate) must be in [0, 1)")
        self.rate = rate
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        guard context.isTraining && rate > 0 else { return input }
        let shape = withoutDerivative(at: input).shape
        precondition(shape.count == 3, "SpatialDropout: input \(shape) must be [n, t, c]")
        let (batch, steps, channels) = (shape[0], shape[1], shape[2])
        let channelMask = Dropout.mask(shape: [batch, channels], rate: rate, generator: context.generator)
        let mask = Tensor(shape: shape, unsafeUninitialized: { out in
            for n in 0..<batch {
                for t in 0..<steps {
                    for c in 0..<channels { out[(n * steps + t) * channels + c] = channelMask.scalars[n * channels + c] }
                }
            }
        })
        return applyingDropoutMask(input, mask)
    }

    public static var parameterPaths: [ParameterPath<SpatialDropout>] { [] }
}
