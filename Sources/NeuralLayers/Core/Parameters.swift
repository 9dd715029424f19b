import _Differentiation
import TensorCore

/// One trainable tensor of a model: where it lives in the model and where its gradient
/// lives in the model's tangent vector. Optimizers sweep a list of these.
public struct ParameterPath<Root: Differentiable> {
    public let name: String
    public let value: WritableKeyPath<Root, Tensor>
    public let gradient: WritableKeyPath<Root.TangentVector, Tensor>

    public init(_ name: String, _ value: WritableKeyPath<Root, Tensor>,
                _ gradient: WritableKeyPath<Root.TangentVector, Tensor>) {
        self.name = name
        self.value = value
        self.gradient = gradient
    }
}

/// A differentiable value that can list its trainable tensors.
///
/// Swift's differentiable programming synthesises `TangentVector` but gives no way to walk
/// it; a model therefore lists its parameters once, and composite models nest the lists of
/// their parts with `parameters(at:_:named:)`.
public protocol ParameterCollection: Differentiable {
    static var parameterPaths: [ParameterPath<Self>] { get }
}

extension ParameterCollection {
    /// This part's parameters, seen from a model that stores it at `value`.
    public static func parameters<Outer: Differentiable>(
        at value: WritableKeyPath<Outer, Self>,
        _ gradient: WritableKeyPath<Outer.TangentVector, TangentVector>,
        named name: String
    ) -> [ParameterPath<Outer>] {
        parameterPaths.map { path in
            ParameterPath<Outer>("\(name).\(path.name)",
                                 value.appending(path: path.value),
                                 gradient.appending(path: path.gradient))
        }
    }

    /// The trainable tensors, in the order of `parameterPaths`.
    public var parameterTensors: [Tensor] { Self.parameterPaths.map { self[keyPath: $0.value] } }

    /// How many trainable scalars the model has.
    public var parameterCount: Int { parameterTensors.reduce(0) { $0 + $1.count } }
}

extension Differentiable {
    /// The gradient of `path`, with the shapeless zero of unused parameters made explicit.
    public func gradient(of path: ParameterPath<Self>, in tangent: TangentVector) -> Tensor {
        let g = tangent[keyPath: path.gradient]
        let shape = self[keyPath: path.value].shape
        return g.shape == shape ? g : Tensor(shape: shape, repeating: g.isScalar ? g.scalar : 0)
    }
}

