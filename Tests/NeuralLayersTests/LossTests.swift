import _Differentiation
import Randomness
import TensorCore
import XCTest
@testable import NeuralLayers

final class LossTests: XCTestCase {
    // MARK: - Likelihoods and KL

    func testBernoulliLogLikelihoodMatchesClosedForm() {
        let x = Tensor(shape: [2, 2], scalars: [1, 0, 0.5, 1])
        let logits = Tensor(shape: [2, 2], scalars: [2, -1, 0, 3])
        // 1·2 − softplus(2) − softplus(−1) and 0.5·0 − log 2 + 3 − softplus(3).
        let value = bernoulliLogLikelihood(of: x, logits: logits)
        XCTAssertEqual(value.shape, [2])
        XCTAssertEqual(value.scalars[0], -0.4401897, accuracy: 1e-6)
        XCTAssertEqual(value.scalars[1], -0.7417345, accuracy: 1e-6)
    }

    func testBernoulliLogLikelihoodIsFiniteAtExtremeLogits() {
        assertBernoulliExtremes()
    }

    /// Logits of ±100 on pixels 1 and 0. Terms: 0, −100, −100, 0; gradients x − σ(l): 0, −1, 1, 0.
    private func assertBernoulliExtremes(file: StaticString = #filePath, line: UInt = #line) {
        let x = Tensor(shape: [1, 4], scalars: [1, 0, 1, 0])
        let logits = Tensor(shape: [1, 4], scalars: [100, 100, -100, -100])
        XCTAssertEqual(bernoulliLogLikelihood(of: x, logits: logits).scalars, [-200], file: file, line: line)
        let g = gradient(at: logits) { bernoulliLogLikelihood(of: x, logits: $0).sum() }
        for (a, e) in zip(g.scalars, [0, -1, 1, 0] as [Float]) { XCTAssertEqual(a, e, accuracy: 1e-6, file: file, line: line) }
    }

    func testGaussianLogLikelihoodWithFixedVariance() {
        let x = Tensor(shape: [1, 2], scalars: [1, 2])
        let mean = Tensor(shape: [1, 2], scalars: [0, 2.5])
        // −(1 + 0.25)/(2·2) − 2·½·log(2π·2)
        XCTAssertEqual(gaussianLogLikelihood(of: x, mean: mean, variance: 2).scalars[0], -2.8435242, accuracy: 1e-5)
        // ∂/∂μ = (x − μ)/σ²
        let g = gradient(at: mean) { gaussianLogLikelihood(of: x, mean: $0, variance: 2).sum() }
        XCTAssertEqual(g.scalars, [0.5, -0.25])
    }

    func testGaussianLogLikelihoodWithLearnedVariance() {
        let x = Tensor(shape: [1, 2], scalars: [1, -1])
        let mean = Tensor(shape: [1, 2], scalars: [0.5, 0])
        let raw = Tensor(shape: [1, 2], scalars: [0, 1])
        // v = (log 2, softplus(1) = 1.3132617): Σ −(x−μ)²/(2v) − ½ log(2πv).
        XCTAssertEqual(gaussianLogLikelihood(of: x, mean: mean, rawVariance: raw).scalars[0],
                       -2.3519459, accuracy: 1e-5)
        // Very negative raw values: log v follows raw instead of log(0) = −∞.
        let tiny = gaussianLogLikelihood(of: x, mean: x, rawVariance: Tensor(shape: [1, 2], scalars: [-100, -100]))
        XCTAssertEqual(tiny.scalars[0], -(1.8378771 - 100), accuracy: 1e-3)
        assertGaussianLearnedVarianceExtremes()
    }

