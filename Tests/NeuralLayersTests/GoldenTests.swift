import _Differentiation
import Foundation
import Randomness
import TensorCore
import XCTest
@testable import NeuralLayers

// Golden tests: our layers against PyTorch (tools/golden/make_fixtures.py), as llm.c's
// test_gpt2.c pins its kernels. Each fixture stores parameters in our layouts, an input, the
// reference output, a projection r, and the gradients of sum(output * r); a test rebuilds the
// layer from the stored parameters and compares everything.
//
// Tolerance: max |ours − reference| ≤ 1e-4 · max(1, max |reference|) for every tensor. The
// reference is float64 rounded to float32, so what remains is our float32 accumulation error
// (at most 2% of the bound when the fixtures were made); a wrong index or formula is orders
// above it. Run with GOLDEN_VERBOSE=1 to print every tensor's gap and bound.

/// One fixture file: configuration numbers and named tensors.
private struct GoldenFixture: Decodable {
    struct StoredTensor: Decodable {
        let shape: [Int]
        let values: [Double]
    }

    let name: String
    let config: [String: Double]
    let tensors: [String: StoredTensor]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func load(_ name: String) throws -> GoldenFixture {
        let data = try Data(contentsOf: directory.appendingPathComponent("\(name).json"))
        return try JSONDecoder().decode(GoldenFixture.self, from: data)
    }

    func tensor(_ key: String) -> Tensor {
        guard let stored = tensors[key] else { preconditionFailure("fixture \(name) has no tensor \(key)") }
        return Tensor(shape: stored.shape, scalars: stored.values.map { Float($0) })
    }

    func number(_ key: String) -> Float {
        guard let value = config[key] else { preconditionFailure("fixture \(name) has no config \(key)") }
        return Float(value)
    }

    func integer(_ key: String) -> Int { Int(number(key)) }

    /// The names `grad.<name>` of the stored parameter gradients (the input's excluded).
    var gradientNames: Set<String> {
        Set(tensors.keys.filter { $0.hasPrefix("grad.") && $0 != "grad.input" }.map { String($0.dropFirst(5)) })
    }
}

/// How far `actual` is from `reference`: the largest absolute difference (a NaN counts as
/// infinite), where it is, and the allowed bound `relativeTolerance · max(1, max |reference|)`.
/// Nil when the shapes differ.
private func goldenGap(_ actual: Tensor, _ reference: Tensor, relativeTolerance: Float = 1e-4)
    -> (gap: Float, index: Int, bound: Float)? {
    guard actual.shape == reference.shape else { return nil }
    var worst = (index: 0, gap: Float(0))
    for i in 0..<reference.count {
        let difference = abs(actual.scalars[i] - reference.scalars[i])
        let gap = difference.isNaN ? Float.infinity : difference
        if gap > worst.gap { worst = (i, gap) }
    }
    let scale = max(1, reference.scalars.map(abs).max() ?? 0)
    return (worst.gap, worst.index, relativeTolerance * scale)
}

/// Fails unless `actual` matches `reference` within `relativeTolerance · max(1, max |reference|)`.
private func assertMatches(_ actual: Tensor, _ reference: Tensor, _ label: String, relativeTolerance: Float = 1e-4,
                   file: StaticString = #filePath, line: UInt = #line) {
    guard let result = goldenGap(actual, reference, relativeTolerance: relativeTolerance) else {
        XCTFail("\(label): shape \(actual.shape), reference \(reference.shape)", file: file, line: line)
        return
    }
    if ProcessInfo.processInfo.environment["GOLDEN_VERBOSE"] != nil {
        print("golden \(label): max |diff| \(result.gap), bound \(result.bound)")
    }
    XCTAssert(result.gap <= result.bound,
              "\(label): max |diff| \(result.gap) > \(result.bound) at flat index \(result.index) "
                  + "(ours \(actual.scalars[result.index]), reference \(reference.scalars[result.index]))",
              file: file, line: line)
}

