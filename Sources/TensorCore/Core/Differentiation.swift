import _Differentiation

// The standard library's `gradient(at:of:)` wants a `FloatingPoint` result; our losses are
// rank-0 tensors, so these overloads seed the pullback with the tensor 1.

/// The value of a scalar loss and its gradient with respect to `x`.
public func valueWithGradient<T: Differentiable>(
    at x: T, of loss: @differentiable(reverse) (T) -> Tensor
) -> (value: Tensor, gradient: T.TangentVector) {
    let (value, pullback) = valueWithPullback(at: x, of: loss)
    precondition(value.count == 1, "valueWithGradient: the loss must be a single value, got shape \(value.shape)")
    return (value, pullback(Tensor(1)))
}

/// The gradient of a scalar loss with respect to `x`.
public func gradient<T: Differentiable>(
    at x: T, of loss: @differentiable(reverse) (T) -> Tensor
) -> T.TangentVector {
    valueWithGradient(at: x, of: loss).gradient
}
