import _Differentiation
import Randomness
import TensorCore

/// Inverted dropout: in training each value is kept with probability `1 − rate` and scaled by
/// `1/(1 − rate)`, so inference is the identity and needs no rescaling.
///
/// The mask is drawn from `context.generator`, one uniform draw per value in row-major order,
/// so a run's masks are fixed by its seed. Shapes: any input, output of the same shape.
public struct Dropout: ContextualLayer {
    @noDerivative public let rate: Float

    public init(rate: Float) {
        precondition(rate >= 0 && rate < 1, "Dropout: rate \(rate) must be in [0, 1)")
        self.rate = rate
    }

    @differentiable(reverse)
    public func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor {
        guard context.isTraining && rate > 0 else { return input }
        let mask = Dropout.mask(shape: withoutDerivative(at: input).shape, rate: rate, generator: context.generator)
        return applyingDropoutMask(input, mask)
    }

    /// Values `1/(1 − rate)` (kept) or 0 (dropped), one draw from `generator` per value.
    public static func mask(shape: [Int], rate: Float, generator: SeededGeneratorBox) -> Tensor {
        let keptScale = 1 / (1 - rate)
        // Draw from a local copy (no class access per value) and hand the advanced state back.
        var stream = generator.generator
        defer { generator.generator = stream }
        return Tensor(shape: shape, unsafeUninitialized: { mask in
            for i in 0..<mask.count {
                mask[i] = stream.uniformFloat() < rate ? 0 : keptScale
            }
        })
    }

    /// Dropout has no trainable parameters.
    public static var parameterPaths: [ParameterPath<Dropout>] { [] }
}

/// input ⊙ mask, differentiable in the input only: its gradient is the mask itself.
@differentiable(reverse, wrt: input)
public func applyingDropoutMask(_ input: Tensor, _ mask: Tensor) -> Tensor {
    input.zipMap(mask, *)
}

@derivative(of: applyingDropoutMask, wrt: input)
@usableFromInline
func vjpApplyingDropoutMask(_ input: Tensor, _ mask: Tensor)
    -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    (applyingDropoutMask(input, mask), { gradient in gradient.zipMap(mask, *) })
}