/// Fails unless `actual` matches the fixture's tensor `key` within 1e-4 · max(1, max |reference|);
/// `path`, when given, names the code path in the message.
private func assertMatches(_ actual: Tensor, _ key: String, in fixture: GoldenFixture, path: String = "",
                   file: StaticString = #filePath, line: UInt = #line) {
    let label = path.isEmpty ? "\(fixture.name) \(key)" : "\(fixture.name) (\(path)) \(key)"
    assertMatches(actual, fixture.tensor(key), label, file: file, line: line)
}

/// Compares every parameter gradient of `model` with the fixture's `grad.<name>`, and checks
/// that the model lists exactly the parameters the fixture has.
private func assertParameterGradients<Model: ParameterCollection>(
    _ tangent: Model.TangentVector, of model: Model, in fixture: GoldenFixture, codePath: String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    let names = Model.parameterPaths.map(\.name)
    XCTAssertEqual(Set(names), fixture.gradientNames, "\(fixture.name): parameter names", file: file, line: line)
    for path in Model.parameterPaths where fixture.tensors["grad.\(path.name)"] != nil {
        assertMatches(model.gradient(of: path, in: tangent), "grad.\(path.name)", in: fixture, path: codePath,
                      file: file, line: line)
    }
}

/// The whole comparison for a layer: output, input gradient, parameter gradients of
/// sum(output * r).
private func assertLayerMatches<Model: ParameterCollection>(
    _ model: Model, fixture: GoldenFixture, _ codePath: String = "",
    _ forward: @escaping @differentiable(reverse) (Model, Tensor) -> Tensor,
    file: StaticString = #filePath, line: UInt = #line
) {
    let input = fixture.tensor("input"), projection = fixture.tensor("projection")
    assertMatches(forward(model, input), "output", in: fixture, path: codePath, file: file, line: line)
    let (_, pullback) = valueWithPullback(at: model, input) { model, input in
        (forward(model, input) * projection).sum()
    }
    let (modelGradient, inputGradient) = pullback(Tensor(1))
    assertMatches(inputGradient, "grad.input", in: fixture, path: codePath, file: file, line: line)
    assertParameterGradients(modelGradient, of: model, in: fixture, codePath: codePath, file: file, line: line)
}

final class GoldenTests: XCTestCase {
    // MARK: Dense

    func testDenseMatchesPyTorchForEveryActivation() throws {
        for activation in [Activation.linear, .relu, .sigmoid, .softmax, .softplus] {
            let fixture = try GoldenFixture.load("dense_\(activation.rawValue)")
            let dense = Dense(weight: fixture.tensor("weight"), bias: fixture.tensor("bias"), activation: activation)
            assertLayerMatches(dense, fixture: fixture) { dense, x in dense(x) }
        }
    }

    // MARK: Convolution
    //
    // These layers have at most four output channels (two to four), so each fixture is checked
    // twice: through `NarrowOutputConvolution` and through the lowering (im2col and one product),
    // which wider layers take.

    func testConv2DMatchesPyTorchAtStrides1And2() throws {
        try forBothConvolutionPaths { path in
            for stride in [1, 2] {
                let fixture = try GoldenFixture.load("conv2d_stride\(stride)")
                let conv = Conv2D(filter: fixture.tensor("filter"), bias: fixture.tensor("bias"),
                                  stride: fixture.integer("stride"))
                assertLayerMatches(conv, fixture: fixture, path) { conv, x in conv(x) }
            }
        }
    }

    func testConvTranspose2DMatchesPyTorchAtStrides1And2() throws {
        try forBothConvolutionPaths { path in
            for stride in [1, 2] {
                let fixture = try GoldenFixture.load("conv_transpose2d_stride\(stride)")
                let conv = ConvTranspose2D(filter: fixture.tensor("filter"), bias: fixture.tensor("bias"),
                                           stride: fixture.integer("stride"),
                                           outputPadding: fixture.integer("outputPadding"))
                assertLayerMatches(conv, fixture: fixture, path) { conv, x in conv(x) }
            }
        }
    }