    /// Extreme raw variances with a mean that fits: finite value and gradients.
    /// ∂/∂raw = ½((x−μ)²/v − 1)·σ(raw)/v: −½ as raw → −∞, −½·σ(100)/100 at raw = 100.
    private func assertGaussianLearnedVarianceExtremes(file: StaticString = #filePath, line: UInt = #line) {
        let x = Tensor(shape: [1, 2], scalars: [1, -1])
        let extremes = Tensor(shape: [1, 2], scalars: [-100, 100])
        let (dMean, dRaw) = gradients(at: x, extremes) { gaussianLogLikelihood(of: x, mean: $0, rawVariance: $1).sum() }
        XCTAssertTrue(gaussianLogLikelihood(of: x, mean: x, rawVariance: extremes).isFinite, file: file, line: line)
        XCTAssertEqual(dMean.scalars, [0, 0], file: file, line: line)
        XCTAssertEqual(dRaw.scalars[0], -0.5, accuracy: 1e-6, file: file, line: line)
        XCTAssertEqual(dRaw.scalars[1], -0.005, accuracy: 1e-7, file: file, line: line)
    }

    /// Executables flush subnormals to zero (SubnormalFlushing), where a variance floor at the
    /// smallest subnormal read as 0 and made 0/0. The extremes stay finite in that mode too (the
    /// likelihoods run on the calling thread, so switching it alone is enough).
    func testLikelihoodsAtExtremesStayFiniteWhenSubnormalsAreFlushed() {
        let before = SubnormalFlushing.isOnForThisThread
        SubnormalFlushing.setForThisThread(true)
        defer { SubnormalFlushing.setForThisThread(before) }
        assertGaussianLearnedVarianceExtremes()
        assertBernoulliExtremes()
    }

    func testKLDivergenceMatchesClosedForm() {
        let mean = Tensor(shape: [2, 2], scalars: [1, 0, 0, 0])
        let logVariance = Tensor(shape: [2, 2], scalars: [0, logarithm(2), 0, 0])
        // ½(1 + 1 − 1 − 0) + ½(0 + 2 − 1 − log 2); the prior itself has KL 0.
        XCTAssertEqual(klDivergenceFromStandardNormal(mean: mean, logVariance: logVariance).scalars[0],
                       0.6534264, accuracy: 1e-6)
        XCTAssertEqual(klDivergenceFromStandardNormal(mean: mean, logVariance: logVariance).scalars[1], 0)
    }

    // MARK: - Classification

    func testMaskedCrossEntropyIsNormalisedByTheLabeledCount() {
        let logits = Tensor(shape: [3, 2], scalars: [0, logarithm(3), 50, -50, logarithm(3), 0])
        let labels = Tensor(shape: [3, 2], scalars: [0, 1, 1, 0, 0, 1])
        let mask = Tensor(shape: [3], scalars: [1, 0, 1])
        // π = (¼, ¾) and (¾, ¼); α = 2 over 2 labeled points: −log ¾ − log ¼. The unlabeled
        // middle row (whose label would cost 100 nats) is ignored.
        let loss = maskedCategoricalCrossEntropy(logits: logits, labels: labels, mask: mask, alpha: 2)
        XCTAssertEqual(loss.scalar, 1.6739764, accuracy: 1e-5)
        let byIndex = maskedCategoricalCrossEntropy(logits: logits, classIndices: [1, -1, 1], mask: mask, alpha: 2)
        XCTAssertEqual(byIndex.scalar, loss.scalar)
        // ∂/∂l = −(α/#labeled)·m·(y − π): row 0 (¼, −¼), row 1 none, row 2 (¾, −¾).
        let g = gradient(at: logits) { maskedCategoricalCrossEntropy(logits: $0, labels: labels, mask: mask, alpha: 2) }
        let expected: [Float] = [0.25, -0.25, 0, 0, 0.75, -0.75]
        for (a, e) in zip(g.scalars, expected) { XCTAssertEqual(a, e, accuracy: 1e-6) }
    }

    func testMaskedCrossEntropyWithoutLabelsIsZero() {
        let logits = Tensor(shape: [2, 3], scalars: [1, 2, 3, -100, 0, 100])
        let labels = Tensor(shape: [2, 3], scalars: [1, 0, 0, 1, 0, 0])
        let mask = Tensor.zeros([2])
        let (value, g) = valueWithGradient(at: logits) {
            maskedCategoricalCrossEntropy(logits: $0, labels: labels, mask: mask, alpha: 1)
        }
        XCTAssertEqual(value.scalar, 0)
        XCTAssertEqual(g.scalars, [Float](repeating: 0, count: 6))
    }

