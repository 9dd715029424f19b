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

    /// `VAE_DENSE_PRODUCTS` chooses the dense layers' product kernels, which the start-up line
    /// names; a value that is neither choice stops the executable with a message naming it.
    func testTheDenseProductsSettingIsHonouredAndAWrongValueRefused() throws {
        let executable = productsDirectory.appendingPathComponent("vae-bench")
        guard FileManager.default.fileExists(atPath: executable.path) else {
            throw XCTSkip("vae-bench not built next to the tests (build all products first)")
        }
        func blasCore(denseProducts: String) throws -> (status: Int32, output: String, error: String) {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["--blas-core"]
            var environment = ProcessInfo.processInfo.environment
            environment["VAE_DENSE_PRODUCTS"] = denseProducts
            process.environment = environment
            let output = Pipe(), error = Pipe()
            process.standardOutput = output
            process.standardError = error
            try process.run()
            process.waitUntilExit()
            return (process.terminationStatus,
                    String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                    String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
        let openBLAS = try blasCore(denseProducts: "OpenBLAS")
        XCTAssertEqual(openBLAS.status, 0)
        XCTAssertTrue(openBLAS.output.contains("dense layers' large products in OpenBLAS"), openBLAS.output)
        let tiles = try blasCore(denseProducts: "tiles")
        XCTAssertEqual(tiles.status, 0)
        let expected = DenseProducts.hasAVX512(cpuFlags: OpenBLASCore.cpuFlags()) ? "AVX-512 tiles" : "OpenBLAS"
        XCTAssertTrue(tiles.output.contains("dense layers' large products in \(expected)"), tiles.output)
        let wrong = try blasCore(denseProducts: "fast")
        XCTAssertEqual(wrong.status, 2)
        XCTAssertTrue(wrong.error.contains("VAE_DENSE_PRODUCTS=fast is neither 'tiles' nor 'openblas'"), wrong.error)
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
