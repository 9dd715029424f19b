import _Differentiation

// Elementwise operations. Each forward map sits next to the derivative that AD uses for it.

extension Tensor {
    /// Applies `f` to every value.
    @inlinable
    public func map(_ f: (Float) -> Float) -> Tensor {
        Tensor(shape: shape, unsafeUninitialized: { out in
            scalars.withUnsafeBufferPointer { x in
                for i in 0..<out.count { out[i] = f(x[i]) }
            }
        })
    }

    /// Combines two tensors of the same shape value by value.
    @inlinable
    public func zipMap(_ other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "zipMap: shapes \(shape) and \(other.shape) differ")
        return Tensor(shape: shape, unsafeUninitialized: { out in
            scalars.withUnsafeBufferPointer { a in
                other.scalars.withUnsafeBufferPointer { b in
                    for i in 0..<out.count { out[i] = f(a[i], b[i]) }
                }
            }
        })
    }
}

extension Tensor {
    @differentiable(reverse)
    public static prefix func - (x: Tensor) -> Tensor { x.map { -$0 } }

    @derivative(of: -)
    @usableFromInline
    static func vjpNegate(_ x: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
        (-x, { g in -g })
    }

    /// Elementwise product; either side may be a broadcasting scalar.
    @differentiable(reverse)
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        broadcastingCombine(lhs, rhs, name: "*") { $0 * $1 }
    }

    @derivative(of: *)
    @usableFromInline
    static func vjpMultiply(lhs: Tensor, rhs: Tensor)
        -> (value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)) {
        (lhs * rhs, { g in ((g * rhs).unbroadcast(to: lhs.shape), (g * lhs).unbroadcast(to: rhs.shape)) })
    }

    @differentiable(reverse, wrt: rhs)
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs * $0 } }

    @derivative(of: *, wrt: rhs)
    @usableFromInline
    static func vjpScale(lhs: Float, rhs: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
        (lhs * rhs, { g in lhs * g })
    }

    @differentiable(reverse, wrt: lhs)
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { rhs * lhs }

    @differentiable(reverse, wrt: lhs)
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { (1 / rhs) * lhs }

    @differentiable(reverse, wrt: lhs)
    public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 + rhs } }

    @derivative(of: +, wrt: lhs)
    @usableFromInline
    static func vjpAddScalar(lhs: Tensor, rhs: Float) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
        (lhs + rhs, { g in g })
    }
}

/// max(x, 0).
@differentiable(reverse)
public func relu(_ x: Tensor) -> Tensor { x.map { max($0, 0) } }

@derivative(of: relu)
@usableFromInline
func vjpRelu(_ x: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    (relu(x), { g in g.zipMap(x) { gi, xi in xi > 0 ? gi : 0 } })
}

@differentiable(reverse)
public func sigmoid(_ x: Tensor) -> Tensor { x.map(sigmoid) }

@derivative(of: sigmoid)
@usableFromInline
func vjpSigmoid(_ x: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let y = sigmoid(x)
    return (y, { g in g.zipMap(y) { gi, yi in gi * yi * (1 - yi) } })
}

/// log(1 + eˣ), the positive output of the learned-variance Gaussian decoder (Table 15).
@differentiable(reverse)
public func softplus(_ x: Tensor) -> Tensor { x.map(softplus) }

@derivative(of: softplus)
@usableFromInline
func vjpSoftplus(_ x: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    (softplus(x), { g in g.zipMap(x) { gi, xi in gi * sigmoid(xi) } })
}

@differentiable(reverse)
public func tanh(_ x: Tensor) -> Tensor { x.map(hyperbolicTangent) }

@derivative(of: tanh)
@usableFromInline
func vjpTanh(_ x: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let y = tanh(x)
    return (y, { g in g.zipMap(y) { gi, yi in gi * (1 - yi * yi) } })
}

@differentiable(reverse)
public func exp(_ x: Tensor) -> Tensor { x.map(exponential) }

@derivative(of: exp)
@usableFromInline
func vjpExp(_ x: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let y = exp(x)
    return (y, { g in g * y })
}

@differentiable(reverse)
public func log(_ x: Tensor) -> Tensor { x.map(logarithm) }

@derivative(of: log)
@usableFromInline
func vjpLog(_ x: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    (log(x), { g in g.zipMap(x) { gi, xi in gi / xi } })
}

@differentiable(reverse)
public func squared(_ x: Tensor) -> Tensor { x.map { $0 * $0 } }

@derivative(of: squared)
@usableFromInline
func vjpSquared(_ x: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    (squared(x), { g in g.zipMap(x) { gi, xi in 2 * gi * xi } })
}

/// The identity, named so that model tables can say "linear activation".
@differentiable(reverse)
public func linear(_ x: Tensor) -> Tensor { x }
