import _Differentiation
import Randomness
import TensorCore
import XCTest
@testable import NeuralLayers

/// Two parameter tensors, enough to see that state stays aligned with the paths.
private struct TinyModel: ParameterCollection {
    var weight: Tensor
    var bias: Tensor

    static var parameterPaths: [ParameterPath<TinyModel>] {
        [ParameterPath("weight", \.weight, \.weight), ParameterPath("bias", \.bias, \.bias)]
    }
}

final class OptimizerTests: XCTestCase {
    private let start = TinyModel(weight: Tensor(shape: [2], scalars: [1, -2]), bias: Tensor(shape: [1], scalars: [0.5]))

    /// Three steps of fixed gradients; the second leaves the bias gradient as the shapeless
    /// zero that AD produces for an unused parameter.
    private let gradients: [TinyModel.TangentVector] = [
        .init(weight: Tensor(shape: [2], scalars: [0.1, -0.3]), bias: Tensor(shape: [1], scalars: [2])),
        .init(weight: Tensor(shape: [2], scalars: [0.2, 0.1]), bias: .zero),
        .init(weight: Tensor(shape: [2], scalars: [-0.4, 0.1]), bias: Tensor(shape: [1], scalars: [1])),
    ]

    func testAdamFollowsItsUpdateFormula() {
        // m ← 0.9m + 0.1g, v ← 0.999v + 0.001g², θ ← θ − 0.1·(m/(1−0.9ᵗ))/(√(v/(1−0.999ᵗ)) + 1e-8),
        // evaluated in double precision. Step 1 is θ − 0.1·sign(g) (m̂ = g, v̂ = g²).
        let expected: [[Float]] = [
            [0.90000001, -1.9, 0.4],
            [0.80348181, -1.85997815, 0.33299418],
            [0.82286126, -1.84976102, 0.25808449],
        ]
        var model = start
        var adam = Adam(for: model, learningRate: 0.1)
        for (step, g) in gradients.enumerated() {
            adam.update(&model, along: g)
            assertParameters(model, expected[step], "Adam step \(step + 1)")
        }
        XCTAssertEqual(adam.step, 3)
    }

    func testRMSpropFollowsItsUpdateFormula() {
        // s ← 0.9s + 0.1g², θ ← θ − 0.01·g/(√s + 1e-7). Step 1 moves by 0.01/√0.1 = 0.0316228.
        let expected: [[Float]] = [
            [0.96837732, -1.96837726, 0.46837723],
            [0.93980594, -1.97886009, 0.46837723],
            [0.96780466, -1.98929147, 0.45301985],
        ]
        var model = start
        var rmsprop = RMSprop(for: model, learningRate: 0.01)
        for (step, g) in gradients.enumerated() {
            rmsprop.update(&model, along: g)
            assertParameters(model, expected[step], "RMSprop step \(step + 1)")
        }
    }

    func testRMSpropWithMomentumFollowsPyTorchsFormula() {
        // b ← 0.5b + g/(√s + 1e-7), θ ← θ − 0.01·b.
        let expected: [[Float]] = [
            [0.96837732, -1.96837726, 0.46837723],
            [0.9239946, -1.96304872, 0.45256584],
            [0.92980195, -1.97081584, 0.42930277],
        ]
        var model = start
        var rmsprop = RMSprop(for: model, learningRate: 0.01, momentum: 0.5)
        for (step, g) in gradients.enumerated() {
            rmsprop.update(&model, along: g)
            assertParameters(model, expected[step], "RMSprop with momentum step \(step + 1)")
        }
    }

    func testDefaultsAreThePapers() {
        let adam = Adam(for: start)
        XCTAssertEqual([adam.learningRate, adam.beta1, adam.beta2, adam.epsilon], [1e-3, 0.9, 0.999, 1e-8])
        let rmsprop = RMSprop(for: start)
        XCTAssertEqual([rmsprop.learningRate, rmsprop.rho, rmsprop.momentum, rmsprop.epsilon], [1e-3, 0.9, 0, 1e-7])
    }

