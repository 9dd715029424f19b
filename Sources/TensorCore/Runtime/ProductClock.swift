import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall time spent inside the matrix products while it runs (OpenBLAS's, and the dense layers'
/// AVX-512 tiles of `DenseProducts`), summed over every call and by the products' shapes: how `vae-bench --breakdown` splits a training
/// step into the products and everything else (our passes, AD's bookkeeping), and which products
/// run below the machine's rate. Off unless a measurement is under way; each product then costs
/// two clock reads and a dictionary update, and otherwise one uncontended lock (tens of
/// nanoseconds against a product's microseconds or more). Products called from several threads
/// at once (the t-SNE's neighbour search) are summed, so their total can exceed the wall time.
///
/// A mutex rather than `Synchronization.Atomic`, which needs macOS 15 (the package supports 14).
public enum ProductClock {
    private static let state = State()

    /// The products of one measurement: their summed time and number, in all and by shape.
    public struct Tally: Sendable {
        public fileprivate(set) var byShape: [ProductShape: ShapeTally] = [:]
        fileprivate var isRunning = false

        public var nanoseconds: UInt64 { byShape.values.reduce(0) { $0 + $1.nanoseconds } }
        public var calls: Int { byShape.values.reduce(0) { $0 + $1.calls } }
        public var milliseconds: Double { Double(nanoseconds) / 1e6 }

        /// The shapes, the most time first.
        public var shapesByTime: [(shape: ProductShape, tally: ShapeTally)] {
            byShape.map { ($0.key, $0.value) }.sorted { $0.tally.nanoseconds > $1.tally.nanoseconds }
        }
    }

    /// The time and number of the products of one shape.
    public struct ShapeTally: Sendable, Equatable {
        public var nanoseconds: UInt64 = 0
        public var calls = 0

        mutating func add(_ elapsed: UInt64) {
            nanoseconds += elapsed
            calls += 1
        }

        /// The rate of these products, in GFLOP/s (2·m·n·k per product).
        public func gigaflops(of shape: ProductShape) -> Double {
            nanoseconds == 0 ? .nan : shape.floatingPointOperations * Double(calls) / Double(nanoseconds)
        }
    }

    /// Runs `body` with the clock on; returns the products it ran.
    public static func measuring(_ body: () throws -> Void) rethrows -> Tally {
        state.locked { $0 = Tally(isRunning: true) }
        defer { state.locked { $0.isRunning = false } }
        try body()
        return state.locked { $0 }
    }

    /// Runs one product of `shape`, timing it when a measurement is under way.
    @inline(__always)
    static func time(_ shape: ProductShape, _ product: () -> Void) {
        guard state.locked({ $0.isRunning }) else { return product() }
        let start = DispatchTime.now().uptimeNanoseconds
        product()
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        state.locked { $0.byShape[shape, default: ShapeTally()].add(elapsed) }
    }

    /// The tally behind a pthread mutex.
    private final class State: @unchecked Sendable {
        private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private var tally = Tally()

        init() { pthread_mutex_init(mutex, nil) }

        func locked<Result>(_ body: (inout Tally) -> Result) -> Result {
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            return body(&tally)
        }
    }
}

/// A product `C[m, n] = op(A)[m, k] · op(B)[k, n]` as `BLAS.gemm` is called, op being the
/// identity or the transpose.
public struct ProductShape: Hashable, Sendable, CustomStringConvertible {
    public let transposeA: Bool
    public let transposeB: Bool
    public let m: Int
    public let n: Int
    public let k: Int

    public init(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int) {
        (self.transposeA, self.transposeB, self.m, self.n, self.k) = (transposeA, transposeB, m, n, k)
    }

    public var floatingPointOperations: Double { 2 * Double(m) * Double(n) * Double(k) }

    /// "[100, 1024]·[1024, 10]ᵀ": the operands as stored, ᵀ where the product reads one transposed.
    public var description: String {
        let a = transposeA ? "[\(k), \(m)]ᵀ" : "[\(m), \(k)]"
        let b = transposeB ? "[\(n), \(k)]ᵀ" : "[\(k), \(n)]"
        return a + "·" + b
    }
}
