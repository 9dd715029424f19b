import _Differentiation
import Foundation
import NeuralLayers
import Randomness
import TensorCore
import VAEModels

/// Times training steps of the semi-supervised models at batch 100 with RMSprop, as
/// ../shared/bench/torch_reference.py does: half the batch labeled, binarised random images.
enum StepTimings {
    struct Timing {
        let medianMilliseconds: Double
        let minimumMilliseconds: Double
    }

    static func semiSupervisedBatch(shape: [Int], classes: Int, binary: Bool, seed: UInt64) -> TrainingBatch {
        var generator = SeededGenerator(seed: seed)
        let inputs = binary
            ? Tensor(shape: shape, unsafeUninitialized: { out in
                for i in out.indices { out[i] = generator.uniformFloat() > 0.5 ? 1 : 0 } })
            : Tensor.randomNormal(shape, using: &generator)
        let batch = shape[0]
        var labels = Tensor.zeros([batch, classes])
        for row in 0..<batch { labels.scalars[row * classes + generator.uniformInt(below: classes)] = 1 }
        let mask = Tensor(shape: [batch], scalars: (0..<batch).map { $0 < batch / 2 ? 1 : 0 })
        return TrainingBatch(inputs: inputs, labels: labels, labeledMask: mask)
    }

    /// Median and minimum wall time of `steps` training steps after `warmUp` untimed ones
    /// (RMSprop, as paper 1's models train).
    static func time<Encoder, Decoder>(_ model: VariationalAutoencoder<Encoder, Decoder>, batch: TrainingBatch,
                                       learningRate: Float, steps: Int, warmUp: Int = 3) throws -> Timing {
        let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 1))
        return try time(model, optimizer: RMSprop(for: model, learningRate: learningRate, rho: 0.9),
                        steps: steps, warmUp: warmUp) { $0.loss(batch, in: context) }
    }

    /// Median and minimum wall time of `steps` steps of `optimizer` on `loss` after `warmUp`
    /// untimed ones: the one timing loop of every model's step in the bench.
    static func time<Model: ParameterCollection, Opt: Optimizer>(
        _ model: Model, optimizer: Opt, steps: Int, warmUp: Int, loss: @differentiable(reverse) (Model) -> Tensor
    ) throws -> Timing where Opt.Model == Model {
        var model = model
        var optimizer = optimizer
        var times: [Double] = []
        for step in 0..<(warmUp + steps) {
            let start = DispatchTime.now().uptimeNanoseconds
            try trainingStep(&model, optimizer: &optimizer, loss: loss)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            if step >= warmUp { times.append(elapsed) }
        }
        times.sort()
        return Timing(medianMilliseconds: times[times.count / 2], minimumMilliseconds: times[0])
    }

    static func dense(steps: Int) throws -> Timing {
        var generator = SeededGenerator(seed: 0)
        let model = DenseSemiSupervisedVAE(denseVariant: .semiSupervised, generator: &generator)
        return try time(model, batch: semiSupervisedBatch(shape: [100, 784], classes: 10, binary: true, seed: 1),
                        learningRate: 5e-4, steps: steps)
    }

    static func convolutional(steps: Int) throws -> Timing {
        var generator = SeededGenerator(seed: 0)
        let model = ConvolutionalSemiSupervisedVAE(convolutionalVariant: .semiSupervised, generator: &generator)
        return try time(model, batch: semiSupervisedBatch(shape: [100, 28, 28, 1], classes: 10, binary: true, seed: 1),
                        learningRate: 5e-4, steps: steps)
    }

    static func recurrent(steps: Int) throws -> Timing {
        var generator = SeededGenerator(seed: 0)
        let model = RecurrentSemiSupervisedVAE(recurrentVariant: .semiSupervised, generator: &generator)
        return try time(model, batch: semiSupervisedBatch(shape: [100, 128, 6], classes: 6, binary: false, seed: 1),
                        learningRate: 1e-3, steps: steps)
    }
}

/// Resident memory high-water mark of this process (VmHWM), in MB.
func peakResidentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? .nan
        return kilobytes / 1024
    }
    return .nan
}

/// Whether `python` imports torch and the reference script exists (checked once per bench).
func torchReferenceAvailable(python: String, script: String) -> Bool {
    guard !script.isEmpty, FileManager.default.fileExists(atPath: script) else { return false }
    let probe = Process()
    probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    probe.arguments = [python, "-c", "import torch"]
    probe.standardError = FileHandle.nullDevice
    guard (try? probe.run()) != nil else { return false }
    probe.waitUntilExit()
    return probe.terminationStatus == 0
}

