import Foundation
import TensorCore

/// Collects the figures of one benchmark run.
struct BenchReport {
    let status: OpenBLASCore.Status
    private(set) var figures: [(key: String, value: Double, label: String)] = []
    private(set) var notes: [String] = []

    init(status: OpenBLASCore.Status) { self.status = status }

    mutating func record(_ key: String, _ value: Double, _ label: String) {
        figures.append((key, value, label))
    }

    mutating func note(_ text: String) { notes.append(text) }

    mutating func measureAll(steps: Int, torchReference: String, torchPython: String) throws {
        for shape in SgemmShape.trainingShapes {
            record("sgemm_\(shape.name)_gflops", shape.measureGFLOPs(), "sgemm \(shape.name) (GFLOP/s)")
        }
        // The dense layers' products in our AVX-512 tiles, the same shapes (where they are used).
        if DenseProducts.kernels == .avx512Tiles {
            for shape in SgemmShape.trainingShapes where shape.m == 100 {
                record("tiles_\(shape.name)_gflops", shape.measureGFLOPs(inTiles: true),
                       "AVX-512 tiles \(shape.name) (GFLOP/s)")
            }
        }
        if let parse = mnistParseTiming() {
            record("mnist_train_parse_ms", parse.milliseconds, "parse MNIST train, 60,000 images (ms)")
            record("mnist_train_bytes_mb", parse.megabytes, "MNIST train kept as bytes (MB)")
        } else {
            note("MNIST not found in data/ or $DATA_MIRROR: no parse timing")
        }
        // Three alternating rounds of ours and PyTorch's (sideBySide): 20 steps a round for
        // the dense model, 10 for the convolutional one.
        let rounds = 3
        let torch = torchReferenceAvailable(python: torchPython, script: torchReference)
        let dense = try sideBySide(rounds: rounds, ours: { try StepTimings.dense(steps: steps) }, theirs: {
            guard torch else { return nil }
            return torchReferenceTiming(python: torchPython, script: torchReference, model: "dense", threads: status.threads, steps: steps)
        })
        recordSideBySide("dense", "SS_D step, Table 13", dense)
        record("dense_peak_rss_mb", peakResidentMegabytes(), "peak memory after SS_D (MB)")
        let convolutionalSteps = max(5, steps / 2)
        let convolutional = try sideBySide(rounds: rounds, ours: { try StepTimings.convolutional(steps: convolutionalSteps) }, theirs: {
            guard torch else { return nil }
            return torchReferenceTiming(python: torchPython, script: torchReference, model: "cnn", threads: status.threads, steps: convolutionalSteps)
        })
        recordSideBySide("conv", "SS_CNN step, Table 14", convolutional)
        let recurrent = try StepTimings.recurrent(steps: max(5, steps / 2))
        record("lstm_step_ms", recurrent.medianMilliseconds, "SS_RNN step, Table 15 (ms, median)")
        record("peak_rss_mb", peakResidentMegabytes(), "peak memory, whole run (MB)")
        if dense.theirs == nil || convolutional.theirs == nil {
            note("PyTorch not importable (or reference script missing): no side-by-side ratio")
        }
    }

    /// Our median and minimum, PyTorch's, and the two ratios (keys `<key>_step_ms`,
    /// `<key>_step_min_ms`, `torch_<key>_step_ms`, `torch_<key>_step_min_ms`,
    /// `<key>_step_ratio_vs_torch` of the medians and `<key>_step_min_ratio_vs_torch`).
    private mutating func recordSideBySide(_ key: String, _ label: String,
                                           _ timing: (ours: StepTimings.Timing, theirs: StepTimings.Timing?)) {
        record("\(key)_step_ms", timing.ours.medianMilliseconds, "\(label) (ms, median)")
        record("\(key)_step_min_ms", timing.ours.minimumMilliseconds, "\(label) (ms, min)")
        guard let torch = timing.theirs else { return }
        record("torch_\(key)_step_ms", torch.medianMilliseconds, "PyTorch \(label) (ms, median)")
        record("torch_\(key)_step_min_ms", torch.minimumMilliseconds, "PyTorch \(label) (ms, min)")
        record("\(key)_step_ratio_vs_torch", timing.ours.medianMilliseconds / torch.medianMilliseconds,
               "\(label): ours / PyTorch, medians")
        record("\(key)_step_min_ratio_vs_torch", timing.ours.minimumMilliseconds / torch.minimumMilliseconds,
               "\(label): ours / PyTorch, minima")
    }

    func printTable() {
        print(status.summary)
        let width = max(24, figures.map(\.label.count).max() ?? 0)
        for figure in figures {
            let label = figure.label.padding(toLength: width, withPad: " ", startingAt: 0)
            print("\(label)  \(String(format: "%10.2f", figure.value))")
        }
        for text in notes { print("note: \(text)") }
    }

    func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var object: [String: Any] = ["blas_core": status.core, "threads": status.threads,
                                     "dense_products": DenseProducts.kernels.rawValue]
        for figure in figures { object[figure.key] = (figure.value * 1000).rounded() / 1000 }
        if !notes.isEmpty { object["notes"] = notes }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        let target = folder.appendingPathComponent("bench.json")
        try data.write(to: target, options: .atomic)
        print("wrote \(target.path)")
    }
}

/// A matrix product shape of the training steps.
struct SgemmShape {
    let m: Int, n: Int, k: Int
    var name: String { "\(m)x\(n)x\(k)" }

    static let trainingShapes = [
        SgemmShape(m: 100, n: 1024, k: 784),    // dense encoder, first layer
        SgemmShape(m: 100, n: 1024, k: 1024),   // dense hidden layers
        SgemmShape(m: 100, n: 784, k: 1024),    // dense decoder output
        SgemmShape(m: 7840, n: 64, k: 576),     // 3×3×64 convolution on 10 images, im2col
    ]

    /// Best of several timed repetitions after one warm-up, in OpenBLAS or (`inTiles`) through
    /// `DenseProducts`, which takes these shapes to the AVX-512 tiles where it uses them.
    func measureGFLOPs(inTiles: Bool = false) -> Double {
        let a = [Float](repeating: 0.5, count: m * k), b = [Float](repeating: 0.25, count: k * n)
        var c = [Float](repeating: 0, count: m * n)
        let flops = 2.0 * Double(m * n * k)
        let repetitions = max(3, Int(2e9 / flops))
        var best = Double.infinity
        for round in 0..<4 {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<repetitions {
                if inTiles {
                    DenseProducts.gemm(m: m, n: n, k: k, a, lda: k, b, ldb: n, &c, ldc: n)
                } else {
                    BLAS.gemm(m: m, n: n, k: k, a, lda: k, b, ldb: n, &c, ldc: n)
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if round > 0 { best = min(best, seconds / Double(repetitions)) }
        }
        return flops / best / 1e9
    }
}
