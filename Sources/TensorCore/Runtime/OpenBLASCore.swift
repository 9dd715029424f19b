#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Guards against OpenBLAS running its slowest kernels.
///
/// Debian's OpenBLAS 0.3.21 does not recognise recent Intel cores and silently falls back to
/// its Prescott (SSE3) kernels: 63 instead of about 220 GFLOP/s for the 100×1024×1024 product
/// of the dense model on 2 threads. The kernel family is chosen when the library is loaded,
/// from `OPENBLAS_CORETYPE`, so setting the variable inside a running process is too late;
/// an executable that finds the fallback re-executes itself once with the variable set.
public enum OpenBLASCore {
    /// Kernel families without AVX2, which OpenBLAS uses when it does not know the CPU.
    static let kernelsWithoutAVX2: Set<String> = [
        "prescott", "core2", "penryn", "dunnington", "nehalem", "sandybridge", "atom",
        "katmai", "coppermine", "northwood", "banias", "athlon", "opteron", "opteron_sse3",
        "barcelona", "bobcat", "bulldozer", "piledriver", "steamroller", "excavator",
        "generic", "unknown",
    ]

    /// The environment variable a re-executed process carries so it never loops.
    static let checkedMarker = "VAE_OPENBLAS_CORE_CHECKED"

    /// The kernel family this CPU can run, judged from its feature flags; nil when the CPU has
    /// no AVX2, in which case OpenBLAS's own choice stands.
    public static func bestKernels(forCPUFlags flags: Set<String>) -> String? {
        let avx512 = ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]
        if avx512.allSatisfy(flags.contains) { return "SkylakeX" }
        if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
        return nil
    }

    /// The kernels to switch to when `loadedCore` is a fallback on a CPU that can do better.
    public static func correction(loadedCore: String, cpuFlags: Set<String>) -> String? {
        guard kernelsWithoutAVX2.contains(loadedCore.lowercased()),
              let best = bestKernels(forCPUFlags: cpuFlags) else { return nil }
        return best
    }

    /// The feature flags of the first CPU in /proc/cpuinfo (empty where there is none).
    public static func cpuFlags(cpuinfo: String? = nil) -> Set<String> {
        guard let text = cpuinfo ?? readFile("/proc/cpuinfo") else { return [] }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    /// What start-up found and did.
    public struct Status: Sendable {
        public let core: String
        public let threads: Int
        /// The fallback found by a parent process before it re-executed this one, if any.
        public let correctedFrom: String?
        /// Whether every OpenBLAS thread was checked to flush subnormals (`SubnormalFlushing`).
        public var subnormalsFlushToZero = false
        public var summary: String {
            var text = "OpenBLAS core \(core), \(threads) thread\(threads == 1 ? "" : "s")"
            if let from = correctedFrom { text += " (corrected from \(from) by OPENBLAS_CORETYPE)" }
            text += subnormalsFlushToZero ? ", subnormals flushed to zero" : ", subnormals kept"
            text += "; dense layers' large products in \(DenseProducts.kernels.rawValue)"
            return text
        }
    }

    /// Call first thing in every executable: re-executes the process with `OPENBLAS_CORETYPE`
    /// set when OpenBLAS fell back to kernels weaker than the CPU supports. Returns only when
    /// the kernels in use are the right ones (or nothing better exists).
    @discardableResult
    public static func ensureBestKernels() -> Status {
        let loaded = BLAS.coreName
        let marker = getenv(checkedMarker).map { String(cString: $0) }
        if marker == nil, let better = correction(loadedCore: loaded, cpuFlags: cpuFlags()) {
            setenv("OPENBLAS_CORETYPE", better, 1)
            setenv(checkedMarker, loaded, 1)
            reexecute()
            // exec only returns on failure; carry on with the slow kernels rather than stop.
            let message = "warning: OpenBLAS uses \(loaded) kernels and re-executing with OPENBLAS_CORETYPE=\(better) failed\n"
            fputs(message, stderr)
        }
        return Status(core: BLAS.coreName, threads: BLAS.threadCount, correctedFrom: marker)
    }

    private static func reexecute() {
        var arguments = CommandLine.arguments.map { strdup($0) }
        arguments.append(nil)
        #if os(Linux)
        execv("/proc/self/exe", &arguments)
        #else
        execv(CommandLine.arguments[0], &arguments)
        #endif
    }
}

/// The whole of a small text file, or nil.
func readFile(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&chunk, 1, chunk.count, file)
        if n <= 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
}