/// Runs ../shared/bench/torch_reference.py with `python` for `model` ("dense" or "cnn") and returns its
/// median and minimum step time, or nil where it printed none.
func torchReferenceTiming(python: String, script: String, model: String, threads: Int, steps: Int) -> StepTimings.Timing? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [python, script, "--threads", "\(threads)", "--models", model, "--steps", "\(steps)"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              object["model"] as? String == model, let median = object["median_ms"] as? Double,
              let minimum = object["min_ms"] as? Double else { continue }
        return StepTimings.Timing(medianMilliseconds: median, minimumMilliseconds: minimum)
    }
    return nil
}

/// Our step and PyTorch's, timed alternately in `rounds` rounds of `steps` steps each.
///
/// This machine's cores are shared with other tenants, whose load drifts by tens of percent
/// within a minute: two back-to-back windows of one minute each gave PyTorch's dense step a
/// median of 25.7 ms in one run and 40.8 ms in the next. Alternating short windows gives both
/// sides the same drift; the ratio is then taken of the minima (the least disturbed steps) and
/// of the medians of the round medians.
func sideBySide(rounds: Int, ours: () throws -> StepTimings.Timing,
                theirs: () -> StepTimings.Timing?) rethrows -> (ours: StepTimings.Timing, theirs: StepTimings.Timing?) {
    var mine: [StepTimings.Timing] = [], reference: [StepTimings.Timing] = []
    for _ in 0..<rounds {
        mine.append(try ours())
        if let timing = theirs() { reference.append(timing) }
    }
    func combined(_ timings: [StepTimings.Timing]) -> StepTimings.Timing? {
        guard !timings.isEmpty else { return nil }
        let medians = timings.map(\.medianMilliseconds).sorted()
        return StepTimings.Timing(medianMilliseconds: medians[medians.count / 2],
                                  minimumMilliseconds: timings.map(\.minimumMilliseconds).min()!)
    }
    return (combined(mine)!, reference.count == rounds ? combined(reference) : nil)
}

/// Where the time of one training step goes (printed by --breakdown): the forward pass alone,
/// forward and backward, the optimiser's update and the finite check of the gradients; for the
/// first two, also how much of their time is spent inside OpenBLAS's products.
func stepBreakdown<Encoder, Decoder>(_ name: String, _ model: VariationalAutoencoder<Encoder, Decoder>,
                                     batch: TrainingBatch, steps: Int) throws {
    typealias Model = VariationalAutoencoder<Encoder, Decoder>
    var model = model
    var optimizer = RMSprop(for: model, learningRate: 5e-4, rho: 0.9)
    let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 1))
    /// The wall times of `steps` runs of `body`, in milliseconds, sorted.
    func stepTimes(_ body: () throws -> Void) rethrows -> [Double] {
        var times: [Double] = []
        for _ in 0..<steps {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return times.sorted()
    }
    func ms(_ body: () throws -> Void) rethrows -> String {
        let times = try stepTimes(body)
        return String(format: "%.2f (min %.2f)", times[times.count / 2], times[0])
    }
    /// `ms`, and the mean time per step beside the mean time inside OpenBLAS's products
    /// (`ProductClock` sums them over the steps); also the products themselves.
    func msWithProducts(_ body: () throws -> Void) rethrows -> (text: String, products: ProductClock.Tally) {
        var times: [Double] = []
        let products = try ProductClock.measuring { times = try stepTimes(body) }
        let mean = times.reduce(0, +) / Double(times.count)
        return (String(format: "%.2f (min %.2f) [mean %.2f, of it products %.2f in %d calls]",
                       times[times.count / 2], times[0], mean, products.milliseconds / Double(steps),
                       products.calls / steps), products)
    }
    let forward = msWithProducts { _ = model.loss(batch, in: context) }
    var gradient = Model.TangentVector.zero
    let backward = msWithProducts { gradient = valueWithGradient(at: model) { $0.loss(batch, in: context) }.gradient }
    let update = ms { optimizer.update(&model, along: gradient) }
    let check = try ms { for path in Model.parameterPaths { try checkFinite(gradient[keyPath: path.gradient], path.name) } }
    let parameters = Model.parameterPaths.reduce(0) { $0 + model[keyPath: $1.value].scalars.count }
    print("\(name) step breakdown (ms, median of \(steps) steps): forward \(forward.text), forward+backward \(backward.text), "
          + "optimizer \(update) for \(String(format: "%.2f", Double(parameters) / 1e6)) M parameters, finite check \(check)")
    print(productShapeLines(backward.products, steps: steps).joined(separator: "\n"))
}