    func testAdamAndRMSpropMinimiseAQuadratic() {
        // f(θ) = Σ c ⊙ (θ − t)², badly scaled (c = 1 and 10) so plain gradient steps would differ.
        let target = Tensor(shape: [2], scalars: [3, -2])
        let curvature = Tensor(shape: [2], scalars: [1, 10])
        let loss: @differentiable(reverse) (TinyModel) -> Tensor = { model in
            let offset = model.weight - target
            return (offset * offset * curvature).sum() + (model.bias * model.bias).sum()
        }
        var adamModel = start, rmspropModel = start
        var adam = Adam(for: start, learningRate: 0.05)
        var rmsprop = RMSprop(for: start, learningRate: 0.01)
        for _ in 0..<800 {
            adam.update(&adamModel, along: gradient(at: adamModel, of: loss))
            rmsprop.update(&rmspropModel, along: gradient(at: rmspropModel, of: loss))
        }
        for (name, model) in [("Adam", adamModel), ("RMSprop", rmspropModel)] {
            XCTAssertLessThan(loss(model).scalar, 1e-3, "\(name) ended at \(model.weight), \(model.bias)")
            XCTAssertEqual(model.weight.scalars[0], 3, accuracy: 0.03, name)
            XCTAssertEqual(model.weight.scalars[1], -2, accuracy: 0.03, name)
        }
    }

    func testUpdatesAreDeterministic() {
        var first = start, second = start
        var a = Adam(for: start), b = Adam(for: start)
        for g in gradients {
            a.update(&first, along: g)
            b.update(&second, along: g)
        }
        XCTAssertEqual(first.weight, second.weight)
        XCTAssertEqual(first.bias, second.bias)
        XCTAssertEqual(a.firstMoments, b.firstMoments)
        XCTAssertEqual(a.secondMoments, b.secondMoments)
    }

    /// The sixteen-lane sweep equals the scalar formula bit for bit, in the lanes and in the
    /// tail, whatever the split of the range (37 = 2·16 + 5; split at 21, inside a lane block).
    func testRMSpropSweepMatchesTheScalarLoopBitForBit() {
        var generator = SeededGenerator(seed: 7)
        let count = 37
        let g = (0..<count).map { _ in generator.normal() }
        var theta = (0..<count).map { _ in generator.normal() }
        var s = (0..<count).map { _ in abs(generator.normal()) }
        var expectedTheta = theta, expectedS = s
        let (r, lr, eps): (Float, Float, Float) = (0.9, 5e-4, 1e-7)
        for k in 0..<count {
            expectedS[k] = r * expectedS[k] + (1 - r) * g[k] * g[k]
            expectedTheta[k] -= lr * g[k] / (expectedS[k].squareRoot() + eps)
        }
        theta.withUnsafeMutableBufferPointer { t in
            s.withUnsafeMutableBufferPointer { sp in
                g.withUnsafeBufferPointer { gp in
                    for range in [0..<21, 21..<count] {
                        rmspropSweep(t.baseAddress!, sp.baseAddress!, gp.baseAddress!, range,
                                     rho: r, learningRate: lr, epsilon: eps)
                    }
                }
            }
        }
        XCTAssertEqual(theta.map(\.bitPattern), expectedTheta.map(\.bitPattern))
        XCTAssertEqual(s.map(\.bitPattern), expectedS.map(\.bitPattern))
    }