    func testMaskedCrossEntropyIsFiniteAtExtremeLogits() {
        let logits = Tensor(shape: [2, 2], scalars: [100, -100, -100, 100])
        let labels = Tensor(shape: [2, 2], scalars: [0, 1, 0, 1])
        let mask = Tensor.ones([2])
        let (value, g) = valueWithGradient(at: logits) {
            maskedCategoricalCrossEntropy(logits: $0, labels: labels, mask: mask, alpha: 1)
        }
        // Row 0 puts all its mass on the wrong class: −log π = 200; row 1 is right: 0.
        XCTAssertEqual(value.scalar, 100, accuracy: 1e-3)
        XCTAssertTrue(g.isFinite)
        XCTAssertEqual(g.scalars[0], 0.5, accuracy: 1e-6)
    }

    // MARK: - Objectives

    func testBetaVAELossWithCapacity() {
        let reconstruction = Tensor(shape: [2], scalars: [1, 2])
        let kl = Tensor(shape: [2], scalars: [3, 0.5])
        // ((1 + 4·|3 − 1|) + (2 + 4·|0.5 − 1|))/2
        XCTAssertEqual(betaVAELoss(reconstruction: reconstruction, kl: kl, beta: 4, capacity: 1).scalar, 6.5)
        let (dReconstruction, dKL) = gradients(at: reconstruction, kl) {
            betaVAELoss(reconstruction: $0, kl: $1, beta: 4, capacity: 1)
        }
        XCTAssertEqual(dReconstruction.scalars, [0.5, 0.5])
        XCTAssertEqual(dKL.scalars, [2, -2])
    }

    func testVABCLossReducesToTheVAELossForUnlabeledData() {
        let kl = Tensor(shape: [3], scalars: [0.5, 2, 1])
        let error = Tensor(shape: [3], scalars: [3, 0.25, 10])
        let loss = vabcLoss(kl: kl, reconstructionError: error, labels: Tensor.ones([3]), gamma: 0.05)
        XCTAssertEqual(loss.scalar, (0.5 + 3 + 2 + 0.25 + 1 + 10) / 3, accuracy: 1e-6)
    }

    func testVABCLossPenalisesGoodReconstructionsOfUnwantedData() {
        let kl = Tensor(shape: [2], scalars: [0.5, 0.5])
        let error = Tensor(shape: [2], scalars: [1, 1])
        let labels = Tensor(shape: [2], scalars: [1, 0])
        // ((0.5 + 1) + (0.5 − log(1 − e^{−2})))/2 with γ = 2.
        let loss = vabcLoss(kl: kl, reconstructionError: error, labels: labels, gamma: 2)
        XCTAssertEqual(loss.scalar, (1.5 + 0.5 + 0.14541346) / 2, accuracy: 1e-6)
        // ∂/∂L for the unwanted example: γ·(−1/expm1(γL))/B = −2/(e² − 1)/2.
        let (dKL, dError) = gradients(at: kl, error) {
            vabcLoss(kl: $0, reconstructionError: $1, labels: labels, gamma: 2, klWeight: 0.25)
        }
        XCTAssertEqual(dKL.scalars, [0.125, 0.125])
        XCTAssertEqual(dError.scalars[0], 0.5, accuracy: 1e-7)
        XCTAssertEqual(dError.scalars[1], -1 / 6.3890561, accuracy: 1e-6)
    }

