/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// Every random draw in this repository comes from one of these, created from a seed that the
/// run records in its JSON, so the same seed gives the same numbers. We implement the sampling
/// helpers ourselves rather than use `Int.random(in:using:)`, whose algorithm the standard
/// library does not promise to keep stable across Swift releases.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)
    /// The seed this stream was created from; recorded in run files.
    public let seed: UInt64
    private var spareNormal: Float? = nil

    public init(seed: UInt64) {
        self.seed = seed
        var mixer = SplitMix64(state: seed)
        state = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
    }

    /// An independent stream for one purpose (`"dropout"`, `"split"`, ...), so adding a draw in
    /// one part of a run does not shift the numbers of another.
    public func derived(_ purpose: String) -> SeededGenerator {
        SeededGenerator(seed: SplitMix64.mix(seed ^ fnv1a(purpose)))
    }

    public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    /// Uniform in [0, 1) with 24 random bits.
    public mutating func uniformFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniformDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform integer in 0..<bound (Lemire's multiply-shift with rejection).
    public mutating func uniformInt(below bound: Int) -> Int {
        precondition(bound > 0, "uniformInt(below:) needs a positive bound, got \(bound)")
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold { product = next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }

    /// Standard normal draw (Box–Muller; the second value of each pair is kept for the next call).
    public mutating func normal() -> Float {
        if let spare = spareNormal { spareNormal = nil; return spare }
        var u1 = uniformDouble()
        while u1 <= Double.leastNormalMagnitude { u1 = uniformDouble() }
        let u2 = uniformDouble()
        let radius = (-2 * _log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        spareNormal = Float(radius * _sin(angle))
        return Float(radius * _cos(angle))
    }

    /// Fisher–Yates shuffle with this generator's own integer draws.
    public mutating func shuffle<C: MutableCollection & RandomAccessCollection>(_ collection: inout C) where C.Index == Int {
        let n = collection.count
        guard n > 1 else { return }
        let start = collection.startIndex
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = uniformInt(below: i + 1)
            collection.swapAt(start + i, start + j)
        }
    }

    /// A random permutation of 0..<n.
    public mutating func permutation(_ n: Int) -> [Int] {
        var indices = Array(0..<n)
        shuffle(&indices)
        return indices
    }
}

@inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

/// SplitMix64 (Steele, Lea, Flood 2014): expands one 64-bit seed into well-mixed state words.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// FNV-1a over UTF-8: a hash that, unlike `Hasher`, is the same in every process.
func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01B3
    }
    return hash
}
