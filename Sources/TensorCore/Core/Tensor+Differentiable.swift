import _Differentiation

/// A tensor is its own tangent vector. The additive zero is the rank-0 tensor 0, which
/// broadcasts against any shape, so gradients of unused parameters cost nothing to create.
extension Tensor: Differentiable {
    public typealias TangentVector = Tensor

    public mutating func move(by offset: Tensor) {
        self += offset
    }
}

extension Tensor: AdditiveArithmetic {
    public static var zero: Tensor { Tensor(0) }

    /// Adding the additive zero returns the other operand without copying it: reverse-mode AD
    /// sums whole-model tangent vectors whenever a model is used more than once in a loss, and
    /// most of each summand is the zero of the unused half (copying it cost a sixth of the
    /// dense step, docs/DESIGN.md).
    @differentiable(reverse)
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        if rhs.isZeroScalar { return lhs }
        if lhs.isZeroScalar { return rhs }
        return broadcastingCombine(lhs, rhs, name: "+") { $0 + $1 }
    }

    /// The rank-0 zero, `Tensor.zero`.
    @inlinable var isZeroScalar: Bool { isScalar && scalars[0] == 0 }

    @differentiable(reverse)
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        broadcastingCombine(lhs, rhs, name: "-") { $0 - $1 }
    }

    public static func += (lhs: inout Tensor, rhs: Tensor) {
        if rhs.isZeroScalar { return }
        if lhs.isZeroScalar { lhs = rhs; return }
        if lhs.shape == rhs.shape {
            lhs.scalars.withUnsafeMutableBufferPointer { l in
                rhs.scalars.withUnsafeBufferPointer { r in
                    for i in 0..<l.count { l[i] += r[i] }
                }
            }
        } else {
            lhs = lhs + rhs
        }
    }

    public static func -= (lhs: inout Tensor, rhs: Tensor) {
        lhs = lhs - rhs
    }

    @derivative(of: +)
    @usableFromInline
    static func vjpAdd(lhs: Tensor, rhs: Tensor)
        -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)) {
        let (lhsShape, rhsShape) = (lhs.shape, rhs.shape)
        return (lhs + rhs, { g in (g.unbroadcast(to: lhsShape), g.unbroadcast(to: rhsShape)) })
    }

    @derivative(of: -)
    @usableFromInline
    static func vjpSubtract(lhs: Tensor, rhs: Tensor)
        -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)) {
        let (lhsShape, rhsShape) = (lhs.shape, rhs.shape)
        return (lhs - rhs, { g in (g.unbroadcast(to: lhsShape), (-g).unbroadcast(to: rhsShape)) })
    }
}

extension Tensor {
    /// Sums a gradient back to the shape of an operand that was broadcast (a scalar).
    func unbroadcast(to target: [Int]) -> Tensor {
        if shape == target { return self }
        precondition(target.isEmpty, "unbroadcast: cannot reduce \(shape) to \(target)")
        return Tensor(sumOfScalars())
    }

    func sumOfScalars() -> Float {
        scalars.withUnsafeBufferPointer { buffer in
            var total: Float = 0
            for value in buffer { total += value }
            return total
        }
    }

    /// Elementwise combination where either side may be a broadcasting scalar.
    @inline(__always)
    static func broadcastingCombine(_ lhs: Tensor, _ rhs: Tensor, name: String,
                                    _ op: (Float, Float) -> Float) -> Tensor {
        if lhs.shape == rhs.shape {
            return Tensor(shape: lhs.shape, unsafeUninitialized: { out in
                lhs.scalars.withUnsafeBufferPointer { l in
                    rhs.scalars.withUnsafeBufferPointer { r in
                        for i in 0..<out.count { out[i] = op(l[i], r[i]) }
                    }
                }
            })
        }
        if rhs.isScalar {
            let r = rhs.scalars[0]
            return Tensor(shape: lhs.shape, unsafeUninitialized: { out in
                lhs.scalars.withUnsafeBufferPointer { l in
                    for i in 0..<out.count { out[i] = op(l[i], r) }
                }
            })
        }
        if lhs.isScalar {
            let l = lhs.scalars[0]
            return Tensor(shape: rhs.shape, unsafeUninitialized: { out in
                rhs.scalars.withUnsafeBufferPointer { r in
                    for i in 0..<out.count { out[i] = op(l, r[i]) }
                }
            })
        }
        preconditionFailure("Tensor \(name): shapes \(lhs.shape) and \(rhs.shape) do not match")
    }
}
