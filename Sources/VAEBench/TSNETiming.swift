import Dispatch
import Embedding
import Foundation
import Randomness

/// Times our Barnes-Hut t-SNE (Sources/Embedding) on the AnoDM-sized problem: 10,000 points in
/// 10-D, 10 Gaussian clusters (centres N(0, 3²) per coordinate, unit noise), 1,000 iterations,
/// perplexity 30, θ = 0.5; and, where openTSNE imports, openTSNE on the same points with the
/// same settings (tools/bench/tsne_reference.py), right after ours. Both maps are judged by our
/// exact trustworthiness at 10 neighbours.
enum TSNETiming {
    struct Figures {
        let seconds: Double
        let trustworthiness: Double
        let klDivergence: Double
        var reference: (seconds: Double, trustworthiness: Double)?
    }

    static let count = 10_000, dimensions = 10, clusters = 10

    static func mixture() -> [Float] {
        var generator = SeededGenerator(seed: 2020)
        let centres = (0..<(clusters * dimensions)).map { _ in 3 * generator.normal() }
        return (0..<(count * dimensions)).map { index in
            let cluster = (index / dimensions) % clusters
            return centres[cluster * dimensions + index % dimensions] + generator.normal()
        }
    }

    static func measure(python: String, script: String, threads: Int) -> Figures {
        let points = mixture()
        var generator = SeededGenerator(seed: 1)
        let start = DispatchTime.now().uptimeNanoseconds
        let result = TSNE().embed(points, dimensions: dimensions, generator: &generator)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let trust = trustworthiness(high: points, highDimensions: dimensions, low: result.coordinates, neighbours: 10)
        var figures = Figures(seconds: seconds, trustworthiness: trust, klDivergence: result.klDivergence)
        if let map = referenceMap(points: points, python: python, script: script, threads: threads) {
            figures.reference = (map.seconds,
                                 trustworthiness(high: points, highDimensions: dimensions, low: map.coordinates, neighbours: 10))
        }
        return figures
    }

    /// Runs openTSNE through the reference script; nil when it is missing or does not import.
    static func referenceMap(points: [Float], python: String, script: String,
                             threads: Int) -> (seconds: Double, coordinates: [Float])? {
        guard !script.isEmpty, FileManager.default.fileExists(atPath: script),
              run(python, ["-c", "import openTSNE"]) != nil else { return nil }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vae-bench-tsne-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("points.f32"), output = folder.appendingPathComponent("map.f32")
        guard (try? points.withUnsafeBytes { Data($0) }.write(to: input)) != nil,
              let printed = run(python, [script, "--data", input.path, "--dimensions", "\(dimensions)",
                                         "--output", output.path, "--threads", "\(threads)"]),
              let line = printed.split(separator: "\n").last,
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let seconds = (object["seconds"] as? NSNumber)?.doubleValue,
              let data = try? Data(contentsOf: output), data.count == count * 2 * 4 else { return nil }
        let coordinates = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return (seconds, coordinates)
    }

    /// Standard output of `python arguments`, or nil when it fails.
    static func run(_ python: String, _ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

extension BenchReport {
    mutating func measureTSNE(python: String, script: String) {
        let figures = TSNETiming.measure(python: python, script: script, threads: status.threads)
        record("tsne_10k_s", figures.seconds, "t-SNE 10,000 × 10-D, 1,000 iterations (s)")
        record("tsne_10k_trustworthiness", figures.trustworthiness, "t-SNE 10k trustworthiness (10 neighbours)")
        record("tsne_10k_kl", figures.klDivergence, "t-SNE 10k final KL divergence")
        if let reference = figures.reference {
            record("opentsne_10k_s", reference.seconds, "openTSNE, same points and settings (s)")
            record("opentsne_10k_trustworthiness", reference.trustworthiness, "openTSNE 10k trustworthiness")
            record("tsne_10k_ratio_vs_opentsne", figures.seconds / reference.seconds, "t-SNE ours / openTSNE")
        } else {
            note("openTSNE not importable by \(python) (or \(script) missing): no t-SNE ratio")
        }
    }
}
