import _Differentiation
import NeuralLayers
import TensorCore

/// One optimisation step, the same for every model of the three papers: the loss and its
/// gradient by reverse-mode AD, a check that both are finite, and the optimiser's update.
///
/// A non-finite loss or gradient throws `NonFiniteValueError` naming the quantity (the loss
/// term, or the parameter whose gradient broke) and leaves the model unchanged, so a caller
/// can report the step and cell and stop without writing a result.
@discardableResult
public func trainingStep<Model: ParameterCollection, Opt: Optimizer>(
    _ model: inout Model, optimizer: inout Opt, terms: LossRecorder? = nil,
    loss: @differentiable(reverse) (Model) -> Tensor
) throws -> Float where Opt.Model == Model {
    let (value, gradient) = valueWithGradient(at: model, of: loss)
    if !value.isFinite {
        let what = terms.map { nonFiniteTerm(in: $0.terms) } ?? "loss"
        throw NonFiniteValueError(quantity: what, shape: value.shape, nanCount: value.scalar.isNaN ? 1 : 0,
                                  infinityCount: value.scalar.isInfinite ? 1 : 0, firstIndex: 0)
    }
    for path in Model.parameterPaths {
        try checkFinite(gradient[keyPath: path.gradient], "gradient of \(path.name)")
    }
    optimizer.update(&model, along: gradient)
    return value.scalar
}

/// The first loss term that is not finite, for the error message.
func nonFiniteTerm(in terms: LossTerms) -> String {
    if !terms.reconstruction.isFinite { return "loss (reconstruction term)" }
    if !terms.kl.isFinite { return "loss (KL term)" }
    if !terms.classification.isFinite { return "loss (classification term)" }
    return "loss"
}
