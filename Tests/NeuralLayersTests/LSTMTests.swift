import _Differentiation
import Randomness
import TensorCore
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import NeuralLayers

final class LSTMTests: XCTestCase {
    func testForwardMatchesHandComputedValues() {
        // One input feature, one hidden unit, two steps; gate blocks i, f, g, o.
        let lstm = LSTM(inputWeight: Tensor(shape: [1, 4], scalars: [0.5, -0.5, 1, 2]),
                        recurrentWeight: Tensor(shape: [1, 4], scalars: [0.1, 0.2, -0.3, 0.4]),
                        bias: Tensor(shape: [4], scalars: [0, 1, 0, 0]))
        let x = Tensor(shape: [1, 2, 1], scalars: [1, 2])
        // t = 0: z = (0.5, 0.5, 1, 2); c = σ(0.5)·tanh(1) = 0.474061; h = σ(2)·tanh(c) = 0.388850.
        // t = 1: z = 2·Wx + 0.388850·Wh + b = (1.038885, 0.077770, 1.883345, 4.155540);
        //        c = σ(0.07777)·0.474061 + σ(1.038885)·tanh(1.883345) = 0.951483;
        //        h = σ(4.15554)·tanh(0.951483) = 0.729025.
        let h = lstm(x)
        XCTAssertEqual(h.shape, [1, 2, 1])
        XCTAssertEqual(h.scalars[0], 0.3888499, accuracy: 1e-6)
        XCTAssertEqual(h.scalars[1], 0.7290246, accuracy: 1e-6)
    }

    func testGateBlocksAndBatchRowsFollowTheConventions() {
        // Against a direct transcription of docs/CONVENTIONS.md, one scalar at a time, with
        // hidden > 1 and batch > 1 so interleaved gates or mixed-up rows would show.
        var generator = SeededGenerator(seed: 3)
        let (batch, time, inputSize, hiddenSize) = (2, 3, 3, 2)
        let lstm = LSTM(inputWeight: Tensor.randomNormal([inputSize, 4 * hiddenSize], using: &generator),
                        recurrentWeight: Tensor.randomNormal([hiddenSize, 4 * hiddenSize], using: &generator),
                        bias: Tensor.randomNormal([4 * hiddenSize], standardDeviation: 0.5, using: &generator))
        let x = Tensor.randomNormal([batch, time, inputSize], using: &generator)
        let expected = referenceLSTM(lstm, x)
        let actual = lstm(x)
        XCTAssertEqual(actual.shape, [batch, time, hiddenSize])
        for (a, e) in zip(actual.scalars, expected) { XCTAssertEqual(a, e, accuracy: 1e-5) }
    }

    func testGradientsMatchFiniteDifferences() {
        var generator = SeededGenerator(seed: 5)
        var lstm = LSTM(inputSize: 3, hiddenSize: 4, generator: &generator)
        // A non-trivial bias so every gate sits away from its initial symmetric point.
        lstm.bias = Tensor.randomNormal([16], standardDeviation: 0.5, using: &generator)
        let x = Tensor.randomNormal([2, 4, 3], using: &generator)
        let r = GradientCheck.projection(like: lstm(x))
        for result in GradientCheck.parameters(of: lstm, loss: { ($0(x) * r).sum() }) {
            XCTAssertLessThan(result.relativeError, 2e-3, "\(result)")
        }
        let inputCheck = GradientCheck.input(of: { lstm($0) }, at: x)
        XCTAssertLessThan(inputCheck.relativeError, 2e-3, "\(inputCheck)")
    }

    func testGradientOfTheLastStepReachesTheFirstInput() {
        // Backpropagation through time: the loss reads only the final state, yet every step's
        // input must receive a gradient, equal to the finite difference.
        var generator = SeededGenerator(seed: 8)
        let lstm = LSTM(inputSize: 2, hiddenSize: 3, generator: &generator)
        let x = Tensor.randomNormal([2, 5, 2], using: &generator)
        let lastStep: @differentiable(reverse) (Tensor) -> Tensor = { input in
            lstm(input).reshaped(to: [10, 3]).slicingRows(4..<5).sum()
        }
        let check = GradientCheck.input(of: lastStep, at: x)
        XCTAssertLessThan(check.relativeError, 2e-3, "\(check)")
        let g = gradient(at: x, of: lastStep)
        XCTAssertNotEqual(g.scalars[0], 0, "the first step of the first sequence gets no gradient")
        XCTAssertEqual(Array(g.scalars[10...]), [Float](repeating: 0, count: 10),
                       "the second sequence must not influence the first one's output")
    }

