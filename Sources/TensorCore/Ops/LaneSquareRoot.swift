import CFloatingPoint

/// The square root of sixteen floats in one vector instruction, correctly rounded as
/// `Float.squareRoot()` is, so a sweep that uses it is bit-identical to the scalar loop.
///
/// `SIMD16<Float>.squareRoot()` compiles to sixteen scalar square roots, each followed by a
/// branch to libm's `sqrtf` for a negative input (to set errno), which keeps the compiler from
/// the vector instruction: the RMSprop sweep spent most of its time there, 6.7 ms over 4 M
/// parameters on one thread against 2.4 ms with the vector instruction (docs/DESIGN.md).
@inlinable @inline(__always)
public func laneSquareRoot(_ x: SIMD16<Float>) -> SIMD16<Float> {
    vae_square_root_lanes16(x)
}
