import Foundation
import XCTest
@testable import TensorCore

/// The Prescott-fallback guard (see OpenBLASCore): the decision, and the real re-execution.
final class OpenBLASCoreTests: XCTestCase {
    private let skylakeFlags: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512bw",
                                             "avx512vl", "avx512dq", "avx512cd"]

    func testFallbackOnModernCPUIsCorrected() {
        XCTAssertEqual(OpenBLASCore.correction(loadedCore: "Prescott", cpuFlags: skylakeFlags), "SkylakeX")
        XCTAssertEqual(OpenBLASCore.correction(loadedCore: "Prescott", cpuFlags: ["avx2", "fma"]), "Haswell")
        XCTAssertEqual(OpenBLASCore.correction(loadedCore: "Sandybridge", cpuFlags: ["avx", "avx2", "fma"]), "Haswell")
    }

    func testRecognisedCoresAndOldCPUsAreLeftAlone() {
        XCTAssertNil(OpenBLASCore.correction(loadedCore: "Haswell", cpuFlags: skylakeFlags))
        XCTAssertNil(OpenBLASCore.correction(loadedCore: "Cooperlake", cpuFlags: skylakeFlags))
        XCTAssertNil(OpenBLASCore.correction(loadedCore: "Zen", cpuFlags: ["avx2", "fma"]))
        XCTAssertNil(OpenBLASCore.correction(loadedCore: "Prescott", cpuFlags: ["sse3", "avx"]))
    }

    func testCPUFlagsAreReadFromCpuinfo() {
        let cpuinfo = "processor\t: 0\nmodel name\t: Test\nflags\t\t: fpu sse3 avx2 fma\n\nprocessor\t: 1\nflags\t\t: fpu\n"
        XCTAssertEqual(OpenBLASCore.cpuFlags(cpuinfo: cpuinfo), ["fpu", "sse3", "avx2", "fma"])
    }

    /// Starts `vae-bench --blas-core` with OpenBLAS forced onto its Prescott kernels, as Debian's
    /// 0.3.21 does on recent Intel cores, and checks that the executable corrected itself.
    func testExecutableCorrectsAForcedFallback() throws {
        let flags = OpenBLASCore.cpuFlags()
        guard let expected = OpenBLASCore.bestKernels(forCPUFlags: flags) else {
            throw XCTSkip("this CPU has no AVX2: Prescott kernels are the right ones")
        }
        let executable = productsDirectory.appendingPathComponent("vae-bench")
        guard FileManager.default.fileExists(atPath: executable.path) else {
            throw XCTSkip("vae-bench not built next to the tests (build all products first)")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--blas-core"]
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = "Prescott"
        environment.removeValue(forKey: "VAE_OPENBLAS_CORE_CHECKED")
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertTrue(output.contains("OpenBLAS core \(expected)"), output)
        XCTAssertTrue(output.contains("corrected from Prescott"), output)
        XCTAssertTrue(output.contains("subnormals flushed to zero"), output)
    }

    /// The build folder holding the test bundle, where SwiftPM also puts the executables.
    private var productsDirectory: URL {
        #if os(macOS)
        if let bundle = Bundle.allBundles.first(where: { $0.bundlePath.hasSuffix(".xctest") }) {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        #endif
        // On Linux the test bundle is an executable run directly.
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }
}
