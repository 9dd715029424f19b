import _Differentiation
import TensorCore

/// Adam (Kingma & Ba 2015, Algorithm 1), with bias correction:
/// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`,
/// `θ ← θ − lr·m̂/(√v̂ + ε)`.
///
/// Defaults are the paper's (and PyTorch's; Keras's ε is 1e-7): lr 1e-3, β₁ 0.9, β₂ 0.999,
/// ε 1e-8. V-ABC trains with "default values" (vabc V-B). Construct one per model; its moments
/// follow `Model.parameterPaths`.
public struct Adam<Model: ParameterCollection>: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    /// Updates taken so far (t of the bias correction).
    public private(set) var step = 0
    /// First and second moments, one tensor per parameter path.
    public private(set) var firstMoments: [Tensor]
    public private(set) var secondMoments: [Tensor]
    // β₁ᵗ and β₂ᵗ, carried as products in Double so long runs do not lose them to rounding.
    private var beta1Power: Double = 1
    private var beta2Power: Double = 1

    public init(for model: Model, learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        firstMoments = Model.zeroState(like: model)
        secondMoments = firstMoments
    }

    public mutating func update(_ model: inout Model, along gradient: Model.TangentVector) {
        step += 1
        beta1Power *= Double(beta1)
        beta2Power *= Double(beta2)
        let firstCorrection = Float(1 / (1 - beta1Power))
        let secondCorrection = Float(1 / (1 - beta2Power))
        let (b1, b2, lr, eps) = (beta1, beta2, learningRate, epsilon)
        for (index, path) in Model.parameterPaths.enumerated() {
            let g = parameterGradient(path, of: model, in: gradient)
            model[keyPath: path.value].scalars.withUnsafeMutableBufferPointer { theta in
                firstMoments[index].scalars.withUnsafeMutableBufferPointer { m in
                    secondMoments[index].scalars.withUnsafeMutableBufferPointer { v in
                        g.scalars.withUnsafeBufferPointer { gr in
                            parallelRanges(count: theta.count) { range in
                                for k in range {
                                    m[k] = b1 * m[k] + (1 - b1) * gr[k]
                                    v[k] = b2 * v[k] + (1 - b2) * gr[k] * gr[k]
                                    let mHat = m[k] * firstCorrection, vHat = v[k] * secondCorrection
                                    theta[k] -= lr * mHat / (vHat.squareRoot() + eps)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
