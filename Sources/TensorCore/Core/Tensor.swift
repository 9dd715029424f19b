import Randomness

/// A dense, row-major array of `Float` with a shape.
///
/// Value semantics with copy-on-write through `[Float]`. Layouts follow the papers' Keras
/// models: a batch is the first axis, features the last (`[batch, features]`, images
/// `[batch, height, width, channels]`, sequences `[batch, time, features]`), which is also
/// what lets every convolution run as one matrix product without transposes (docs/DESIGN.md).
///
/// A rank-0 tensor is a scalar. Scalars broadcast in `+` and `-`, which is what makes the
/// shapeless `Tensor.zero` of differentiable programming work as the additive identity.
public struct Tensor: Equatable, Sendable {
    public var shape: [Int]
    public var scalars: [Float]

    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.reduce(1, *) == scalars.count,
                     "Tensor: shape \(shape) holds \(shape.reduce(1, *)) scalars, \(scalars.count) given")
        self.shape = shape
        self.scalars = scalars
    }

    public init(shape: [Int], repeating value: Float) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A rank-0 tensor.
    public init(_ scalar: Float) {
        self.init(shape: [], scalars: [scalar])
    }

    /// Fills a new tensor by writing straight into uninitialised storage.
    @inlinable
    public init(shape: [Int], unsafeUninitialized fill: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let count = shape.reduce(1, *)
        self.shape = shape
        self.scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(buffer)
            initialized = count
        }
    }

    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 1) }

    /// Independent standard-normal draws scaled by `standardDeviation`.
    public static func randomNormal(_ shape: [Int], standardDeviation: Float = 1,
                                    using generator: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape, unsafeUninitialized: { out in
            for i in out.indices { out[i] = generator.normal() * standardDeviation }
        })
    }

    /// Independent uniform draws in [lower, upper).
    public static func randomUniform(_ shape: [Int], lower: Float, upper: Float,
                                     using generator: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape, unsafeUninitialized: { out in
            for i in out.indices { out[i] = lower + (upper - lower) * generator.uniformFloat() }
        })
    }

    @inlinable public var count: Int { scalars.count }
    @inlinable public var rank: Int { shape.count }
    /// Size of the first axis (the batch).
    @inlinable public var rows: Int { shape.first ?? 1 }
    /// Size of the last axis (features or channels).
    @inlinable public var columns: Int { shape.last ?? 1 }
    /// True for rank-0 tensors, the ones that broadcast.
    @inlinable public var isScalar: Bool { shape.isEmpty }
    /// The value of a one-element tensor.
    public var scalar: Float {
        precondition(count == 1, "Tensor.scalar: tensor of shape \(shape) is not a single value")
        return scalars[0]
    }

    public subscript(flat index: Int) -> Float {
        get { scalars[index] }
        set { scalars[index] = newValue }
    }

    /// True when every value is finite (no NaN, no infinity).
    ///
    /// The training step checks every gradient with it, a pass bound by memory bandwidth, so
    /// large tensors are split over the cores (the answer does not depend on the split).
    public var isFinite: Bool {
        scalars.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return true }
            return !parallelPartResults(count: buffer.count) { allFinite(base, $0) }.contains(false)
        }
    }
}

/// Whether `values[range]` holds no NaN and no infinity.
///
/// x·0 is 0 for finite x and NaN otherwise, so one pass of lane-wise sums, with no branches,
/// finds any NaN or infinity. Sixteen lanes because a single running sum is a dependency chain
/// the compiler may not reorder. (`lanes = lanes + …`, not `+=`: the compound assignment of a
/// SIMD vector stayed a call to the generic standard-library function in release builds.)
private func allFinite(_ values: UnsafePointer<Float>, _ range: Range<Int>) -> Bool {
    var lanes = SIMD16<Float>()
    var k = range.lowerBound
    let raw = UnsafeRawPointer(values)
    while k + 16 <= range.upperBound {
        lanes = lanes + raw.loadUnaligned(fromByteOffset: k * 4, as: SIMD16<Float>.self) * 0
        k += 16
    }
    var tail: Float = 0
    while k < range.upperBound { tail += values[k] * 0; k += 1 }
    return lanes.sum() + tail == 0
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = scalars.prefix(8).map { String(format3($0)) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", ..." : "")])"
    }
}

private func format3(_ value: Float) -> String {
    let rounded = (value * 1000).rounded() / 1000
    return "\(rounded)"
}
