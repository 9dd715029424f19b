import _Differentiation
import TensorCore

/// Moves a model's parameters along a gradient (S4TF style: `optimizer.update(&model, along: g)`).
///
/// Optimisers keep their per-parameter state in arrays aligned with `Model.parameterPaths`
/// and sweep each tensor in one tight loop; nothing depends on timing or thread order, so the
/// same gradients give bit-identical parameters.
public protocol Optimizer {
    associatedtype Model: ParameterCollection

    /// The step size; a schedule may change it between epochs (`TrainingLoop.learningRate`).
    var learningRate: Float { get set }

    mutating func update(_ model: inout Model, along gradient: Model.TangentVector)
}

extension ParameterCollection {
    /// A zero tensor per parameter, the initial state of an optimiser.
    static func zeroState(like model: Self) -> [Tensor] {
        parameterPaths.map { Tensor.zeros(model[keyPath: $0.value].shape) }
    }
}

/// The gradient of one parameter, explicit and checked against the parameter's shape.
@inline(__always)
func parameterGradient<Model: ParameterCollection>(_ path: ParameterPath<Model>, of model: Model,
                                                   in gradient: Model.TangentVector) -> Tensor {
    let g = model.gradient(of: path, in: gradient)
    precondition(g.shape == model[keyPath: path.value].shape,
                 "Optimizer: gradient of \(path.name) has shape \(g.shape), parameter \(model[keyPath: path.value].shape)")
    return g
}
