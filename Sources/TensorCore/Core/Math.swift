#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Scalar functions of the kernels, in one place so the numeric code reads without Foundation.
@inline(__always) public func exponential(_ x: Float) -> Float { expf(x) }
@inline(__always) public func logarithm(_ x: Float) -> Float { logf(x) }
@inline(__always) public func logOnePlus(_ x: Float) -> Float { log1pf(x) }
@inline(__always) public func expMinusOne(_ x: Float) -> Float { expm1f(x) }
@inline(__always) public func hyperbolicTangent(_ x: Float) -> Float { tanhf(x) }

/// log(1 + eˣ) without overflow for large x or loss of precision for very negative x.
@inline(__always) public func softplus(_ x: Float) -> Float {
    x > 0 ? x + log1pf(expf(-x)) : log1pf(expf(x))
}

/// 1 / (1 + e⁻ˣ), evaluated on the side where the exponential cannot overflow.
@inline(__always) public func sigmoid(_ x: Float) -> Float {
    if x >= 0 { return 1 / (1 + expf(-x)) }
    let e = expf(x)
    return e / (1 + e)
}