    func testVABCPenaltyGuardIsFiniteAndContinuous() {
        let labels = Tensor.zeros([1])
        func penalty(_ error: Float) -> (value: Float, slope: Float) {
            let (value, g) = valueWithGradient(at: Tensor(shape: [1], scalars: [error])) {
                vabcLoss(kl: Tensor.zeros([1]), reconstructionError: $0, labels: labels, gamma: 1)
            }
            return (value.scalar, g.scalar)
        }
        let atZero = penalty(0)
        XCTAssertTrue(atZero.value.isFinite && atZero.slope.isFinite)
        XCTAssertLessThan(atZero.slope, 0, "a perfect reconstruction of unwanted data must still be pushed away")
        XCTAssertEqual(atZero.value, 13.8155 + 1, accuracy: 1e-2)   // −log(1e-6) + 1e6·1e-6
        // Across the guard the value follows the tangent (slope about −1e6) and the slope
        // barely changes.
        let (belowError, aboveError) = (vabcPenaltyGuard * 0.999, vabcPenaltyGuard * 1.001)
        let below = penalty(belowError), above = penalty(aboveError)
        XCTAssertEqual(below.value, above.value + above.slope * (belowError - aboveError), accuracy: 1e-4)
        XCTAssertEqual(below.slope / above.slope, 1, accuracy: 2e-3)
        let far = penalty(1e4)
        XCTAssertEqual(far.value, 0)
        XCTAssertEqual(far.slope, 0)
    }

    func testGaussianReconstructionErrorIsVABCsScaledSquaredError() {
        let x = Tensor(shape: [2, 2], scalars: [1, 2, 0, 0])
        let reconstruction = Tensor(shape: [2, 2], scalars: [0, 0, 0, 1])
        // (1 + 4)/(2·2.5) and 1/(2·2.5); it is the negative fixed-variance log-likelihood
        // without its constant.
        let error = gaussianReconstructionError(of: x, reconstruction: reconstruction, variance: 2.5)
        XCTAssertEqual(error.scalars, [1, 0.2])
        let logLikelihood = gaussianLogLikelihood(of: x, mean: reconstruction, variance: 2.5)
        let constant = logarithm(2 * Float.pi * 2.5)
        XCTAssertEqual(logLikelihood.scalars[0], -1 - constant, accuracy: 1e-5)
    }

    // MARK: - Reparameterisation

    func testReparameterizationWithGivenNoise() {
        let z = reparameterize(mean: Tensor(shape: [1, 2], scalars: [1, -1]),
                               logVariance: Tensor(shape: [1, 2], scalars: [logarithm(4), 0]),
                               noise: Tensor(shape: [1, 2], scalars: [0.5, 2]))
        XCTAssertEqual(z.scalars[0], 2, accuracy: 1e-6)   // 1 + 2·0.5
        XCTAssertEqual(z.scalars[1], 1, accuracy: 1e-6)   // −1 + 1·2
    }

