import _Differentiation
import TensorCore

extension GradientCheck {
    /// Checks the gradient of `loss(model)` with respect to every parameter tensor, at up to
    /// `maxElementsPerTensor` entries of each.
    public static func parameters<Model: ParameterCollection>(
        of model: Model, loss: @escaping @differentiable(reverse) (Model) -> Tensor,
        step: Float = 1e-2, maxElementsPerTensor: Int = 32
    ) -> [Result] {
        let (_, pullback) = valueWithPullback(at: model, of: loss)
        let tangent = pullback(Tensor(1))
        return Model.parameterPaths.map { path in
            let analytic = model.gradient(of: path, in: tangent)
            return GradientCheck.compare(analytic: analytic, at: model[keyPath: path.value], step: step,
                           maxElements: maxElementsPerTensor, label: path.name) { probe in
                var perturbed = model
                perturbed[keyPath: path.value] = probe
                return loss(perturbed).scalar
            }
        }
    }

}
