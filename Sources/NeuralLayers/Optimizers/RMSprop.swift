import _Differentiation
import TensorCore

/// RMSprop (Tieleman & Hinton 2012) in PyTorch's form (docs/CONVENTIONS.md):
/// `s ← ρs + (1−ρ)g²`; without momentum `θ ← θ − lr·g/(√s + ε)`; with momentum μ
/// `b ← μb + g/(√s + ε)`, `θ ← θ − lr·b`.
///
/// Defaults are Keras's: lr 1e-3, ρ 0.9, no momentum, ε 1e-7. semisupervised-vae trains
/// "with RMSprop without decay and a momentum parameter of 0.9" (appendix, lr 5e-4 or 1e-3);
/// Keras's RMSprop of the time had no momentum and 0.9 was its ρ, so that reading is ρ = 0.9,
/// momentum 0, while PyTorch's momentum is available as `momentum`. Construct one per model;
/// its state follows `Model.parameterPaths`.
public struct RMSprop<Model: ParameterCollection>: Optimizer {
    public var learningRate: Float
    public let rho: Float
    public let momentum: Float
    public let epsilon: Float
    public private(set) var step = 0
    /// Running averages of g², one tensor per parameter path.
    public private(set) var squareAverages: [Tensor]
    /// Momentum buffers (empty without momentum).
    public private(set) var momentumBuffers: [Tensor]

    public init(for model: Model, learningRate: Float = 1e-3, rho: Float = 0.9, momentum: Float = 0,
                epsilon: Float = 1e-7) {
        precondition(momentum >= 0, "RMSprop: momentum must be non-negative, got \(momentum)")
        self.learningRate = learningRate
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        squareAverages = Model.zeroState(like: model)
        momentumBuffers = momentum > 0 ? squareAverages : []
    }

    public mutating func update(_ model: inout Model, along gradient: Model.TangentVector) {
        step += 1
        let (r, lr, eps, mu) = (rho, learningRate, epsilon, momentum)
        for (index, path) in Model.parameterPaths.enumerated() {
            let g = parameterGradient(path, of: model, in: gradient)
            model[keyPath: path.value].scalars.withUnsafeMutableBufferPointer { theta in
                squareAverages[index].scalars.withUnsafeMutableBufferPointer { s in
                    g.scalars.withUnsafeBufferPointer { gr in
                        if mu > 0 {
                            momentumBuffers[index].scalars.withUnsafeMutableBufferPointer { b in
                                parallelRanges(count: theta.count) { range in
                                    for k in range {
                                        s[k] = r * s[k] + (1 - r) * gr[k] * gr[k]
                                        b[k] = mu * b[k] + gr[k] / (s[k].squareRoot() + eps)
                                        theta[k] -= lr * b[k]
                                    }
                                }
                            }
                        } else {
                            parallelRanges(count: theta.count) { range in
                                rmspropSweep(theta.baseAddress!, s.baseAddress!, gr.baseAddress!, range,
                                             rho: r, learningRate: lr, epsilon: eps)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `s ← ρs + (1−ρ)g²`, `θ ← θ − lr·g/(√s + ε)` over `range`, sixteen lanes at a time.
///
/// It reads θ, s and g and writes θ and s, 20 bytes a parameter; the scalar loop did not
/// vectorise (the compiler cannot rule out aliasing), and the square root is the vector
/// instruction (`laneSquareRoot`): with sixteen scalar ones the sweep was bound by them, not by
/// memory. Each lane does the scalar loop's operations in the same order, and every operation
/// is correctly rounded, so the result is bit-identical to it.
@inlinable
public func rmspropSweep(_ theta: UnsafeMutablePointer<Float>, _ s: UnsafeMutablePointer<Float>,
                  _ g: UnsafePointer<Float>, _ range: Range<Int>,
                  rho r: Float, learningRate lr: Float, epsilon eps: Float) {
    var k = range.lowerBound
    while k + 16 <= range.upperBound {
        let gv = UnsafeRawPointer(g + k).loadUnaligned(as: SIMD16<Float>.self)
        var sv = UnsafeRawPointer(s + k).loadUnaligned(as: SIMD16<Float>.self)
        var tv = UnsafeRawPointer(theta + k).loadUnaligned(as: SIMD16<Float>.self)
        sv = r * sv + (1 - r) * gv * gv
        tv = tv - lr * gv / (laneSquareRoot(sv) + eps)
        UnsafeMutableRawPointer(s + k).storeBytes(of: sv, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(theta + k).storeBytes(of: tv, as: SIMD16<Float>.self)
        k += 16
    }
    while k < range.upperBound {
        s[k] = r * s[k] + (1 - r) * g[k] * g[k]
        theta[k] -= lr * g[k] / (s[k].squareRoot() + eps)
        k += 1
    }
}