    func testWinogradConvolutionsMatchPyTorchAsTheLoweredProductsDo() throws {
        // 16 channels on both sides: these two layers take Winograd's F(4×4, 3×3) path, whose
        // rounding differs from the lowered products'; both must stay within the golden bound.
        // The images (5×4 and 3×5) end inside a tile, so partial tiles are covered.
        let fixture = try GoldenFixture.load("conv2d_winograd")
        let conv = Conv2D(filter: fixture.tensor("filter"), bias: fixture.tensor("bias"), stride: 1)
        let transposedFixture = try GoldenFixture.load("conv_transpose2d_winograd")
        let transposed = ConvTranspose2D(filter: transposedFixture.tensor("filter"),
                                         bias: transposedFixture.tensor("bias"), stride: 1)
        let geometry = ConvolutionGeometry.symmetric(inputHeight: 5, inputWidth: 4, inputChannels: 16,
                                                     kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1)
        XCTAssertTrue(Winograd.applies(to: geometry, outputChannels: 16))
        defer { Winograd.isEnabled = true }
        for winograd in [true, false] {
            Winograd.isEnabled = winograd
            let path = winograd ? "Winograd" : "lowered"
            assertLayerMatches(conv, fixture: fixture, path) { conv, x in conv(x) }
            assertLayerMatches(transposed, fixture: transposedFixture, path) { conv, x in conv(x) }
        }
    }

    func testConv1DAndConvTranspose1DMatchPyTorchAtStride2() throws {
        try forBothConvolutionPaths { path in
            let fixture = try GoldenFixture.load("conv1d_stride2")
            let conv = Conv1D(filter: fixture.tensor("filter"), bias: fixture.tensor("bias"), stride: fixture.integer("stride"))
            assertLayerMatches(conv, fixture: fixture, path) { conv, x in conv(x) }
            let transposedFixture = try GoldenFixture.load("conv_transpose1d_stride2")
            let transposed = ConvTranspose1D(filter: transposedFixture.tensor("filter"), bias: transposedFixture.tensor("bias"),
                                             stride: transposedFixture.integer("stride"),
                                             outputPadding: transposedFixture.integer("outputPadding"))
            assertLayerMatches(transposed, fixture: transposedFixture, path) { conv, x in conv(x) }
        }
    }

    /// Runs `body` with narrow layers on their own path, then lowered like every other layer.
    private func forBothConvolutionPaths(_ body: (String) throws -> Void) rethrows {
        let saved = ConvolutionKernels.narrowOutputsSkipLowering
        defer { ConvolutionKernels.narrowOutputsSkipLowering = saved }
        for skips in [true, false] {
            ConvolutionKernels.narrowOutputsSkipLowering = skips
            try body(skips ? "narrow-output path" : "lowered")
        }
    }

    func testCausalConv1DMatchesPyTorch() throws {
        let fixture = try GoldenFixture.load("causal_conv1d")
        let conv = CausalConv1D(filter: fixture.tensor("filter"), bias: fixture.tensor("bias"),
                                dilation: fixture.integer("dilation"))
        assertLayerMatches(conv, fixture: fixture) { conv, x in conv(x) }
    }

