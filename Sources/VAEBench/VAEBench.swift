import ArgumentParser
import Foundation
import TensorCore

/// `make bench`: the speed and memory figures of docs/DESIGN.md, printed as a table and
/// written as JSON under results/bench/. Not a test: the numbers are read, never asserted.
@main
struct VAEBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae-bench",
        abstract: "Measure sgemm throughput, training-step times and peak memory.",
        discussion: """
            Prints one table and writes <output>/bench.json (one key per figure, unit in the name).
            Where `<torch-python> -c 'import torch'` works, also times the PyTorch reference
            (../shared/bench/torch_reference.py) on the same thread count, alternating with ours in
            three rounds, and prints the ratios of the minima and of the medians; where
            --tsne-python imports openTSNE, times it beside our t-SNE (tools/bench/tsne_reference.py).
            """)

    @Flag(help: "Print the OpenBLAS kernels in use and exit.")
    var blasCore = false

    @Flag(help: "Print where the time of the dense and the convolutional training steps goes (the phases and the products by shape, and the memory-bound floor of the optimiser sweep, and the convolutional model's layers one at a time), and exit.")
    var breakdown = false

    @Flag(help: "Print the OpenBLAS kernels and configuration at start-up.")
    var verbose = false

    @Option(help: "Folder for bench.json.")
    var output = "results/bench"

    @Option(help: "Timed training steps per model (after warm-up).")
    var steps = 20

    @Option(help: "Path of the PyTorch reference script; empty to skip the comparison.")
    var torchReference = "../shared/bench/torch_reference.py"

    @Flag(help: "Time only the t-SNE map (and openTSNE beside it); bench.json then holds only these figures, so pass another --output to keep the full one.")
    var tsneOnly = false

    @Flag(help: "Time only the Table 16 model (Small-NORB 96x96x2 and dSprites 64x64x1 steps, βVAE score points); bench.json then holds only these figures, so pass another --output to keep the full one.")
    var table16Only = false

    @Option(help: "Python that runs the openTSNE reference (a venv with openTSNE; see tools/bench/tsne_reference.py).")
    var tsnePython = "python3"

    @Option(help: "Python that runs the PyTorch reference (one whose `import torch` works; a CPU wheel).")
    var torchPython = "python3"

    @Option(help: "Path of the openTSNE reference script; empty to skip the comparison.")
    var tsneReference = "tools/bench/tsne_reference.py"

    mutating func run() throws {
        let status = NumericRuntime.prepare()
        if blasCore {
            print(status.summary)
            return
        }
        if verbose { print(status.summary); print(BLAS.configuration) }
        if breakdown {
            rawUpdateTiming()
            try denseStepBreakdown(steps: steps)
            try convolutionalStepBreakdown(steps: max(3, steps / 4))
            convolutionLayerTimings()
            return
        }
        var report = BenchReport(status: status)
        if table16Only {
            try report.measureTable16(steps: max(3, steps / 4))
            report.printTable()
            try report.write(to: URL(fileURLWithPath: output))
            return
        }
        if !tsneOnly { try report.measureAll(steps: steps, torchReference: torchReference, torchPython: torchPython) }
        if !tsneOnly { try report.measureVABC(steps: steps) }
        if !tsneOnly { try report.measureAnoDMImageModel(steps: max(5, steps / 2)) }
        if !tsneOnly { try report.measureHeartbeatEncoders(steps: max(3, steps / 4)) }
        if !tsneOnly { try report.measureTable16(steps: max(3, steps / 4)) }
        report.measureTSNE(python: tsnePython, script: tsneReference)
        report.printTable()
        try report.write(to: URL(fileURLWithPath: output))
    }
}