    func testKerasInitialisation() {
        var generator = SeededGenerator(seed: 9)
        let lstm = LSTM(inputSize: 3, hiddenSize: 4, generator: &generator)
        XCTAssertEqual(lstm.inputWeight.shape, [3, 16])
        XCTAssertEqual(lstm.recurrentWeight.shape, [4, 16])
        XCTAssertEqual(lstm.bias.scalars, [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
        let limit = (6 / Float(3 + 16)).squareRoot()
        XCTAssertTrue(lstm.inputWeight.scalars.allSatisfy { abs($0) <= limit })
        assertOrthonormal(lstm.recurrentWeight, rowsOrthonormal: true)
        var again = SeededGenerator(seed: 9)
        XCTAssertEqual(LSTM(inputSize: 3, hiddenSize: 4, generator: &again).recurrentWeight, lstm.recurrentWeight)
        XCTAssertEqual(LSTM.parameterPaths.map(\.name), ["inputWeight", "recurrentWeight", "bias"])
    }

    func testOrthogonalInitialiserGivesOrthonormalColumnsOrRows() {
        var generator = SeededGenerator(seed: 12)
        let square = Initializer.orthogonal(rows: 6, columns: 6, using: &generator)
        assertOrthonormal(square, rowsOrthonormal: false)
        assertOrthonormal(square, rowsOrthonormal: true)
        assertOrthonormal(Initializer.orthogonal(rows: 12, columns: 3, using: &generator), rowsOrthonormal: false)
        assertOrthonormal(Initializer.orthogonal(rows: 3, columns: 12, using: &generator), rowsOrthonormal: true)
        let scaled = Initializer.orthogonal(rows: 4, columns: 4, gain: 2, using: &generator)
        assertOrthonormal(Tensor(shape: scaled.shape, scalars: scaled.scalars.map { $0 / 2 }), rowsOrthonormal: false)
        XCTAssertNotEqual(Initializer.orthogonal(rows: 6, columns: 6, using: &generator), square)
    }

    func testGateTanhIsAccurateEverywhere() {
        // Relative error against the double-precision tanh over [−30, 30], across the switch
        // from the series to the exponential form at |x| = ¼, and saturation beyond.
        var worst = 0.0
        for k in -300_000...300_000 {
            let x = Float(k) * 1e-4
            let exact = Double(x).hyperbolicTangentExact
            let error = abs(Double(gateTanh(x)) - exact) / max(abs(exact), 1e-30)
            worst = max(worst, error)
        }
        XCTAssertLessThan(worst, 5e-7)
        XCTAssertEqual(gateTanh(0), 0)
        XCTAssertEqual(gateTanh(100), 1)
        XCTAssertEqual(gateTanh(-1e30), -1)
    }

    // MARK: - Helpers

    /// WᵀW = I (columns) or WWᵀ = I (rows), to single precision.
    private func assertOrthonormal(_ w: Tensor, rowsOrthonormal: Bool,
                                   file: StaticString = #filePath, line: UInt = #line) {
        let (rows, columns) = (w.shape[0], w.shape[1])
        let (count, length) = rowsOrthonormal ? (rows, columns) : (columns, rows)
        func entry(_ vector: Int, _ k: Int) -> Float {
            rowsOrthonormal ? w.scalars[vector * columns + k] : w.scalars[k * columns + vector]
        }
        for a in 0..<count {
            for b in 0..<count {
                var dot: Float = 0
                for k in 0..<length { dot += entry(a, k) * entry(b, k) }
                XCTAssertEqual(dot, a == b ? 1 : 0, accuracy: 1e-5, "Gram entry (\(a), \(b))",
                               file: file, line: line)
            }
        }
    }

    /// The LSTM of docs/CONVENTIONS.md, one scalar at a time.
    private func referenceLSTM(_ lstm: LSTM, _ x: Tensor) -> [Float] {
        let (batch, time, inputSize) = (x.shape[0], x.shape[1], x.shape[2])
        let h = lstm.hiddenSize
        func logistic(_ v: Float) -> Float { 1 / (1 + exponential(-v)) }
        var output = [Float]()
        for n in 0..<batch {
            var hidden = [Float](repeating: 0, count: h), cell = [Float](repeating: 0, count: h)
            for t in 0..<time {
                func preactivation(_ gate: Int, _ j: Int) -> Float {
                    let column = gate * h + j
                    var z = lstm.bias.scalars[column]
                    for k in 0..<inputSize {
                        z += x.scalars[(n * time + t) * inputSize + k] * lstm.inputWeight.scalars[k * 4 * h + column]
                    }
                    for k in 0..<h { z += hidden[k] * lstm.recurrentWeight.scalars[k * 4 * h + column] }
                    return z
                }
                var nextHidden = hidden
                for j in 0..<h {
                    let i = logistic(preactivation(0, j)), f = logistic(preactivation(1, j))
                    let g = hyperbolicTangent(preactivation(2, j)), o = logistic(preactivation(3, j))
                    cell[j] = f * cell[j] + i * g
                    nextHidden[j] = o * hyperbolicTangent(cell[j])
                }
                hidden = nextHidden
                output += hidden
            }
        }
        return output
    }
}

private extension Double {
    /// The C library's double-precision tanh, the reference for `gateTanh`.
    var hyperbolicTangentExact: Double { tanh(self) }
}
