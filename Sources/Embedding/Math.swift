#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Double-precision scalar functions, so this module reads without Foundation.
extension Double {
    @inline(__always) var exponential: Double { exp(self) }
    @inline(__always) var logarithm: Double { log(self) }
}
