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
                                adamSweep(theta.baseAddress!, m.baseAddress!, v.baseAddress!, gr.baseAddress!,
                                          range, beta1: b1, beta2: b2, learningRate: lr, epsilon: eps,
                                          firstCorrection: firstCorrection, secondCorrection: secondCorrection)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Adam's update over `range`, sixteen lanes at a time: `m ← β₁m + (1−β₁)g`,
/// `v ← β₂v + (1−β₂)g²`, `θ ← θ − lr·(m·c₁)/(√(v·c₂) + ε)` with the bias corrections c₁, c₂.
///
/// As `rmspropSweep`: the scalar loop did not vectorise and took a scalar square root per
/// parameter; each lane does its operations in the same order, all correctly rounded, so the
/// result is bit-identical to it.
@inlinable
public func adamSweep(_ theta: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                      _ v: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ range: Range<Int>,
                      beta1 b1: Float, beta2 b2: Float, learningRate lr: Float, epsilon eps: Float,
                      firstCorrection c1: Float, secondCorrection c2: Float) {
    var k = range.lowerBound
    while k + 16 <= range.upperBound {
        let gv = UnsafeRawPointer(g + k).loadUnaligned(as: SIMD16<Float>.self)
        var mv = UnsafeRawPointer(m + k).loadUnaligned(as: SIMD16<Float>.self)
        var vv = UnsafeRawPointer(v + k).loadUnaligned(as: SIMD16<Float>.self)
        var tv = UnsafeRawPointer(theta + k).loadUnaligned(as: SIMD16<Float>.self)
        mv = b1 * mv + (1 - b1) * gv
        vv = b2 * vv + (1 - b2) * gv * gv
        tv = tv - lr * (mv * c1) / (laneSquareRoot(vv * c2) + eps)
        UnsafeMutableRawPointer(m + k).storeBytes(of: mv, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(v + k).storeBytes(of: vv, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(theta + k).storeBytes(of: tv, as: SIMD16<Float>.self)
        k += 16
    }
    while k < range.upperBound {
        m[k] = b1 * m[k] + (1 - b1) * g[k]
        v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k]
        let mHat = m[k] * c1, vHat = v[k] * c2
        theta[k] -= lr * mHat / (vHat.squareRoot() + eps)
        k += 1
    }
}