    func testTemporalBlockMatchesPyTorch() throws {
        let fixture = try GoldenFixture.load("temporal_block")
        let dilation = fixture.integer("dilation")
        let block = TemporalBlock(
            conv1: CausalConv1D(filter: fixture.tensor("conv1.filter"), bias: fixture.tensor("conv1.bias"),
                                dilation: dilation, activation: .relu),
            conv2: CausalConv1D(filter: fixture.tensor("conv2.filter"), bias: fixture.tensor("conv2.bias"),
                                dilation: dilation, activation: .relu),
            skip: CausalConv1D(filter: fixture.tensor("skip.filter"), bias: fixture.tensor("skip.bias")),
            dropoutRate: fixture.number("dropout"))
        // Dropout 0 makes the phases agree; training is the phase that draws masks.
        let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 3))
        assertLayerMatches(block, fixture: fixture) { block, x in block(x, in: context) }
    }

    // MARK: Normalization

    private func batchNorm(from fixture: GoldenFixture) -> BatchNorm {
        BatchNorm(scale: fixture.tensor("scale"), offset: fixture.tensor("offset"),
                  running: RunningStatistics(mean: fixture.tensor("runningMean"),
                                             variance: fixture.tensor("runningVariance")),
                  epsilon: fixture.number("epsilon"), momentum: fixture.number("momentum"))
    }

    func testBatchNormTrainingMatchesPyTorchAndUpdatesTheRunningStatistics() throws {
        for layout in ["nhwc", "dense"] {
            let fixture = try GoldenFixture.load("batchnorm_\(layout)_training")
            let context = ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: 3))
            let once = batchNorm(from: fixture)
            _ = once(fixture.tensor("input"), in: context)
            assertMatches(once.running.mean, "runningMeanAfter", in: fixture)
            assertMatches(once.running.variance, "runningVarianceAfter", in: fixture)
            assertLayerMatches(batchNorm(from: fixture), fixture: fixture) { norm, x in norm(x, in: context) }
        }
    }

    func testBatchNormInferenceMatchesPyTorchWithGivenStatistics() throws {
        for layout in ["nhwc", "dense"] {
            let fixture = try GoldenFixture.load("batchnorm_\(layout)_inference")
            let context = ForwardContext(phase: .inference, generator: SeededGeneratorBox(seed: 3))
            let norm = batchNorm(from: fixture)
            assertLayerMatches(norm, fixture: fixture) { norm, x in norm(x, in: context) }
            XCTAssertEqual(norm.running.mean, fixture.tensor("runningMean"), "inference must not move the statistics")
            XCTAssertEqual(norm.running.variance, fixture.tensor("runningVariance"))
        }
    }

    // MARK: Recurrent

    func testLSTMMatchesPyTorch() throws {
        let fixture = try GoldenFixture.load("lstm")
        let lstm = LSTM(inputWeight: fixture.tensor("inputWeight"), recurrentWeight: fixture.tensor("recurrentWeight"),
                        bias: fixture.tensor("bias"))
        XCTAssertEqual(lstm.hiddenSize, fixture.integer("hiddenSize"))
        assertLayerMatches(lstm, fixture: fixture) { lstm, x in lstm(x) }
    }

    // MARK: Losses (per-example values compared through sum(output * r); batch losses directly)

    func testBernoulliLogLikelihoodMatchesPyTorch() throws {
        let fixture = try GoldenFixture.load("loss_bernoulli")
        let x = fixture.tensor("x"), r = fixture.tensor("projection")
        let (value, gradient) = valueWithGradient(at: fixture.tensor("logits")) { logits in
            (bernoulliLogLikelihood(of: x, logits: logits) * r).sum()
        }
        assertMatches(bernoulliLogLikelihood(of: x, logits: fixture.tensor("logits")), "output", in: fixture)
        assertMatches(value, (fixture.tensor("output") * r).sum(), "loss_bernoulli sum(output * r)")
        assertMatches(gradient, "grad.logits", in: fixture)
    }

    func testGaussianLogLikelihoodWithFixedVarianceMatchesPyTorch() throws {
        let fixture = try GoldenFixture.load("loss_gaussian_fixed")
        let x = fixture.tensor("x"), r = fixture.tensor("projection"), variance = fixture.number("variance")
        assertMatches(gaussianLogLikelihood(of: x, mean: fixture.tensor("mean"), variance: variance),
                      "output", in: fixture)
        let gradient = gradient(at: fixture.tensor("mean")) { mean in
            (gaussianLogLikelihood(of: x, mean: mean, variance: variance) * r).sum()
        }
        assertMatches(gradient, "grad.mean", in: fixture)
    }

    func testGaussianLogLikelihoodWithSoftplusVarianceMatchesPyTorch() throws {
        let fixture = try GoldenFixture.load("loss_gaussian_learned")
        let x = fixture.tensor("x"), r = fixture.tensor("projection")
        let mean = fixture.tensor("mean"), rawVariance = fixture.tensor("rawVariance")
        assertMatches(gaussianLogLikelihood(of: x, mean: mean, rawVariance: rawVariance), "output", in: fixture)
        let (_, pullback) = valueWithPullback(at: mean, rawVariance) { mean, rawVariance in
            (gaussianLogLikelihood(of: x, mean: mean, rawVariance: rawVariance) * r).sum()
        }
        let (meanGradient, rawVarianceGradient) = pullback(Tensor(1))
        assertMatches(meanGradient, "grad.mean", in: fixture)
        assertMatches(rawVarianceGradient, "grad.rawVariance", in: fixture)
    }

    func testKLDivergenceMatchesPyTorch() throws {
        let fixture = try GoldenFixture.load("loss_kl")
        let mu = fixture.tensor("mu"), logVar = fixture.tensor("logVar"), r = fixture.tensor("projection")
        assertMatches(klDivergenceFromStandardNormal(mean: mu, logVariance: logVar), "output", in: fixture)
        let (_, pullback) = valueWithPullback(at: mu, logVar) { mu, logVar in
            (klDivergenceFromStandardNormal(mean: mu, logVariance: logVar) * r).sum()
        }
        let (muGradient, logVarGradient) = pullback(Tensor(1))
        assertMatches(muGradient, "grad.mu", in: fixture)
        assertMatches(logVarGradient, "grad.logVar", in: fixture)
    }

    func testMaskedCrossEntropyMatchesPyTorch() throws {
        let fixture = try GoldenFixture.load("loss_masked_cross_entropy")
        let labels = fixture.tensor("labels"), mask = fixture.tensor("mask"), alpha = fixture.number("alpha")
        let classes = fixture.integer("classes")
        let (loss, gradient) = valueWithGradient(at: fixture.tensor("logits")) { logits in
            maskedCategoricalCrossEntropy(logits: logits, labels: labels, mask: mask, alpha: alpha)
        }
        assertMatches(loss, "loss", in: fixture)
        assertMatches(gradient, "grad.logits", in: fixture)

        let indices = (0..<labels.rows).map { row in
            (0..<classes).first { labels.scalars[row * classes + $0] == 1 } ?? -1
        }
        let (indexLoss, indexGradient) = valueWithGradient(at: fixture.tensor("logits")) { logits in
            maskedCategoricalCrossEntropy(logits: logits, classIndices: indices, mask: mask, alpha: alpha)
        }
        assertMatches(indexLoss, "loss", in: fixture)
        assertMatches(indexGradient, "grad.logits", in: fixture)
    }

    func testBetaVAECapacityLossMatchesPyTorch() throws {
        let fixture = try GoldenFixture.load("loss_beta_vae_capacity")
        let beta = fixture.number("beta"), capacity = fixture.number("capacity")
        let (loss, pullback) = valueWithPullback(at: fixture.tensor("reconstruction"), fixture.tensor("kl")) {
            betaVAELoss(reconstruction: $0, kl: $1, beta: beta, capacity: capacity)
        }
        let (reconstructionGradient, klGradient) = pullback(Tensor(1))
        assertMatches(loss, "batchMean", in: fixture)
        assertMatches(reconstructionGradient, "gradBatchMean.reconstruction", in: fixture)
        assertMatches(klGradient, "gradBatchMean.kl", in: fixture)
    }

    func testVABCLossMatchesPyTorch() throws {
        let fixture = try GoldenFixture.load("loss_vabc")
        let x = fixture.tensor("x"), labels = fixture.tensor("label")
        let gamma = fixture.number("gamma"), variance = fixture.number("variance")
        let (loss, pullback) = valueWithPullback(
            at: fixture.tensor("reconstruction"), fixture.tensor("mu"), fixture.tensor("logVar")
        ) { reconstruction, mu, logVar in
            vabcLoss(kl: klDivergenceFromStandardNormal(mean: mu, logVariance: logVar),
                     reconstructionError: gaussianReconstructionError(of: x, reconstruction: reconstruction,
                                                                      variance: variance),
                     labels: labels, gamma: gamma)
        }
        let (reconstructionGradient, muGradient, logVarGradient) = pullback(Tensor(1))
        assertMatches(loss, "batchMean", in: fixture)
        assertMatches(reconstructionGradient, "gradBatchMean.reconstruction", in: fixture)
        assertMatches(muGradient, "gradBatchMean.mu", in: fixture)
        assertMatches(logVarGradient, "gradBatchMean.logVar", in: fixture)
    }

    // MARK: One training step of the semi-supervised VAE

    func testSemiSupervisedStepMatchesPyTorch() throws {
        let fixture = try GoldenFixture.load("semisupervised_step")
        let model = SmallSemiSupervisedVAE(fixture)
        let x = fixture.tensor("x"), noise = fixture.tensor("epsilon")
        let labels = fixture.tensor("labels"), mask = fixture.tensor("mask"), alpha = fixture.number("alpha")
        let (loss, gradient) = valueWithGradient(at: model) { model in
            model.loss(x: x, noise: noise, labels: labels, mask: mask, alpha: alpha)
        }
        assertMatches(loss, "loss", in: fixture)
        assertParameterGradients(gradient, of: model, in: fixture)

        var rmsprop = RMSprop(for: model, learningRate: fixture.number("rmspropLearningRate"),
                              rho: fixture.number("rmspropRho"), momentum: 0,
                              epsilon: fixture.number("rmspropEpsilon"))
        var afterRMSprop = model
        rmsprop.update(&afterRMSprop, along: gradient)
        assertSteps(from: model, to: afterRMSprop, match: "rmsprop", in: fixture)

        var adam = Adam(for: model, learningRate: fixture.number("adamLearningRate"),
                        beta1: fixture.number("adamBeta1"), beta2: fixture.number("adamBeta2"),
                        epsilon: fixture.number("adamEpsilon"))
        var afterAdam = model
        adam.update(&afterAdam, along: gradient)
        assertSteps(from: model, to: afterAdam, match: "adam", in: fixture)
    }

    /// Compares each parameter's change `after − before` with the reference change, within
    /// 1e-3 of the largest reference change: a first step moves every parameter by about the
    /// learning rate, so comparing the parameters themselves would hide a wrong step.
    private func assertSteps(from before: SmallSemiSupervisedVAE, to after: SmallSemiSupervisedVAE,
                             match optimizer: String, in fixture: GoldenFixture,
                             file: StaticString = #filePath, line: UInt = #line) {
        for path in SmallSemiSupervisedVAE.parameterPaths {
            let start = fixture.tensor("param.\(path.name)")
            let step = after[keyPath: path.value] - before[keyPath: path.value]
            let referenceStep = fixture.tensor("\(optimizer).\(path.name)") - start
            let largest = referenceStep.scalars.map(abs).max() ?? 0
            guard largest > 0 else {
                XCTFail("\(optimizer) \(path.name): the reference step is empty", file: file, line: line)
                continue
            }
            assertMatches(step * (1 / largest), referenceStep * (1 / largest), "\(optimizer) step of \(path.name)",
                          relativeTolerance: 1e-3, file: file, line: line)
        }
    }

    // MARK: Harness

    func testTheComparisonCatchesAPerturbedGradient() throws {
        // The golden comparison must be able to fail: one gradient entry off by 1e-2, or a NaN.
        let fixture = try GoldenFixture.load("dense_sigmoid")
        let reference = fixture.tensor("grad.weight")
        XCTAssertEqual(goldenGap(reference, reference)?.gap, 0)
        var perturbed = reference
        perturbed.scalars[3] += 1e-2
        let result = try XCTUnwrap(goldenGap(perturbed, reference))
        XCTAssertGreaterThan(result.gap, result.bound)
        XCTAssertEqual(result.index, 3)
        perturbed = reference
        perturbed.scalars[5] = .nan
        XCTAssertEqual(goldenGap(perturbed, reference)?.index, 5)
        XCTAssertNil(goldenGap(reference.reshaped(to: [reference.count]), reference))
    }
}

