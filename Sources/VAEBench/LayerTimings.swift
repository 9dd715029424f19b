import _Differentiation
import Dispatch
import Foundation
import NeuralLayers
import Randomness
import TensorCore

/// The convolutions of Table 14's model one at a time, at batch 100, forward and backward as
/// the training step runs them (the first layer differentiates its filter only: its input is the
/// data), and its widest batch norm with relu: which layer the convolutional step's time goes to,
/// against the arithmetic each needs. Printed by --breakdown.
func convolutionLayerTimings() {
    struct Layer {
        let name: String
        let input: [Int]
        let filter: [Int]
        let stride: Int
        let transposed: Bool
        let readsData: Bool
    }
    let layers = [
        Layer(name: "conv1 3×3 1→64, 28×28", input: [100, 28, 28, 1], filter: [3, 3, 1, 64], stride: 1,
              transposed: false, readsData: true),
        Layer(name: "conv2 3×3 64→64, 28×28", input: [100, 28, 28, 64], filter: [3, 3, 64, 64], stride: 1,
              transposed: false, readsData: false),
        Layer(name: "conv3 3×3 64→64, 28→14, stride 2", input: [100, 28, 28, 64], filter: [3, 3, 64, 64], stride: 2,
              transposed: false, readsData: false),
        Layer(name: "deconv1/2 3×3 64→64, 14×14", input: [100, 14, 14, 64], filter: [3, 3, 64, 64], stride: 1,
              transposed: true, readsData: false),
        Layer(name: "deconv3 3×3 64→64, 14→28, stride 2", input: [100, 14, 14, 64], filter: [3, 3, 64, 64], stride: 2,
              transposed: true, readsData: false),
        Layer(name: "output 3×3 64→1, 28×28", input: [100, 28, 28, 64], filter: [3, 3, 64, 1], stride: 1,
              transposed: false, readsData: false),
    ]
    var generator = SeededGenerator(seed: 5)
    print("Table 14's layers at batch 100 (ms, best of 7; GFLOP of the direct convolution, forward):")
    for layer in layers {
        let x = Tensor.randomNormal(layer.input, using: &generator)
        let w = Tensor.randomNormal(layer.filter, using: &generator)
        let (stride, transposed) = (layer.stride, layer.transposed)
        func apply(_ x: Tensor, _ w: Tensor) -> Tensor {
            transposed ? transposedConv2D(x, filter: w, stride: stride, padding: 1, outputPadding: stride - 1)
                       : conv2D(x, filter: w, stride: stride, padding: 1)
        }
        let y = apply(x, w)
        let dy = Tensor.randomNormal(y.shape, using: &generator)
        let forward = bestOf(7) { _ = apply(x, w) }
        let backward: Double
        if layer.readsData {
            let (_, pullback) = valueWithPullback(at: w) { w in apply(x, w) }
            backward = bestOf(7) { _ = pullback(dy) }
        } else {
            let (_, pullback) = valueWithPullback(at: x, w) { x, w in apply(x, w) }
            backward = bestOf(7) { _ = pullback(dy) }
        }
        // 2 · (positions of the convolution's output side) · kh·kw·cin·cout
        let positions = (transposed ? x.count / x.shape[3] : y.count / y.shape[3])
        let gigaflop = 2 * Double(positions * layer.filter.reduce(1, *)) / 1e9
        print(String(format: "  %@: forward %.2f, backward %.2f%@ (%.2f GFLOP)", layer.name, forward, backward,
                     layer.readsData ? " (filter only)" : "", gigaflop))
    }
    let activation = Tensor.randomNormal([100, 28, 28, 64], using: &generator)
    let norm = BatchNorm(channels: 64)
    let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 1))
    let normForward = bestOf(7) { _ = norm(activation, in: context, then: .relu) }
    let (_, normPullback) = valueWithPullback(at: norm, activation) { norm, x in norm(x, in: context, then: .relu) }
    let normBackward = bestOf(7) { _ = normPullback(activation) }
    print(String(format: "  batch norm + relu, [100, 28, 28, 64]: forward %.2f, backward %.2f", normForward, normBackward))
}

/// The shortest of `repetitions` runs of `body`, in milliseconds, each after an untimed `setUp`.
func bestOf(_ repetitions: Int, setUp: () -> Void = {}, _ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<repetitions {
        setUp()
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return best
}