    /// As for RMSprop: Adam's sixteen-lane sweep equals its scalar formula bit for bit, with
    /// the bias corrections of a late step (t = 7) so they are not 1.
    func testAdamSweepMatchesTheScalarLoopBitForBit() {
        var generator = SeededGenerator(seed: 8)
        let count = 53
        let g = (0..<count).map { _ in generator.normal() }
        var theta = (0..<count).map { _ in generator.normal() }
        var m = (0..<count).map { _ in 0.1 * generator.normal() }
        var v = (0..<count).map { _ in abs(0.1 * generator.normal()) }
        var (expectedTheta, expectedM, expectedV) = (theta, m, v)
        let (b1, b2, lr, eps): (Float, Float, Float, Float) = (0.9, 0.999, 1e-3, 1e-8)
        let power = { (beta: Double) in (0..<7).reduce(1.0) { product, _ in product * beta } }
        let c1 = Float(1 / (1 - power(0.9))), c2 = Float(1 / (1 - power(0.999)))
        for k in 0..<count {
            expectedM[k] = b1 * expectedM[k] + (1 - b1) * g[k]
            expectedV[k] = b2 * expectedV[k] + (1 - b2) * g[k] * g[k]
            let mHat = expectedM[k] * c1, vHat = expectedV[k] * c2
            expectedTheta[k] -= lr * mHat / (vHat.squareRoot() + eps)
        }
        theta.withUnsafeMutableBufferPointer { t in
            m.withUnsafeMutableBufferPointer { mp in
                v.withUnsafeMutableBufferPointer { vp in
                    g.withUnsafeBufferPointer { gp in
                        for range in [0..<21, 21..<count] {
                            adamSweep(t.baseAddress!, mp.baseAddress!, vp.baseAddress!, gp.baseAddress!, range,
                                      beta1: b1, beta2: b2, learningRate: lr, epsilon: eps,
                                      firstCorrection: c1, secondCorrection: c2)
                        }
                    }
                }
            }
        }
        XCTAssertEqual(theta.map(\.bitPattern), expectedTheta.map(\.bitPattern))
        XCTAssertEqual(m.map(\.bitPattern), expectedM.map(\.bitPattern))
        XCTAssertEqual(v.map(\.bitPattern), expectedV.map(\.bitPattern))
    }

    // MARK: - Sigmoidal schedule

    func testSigmoidalScheduleHitsItsEndpointsExactly() {
        let schedule = SigmoidalSchedule(from: 0, to: 1, over: 10)
        XCTAssertEqual(schedule.value(at: 0), 0)
        XCTAssertEqual(schedule.value(at: -3), 0)
        XCTAssertEqual(schedule.value(at: 10), 1)
        XCTAssertEqual(schedule.value(at: 25), 1)
        XCTAssertEqual(schedule(5), 0.5, accuracy: 1e-6)
        // u = ¼, k = 10: (σ(−2.5) − σ(−5))/(σ(5) − σ(−5)).
        XCTAssertEqual(schedule.value(at: 2.5), 0.07010372, accuracy: 1e-6)
        let gamma = SigmoidalSchedule(from: 4, to: 1, over: 5, steepness: 6)
        XCTAssertEqual(gamma(0), 4)
        XCTAssertEqual(gamma(5), 1)
        XCTAssertEqual(gamma.value(at: 2.5), 2.5, accuracy: 1e-6)
    }

    func testSigmoidalScheduleIsMonotone() {
        for schedule in [SigmoidalSchedule(from: 0, to: 1, over: 7, steepness: 12),
                         SigmoidalSchedule(from: 4, to: 1, over: 3),
                         SigmoidalSchedule(from: 0.2, to: 0.9, over: 100, steepness: 0.5)] {
            let increasing = schedule.end > schedule.start
            var previous = schedule.value(at: -1)
            for i in 0...220 {
                let value = schedule.value(at: schedule.duration * (Double(i) / 200))
                if increasing { XCTAssertGreaterThanOrEqual(value, previous) } else { XCTAssertLessThanOrEqual(value, previous) }
                previous = value
            }
        }
        // Steeper schedules stay nearer the start for longer.
        XCTAssertLessThan(SigmoidalSchedule(from: 0, to: 1, over: 10, steepness: 20).value(at: 2),
                          SigmoidalSchedule(from: 0, to: 1, over: 10, steepness: 5).value(at: 2))
    }

    // MARK: - Helpers

    private func assertParameters(_ model: TinyModel, _ expected: [Float], _ message: String,
                                  file: StaticString = #filePath, line: UInt = #line) {
        let actual = model.weight.scalars + model.bias.scalars
        for (a, e) in zip(actual, expected) {
            XCTAssertEqual(a, e, accuracy: 2e-6, message, file: file, line: line)
        }
    }
}