/// The dense semi-supervised VAE of semisupervised-vae Table 13 at the fixture's small widths:
/// encoder x → relu → relu, heads μ, logVar and class logits π, decoder on z ⊕ softmax(π)
/// → relu → relu → Bernoulli logits.
private struct SmallSemiSupervisedVAE: ParameterCollection {
    var encoder1: Dense
    var encoder2: Dense
    var mu: Dense
    var logVar: Dense
    var classLogits: Dense
    var decoder1: Dense
    var decoder2: Dense
    var decoderOutput: Dense

    init(_ fixture: GoldenFixture) {
        func dense(_ name: String, _ activation: Activation) -> Dense {
            Dense(weight: fixture.tensor("param.\(name).weight"), bias: fixture.tensor("param.\(name).bias"),
                  activation: activation)
        }
        encoder1 = dense("encoder1", .relu)
        encoder2 = dense("encoder2", .relu)
        mu = dense("mu", .linear)
        logVar = dense("logVar", .linear)
        classLogits = dense("classLogits", .linear)
        decoder1 = dense("decoder1", .relu)
        decoder2 = dense("decoder2", .relu)
        decoderOutput = dense("decoderOutput", .linear)
    }

    /// mean_i [−log p(x_i | z_i, π_i) + KL_i] + (α/#labeled) masked cross-entropy, with
    /// z = μ + exp(½ logVar) ⊙ noise.
    @differentiable(reverse, wrt: self)
    func loss(x: Tensor, noise: Tensor, labels: Tensor, mask: Tensor, alpha: Float) -> Tensor {
        let hidden = encoder2(encoder1(x))
        let mean = mu(hidden), logVariance = logVar(hidden), logits = classLogits(hidden)
        let z = reparameterize(mean: mean, logVariance: logVariance, noise: noise)
        let reconstructionLogits = decoderOutput(decoder2(decoder1(concatenateLastAxis(z, softmax(logits)))))
        let negativeELBO = klDivergenceFromStandardNormal(mean: mean, logVariance: logVariance)
            - bernoulliLogLikelihood(of: x, logits: reconstructionLogits)
        return negativeELBO.mean() + maskedCategoricalCrossEntropy(logits: logits, labels: labels, mask: mask,
                                                                   alpha: alpha)
    }

    static var parameterPaths: [ParameterPath<SmallSemiSupervisedVAE>] {
        Dense.parameters(at: \.encoder1, \.encoder1, named: "encoder1")
            + Dense.parameters(at: \.encoder2, \.encoder2, named: "encoder2")
            + Dense.parameters(at: \.mu, \.mu, named: "mu")
            + Dense.parameters(at: \.logVar, \.logVar, named: "logVar")
            + Dense.parameters(at: \.classLogits, \.classLogits, named: "classLogits")
            + Dense.parameters(at: \.decoder1, \.decoder1, named: "decoder1")
            + Dense.parameters(at: \.decoder2, \.decoder2, named: "decoder2")
            + Dense.parameters(at: \.decoderOutput, \.decoderOutput, named: "decoderOutput")
    }
}