/// The products of forward+backward by shape, the most time first, per step: where the step's
/// product time goes and which products run below the machine's rate (the sgemm figures of
/// the bench). The smallest shapes are summed in one line.
func productShapeLines(_ products: ProductClock.Tally, steps: Int, shown: Int = 16) -> [String] {
    let shapes = products.shapesByTime
    var lines = ["  products of forward+backward by shape (ms per step, calls per step, GFLOP/s):"]
    for (shape, tally) in shapes.prefix(shown) {
        lines.append("    " + shape.description.padding(toLength: 28, withPad: " ", startingAt: 0)
                     + String(format: " %7.3f ms %5d calls %7.1f GFLOP/s", Double(tally.nanoseconds) / 1e6 / Double(steps),
                              tally.calls / steps, tally.gigaflops(of: shape)))
    }
    if shapes.count > shown {
        let rest = shapes.dropFirst(shown)
        lines.append("    " + "\(rest.count) more shapes".padding(toLength: 28, withPad: " ", startingAt: 0)
                     + String(format: " %7.3f ms %5d calls",
                            Double(rest.reduce(0) { $0 + $1.tally.nanoseconds }) / 1e6 / Double(steps),
                            rest.reduce(0) { $0 + $1.tally.calls } / steps))
    }
    return lines
}

func denseStepBreakdown(steps: Int) throws {
    var generator = SeededGenerator(seed: 0)
    try stepBreakdown("SS_D", DenseSemiSupervisedVAE(denseVariant: .semiSupervised, generator: &generator),
                      batch: StepTimings.semiSupervisedBatch(shape: [100, 784], classes: 10, binary: true, seed: 1),
                      steps: steps)
}

func convolutionalStepBreakdown(steps: Int) throws {
    var generator = SeededGenerator(seed: 0)
    try stepBreakdown("SS_CNN", ConvolutionalSemiSupervisedVAE(convolutionalVariant: .semiSupervised, generator: &generator),
                      batch: StepTimings.semiSupervisedBatch(shape: [100, 28, 28, 1], classes: 10, binary: true, seed: 1),
                      steps: steps)
}

/// The RMSprop sweep over 4 M parameters (the dense model's size) on one thread and on all:
/// the floor of the optimiser's update, bound by memory bandwidth; and on all threads again with
/// every squared-gradient average subnormal and a zero gradient (where the weights of pixels
/// that are blank in almost every image get to in training), with subnormals kept and flushed to zero
/// (`SubnormalFlushing`). Printed by --breakdown.
func rawUpdateTiming() {
    let n = 4_000_000
    let theta = UnsafeMutablePointer<Float>.allocate(capacity: n); theta.initialize(repeating: 1, count: n)
    let s = UnsafeMutablePointer<Float>.allocate(capacity: n); s.initialize(repeating: 0, count: n)
    let g = UnsafeMutablePointer<Float>.allocate(capacity: n); g.initialize(repeating: 0.5, count: n)
    defer { theta.deallocate(); s.deallocate(); g.deallocate() }
    let one = bestOf(10) { rmspropSweep(theta, s, g, 0..<n, rho: 0.9, learningRate: 5e-4, epsilon: 1e-7) }
    let all = bestOf(10) {
        parallelRanges(count: n) { rmspropSweep(theta, s, g, $0, rho: 0.9, learningRate: 5e-4, epsilon: 1e-7) }
    }
    print(String(format: "RMSprop sweep over 4M parameters (ms, best of 10): %.2f on 1 thread, %.2f on %d",
                 one, all, ParallelismConfiguration.threads))

    let callerFlushes = SubnormalFlushing.isOnForThisThread
    func subnormalSweep(flushing: Bool) -> Double {
        bestOf(10, setUp: {
            s.initialize(repeating: Float.leastNormalMagnitude / 16, count: n)
            g.initialize(repeating: 0, count: n)
        }) {
            SubnormalFlushing.setForThisThread(flushing)
            parallelRanges(count: n) { rmspropSweep(theta, s, g, $0, rho: 0.9, learningRate: 5e-4, epsilon: 1e-7) }
        }
    }
    let kept = subnormalSweep(flushing: false), flushed = subnormalSweep(flushing: true)
    SubnormalFlushing.setForThisThread(callerFlushes)
    print(String(format: "  the same on %d threads with every average subnormal and zero gradients: %.2f with subnormals kept, %.2f flushed to zero",
                 ParallelismConfiguration.threads, kept, flushed))
}
