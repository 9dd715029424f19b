import _Differentiation
import TensorCore

/// The activations named in the papers' architecture tables.
public enum Activation: String, Sendable, Codable {
    case linear, relu, sigmoid, softmax, softplus, tanh

    @differentiable(reverse)
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .linear: return x
        case .relu: return TensorCore.relu(x)
        case .sigmoid: return TensorCore.sigmoid(x)
        case .softmax: return TensorCore.softmax(x)
        case .softplus: return TensorCore.softplus(x)
        case .tanh: return TensorCore.tanh(x)
        }
    }
}