    func testReparameterizationDrawsFromTheSeededStream() {
        let mean = Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5])
        let logVariance = Tensor(shape: [2, 3], repeating: 0.5)
        var reference = SeededGenerator(seed: 21)
        let noise = Tensor.randomNormal([2, 3], using: &reference)
        let box = SeededGeneratorBox(seed: 21)
        let first = reparameterize(mean: mean, logVariance: logVariance, generator: box)
        XCTAssertEqual(first, reparameterize(mean: mean, logVariance: logVariance, noise: noise))
        let context = ForwardContext(phase: .training, generator: box)
        XCTAssertNotEqual(reparameterize(mean: mean, logVariance: logVariance, in: context), first,
                          "the stream must advance between draws")
        // The gradient through the drawing version is that of the given-noise version.
        let r = GradientCheck.projection(like: mean)
        let (dMean, dLogVariance) = gradients(at: mean, logVariance) { m, lv in
            (reparameterize(mean: m, logVariance: lv, generator: SeededGeneratorBox(seed: 21)) * r).sum()
        }
        XCTAssertEqual(dMean, r)
        let expected = (r * noise * exp(logVariance * 0.5)) * 0.5
        for (a, e) in zip(dLogVariance.scalars, expected.scalars) { XCTAssertEqual(a, e, accuracy: 1e-6) }
    }

    // MARK: - Gradient checks

    func testEveryLossMatchesFiniteDifferences() {
        var generator = SeededGenerator(seed: 31)
        let x = Tensor.randomUniform([3, 4], lower: 0, upper: 1, using: &generator)
        let a = Tensor.randomNormal([3, 4], using: &generator)
        let b = Tensor.randomNormal([3, 4], standardDeviation: 0.5, using: &generator)
        let noise = Tensor.randomNormal([3, 4], using: &generator)
        let labels = Tensor(shape: [3, 4], scalars: [0, 1, 0, 0, 1, 0, 0, 0, 0.25, 0.25, 0.5, 0])
        let mask = Tensor(shape: [3], scalars: [1, 0, 1])
        let y = Tensor(shape: [3], scalars: [1, 0, 0])
        let positive = Tensor(shape: [3], scalars: [0.7, 1.3, 2.1])
        let kl = Tensor(shape: [3], scalars: [0.4, 2.5, 1.2])
        // One call per loss argument: an array of tuples holding differentiable closures is
        // miscompiled by Swift 6.3.1 in optimised builds (it crashes when the array is freed).
        check("bernoulli logits", at: a) { bernoulliLogLikelihood(of: x, logits: $0) }
        check("gaussian fixed mean", at: a) { gaussianLogLikelihood(of: x, mean: $0, variance: 0.7) }
        check("gaussian learned mean", at: a) { gaussianLogLikelihood(of: x, mean: $0, rawVariance: b) }
        check("gaussian learned raw variance", at: b) { gaussianLogLikelihood(of: x, mean: a, rawVariance: $0) }
        check("kl mean", at: a) { klDivergenceFromStandardNormal(mean: $0, logVariance: b) }
        check("kl log-variance", at: b) { klDivergenceFromStandardNormal(mean: a, logVariance: $0) }
        check("masked cross-entropy", at: a) { maskedCategoricalCrossEntropy(logits: $0, labels: labels, mask: mask, alpha: 0.8) }
        check("beta-VAE reconstruction", at: positive) { betaVAELoss(reconstruction: $0, kl: kl, beta: 4, capacity: 1) }
        check("beta-VAE kl", at: kl) { betaVAELoss(reconstruction: positive, kl: $0, beta: 4, capacity: 1) }
        check("V-ABC kl", at: kl) { vabcLoss(kl: $0, reconstructionError: positive, labels: y, gamma: 0.8, klWeight: 0.3) }
        check("V-ABC reconstruction error", at: positive) { vabcLoss(kl: kl, reconstructionError: $0, labels: y, gamma: 0.8) }
        check("reconstruction error", at: a) { gaussianReconstructionError(of: x, reconstruction: $0, variance: 2.5) }
        check("reparameterize mean", at: a) { reparameterize(mean: $0, logVariance: b, noise: noise) }
        check("reparameterize log-variance", at: b) { reparameterize(mean: a, logVariance: $0, noise: noise) }
    }

    private func check(_ label: String, at point: Tensor,
                       _ f: @escaping @differentiable(reverse) (Tensor) -> Tensor,
                       file: StaticString = #filePath, line: UInt = #line) {
        let result = GradientCheck.input(of: f, at: point, step: 1e-2, label: label)
        XCTAssertLessThan(result.relativeError, 2e-3, "\(result)", file: file, line: line)
    }

    // MARK: - Finite check

    func testCheckFiniteNamesTheQuantity() throws {
        XCTAssertNoThrow(try checkFinite(Tensor(shape: [2], scalars: [1, -3]), "loss"))
        let bad = Tensor(shape: [4], scalars: [1, .nan, .infinity, .nan])
        XCTAssertThrowsError(try checkFinite(bad, "kl")) { error in
            guard let error = error as? NonFiniteValueError else { return XCTFail("wrong error \(error)") }
            XCTAssertEqual(error.quantity, "kl")
            XCTAssertEqual(error.nanCount, 2)
            XCTAssertEqual(error.infinityCount, 1)
            XCTAssertEqual(error.firstIndex, 1)
            let located = error.adding(context: "step 12").adding(context: "cell 3")
            XCTAssertTrue(located.description.hasPrefix("non-finite value in kl (step 12, cell 3)"), located.description)
        }
    }

    // MARK: - Helpers

    /// The gradient of a scalar loss of two tensors with respect to both.
    private func gradients(at a: Tensor, _ b: Tensor,
                           of loss: @differentiable(reverse) (Tensor, Tensor) -> Tensor) -> (Tensor, Tensor) {
        let (_, pullback) = valueWithPullback(at: a, b, of: loss)
        return pullback(Tensor(1))
    }
}
