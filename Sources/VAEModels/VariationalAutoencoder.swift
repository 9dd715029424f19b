import _Differentiation
import NeuralLayers
import Randomness
import TensorCore

/// The one VAE definition of the three papers.
///
/// The encoder maps x to its topmost layer h. From h fork the latent mean μ and
/// log-variance (a Gaussian posterior q(z|x)) and, when the model has classifier heads, the
/// logits π of every head (semisupervised-vae Figure 1). The decoder reads the resampled z,
/// followed by softmax(π) of each head that feeds it (eq. 2). What is minimised is chosen by
/// `objective`:
///
/// - `.elbo`: `−E[log p(x | z, π)] + w·KL(q(z|x) ‖ N(0, I))` (w = `klWeight`, 1 in eq. 3);
/// - `.betaCapacity(C)`: `−E[log p(x | z)] + β·|KL − C|` (Burgess et al. 2018, β = `klWeight`;
///   anodm eq. 1);
/// - `.vabc(γ, σ²)`: `w·KL + y·L − (1 − y)·log(1 − e^{−γL})`, `L = ‖x − x̂‖²/(2σ²)` (vabc IV-B),
///   with y from the batch (1 wanted, 0 unwanted);
///
/// plus, for every head, the masked cross-entropy of its labelled points weighted by α
/// (`classWeight`, eq. 5). Paper 1's three models are three ways to build it
/// (`ModelVariant`): SS has a latent layer, a decoder and one head that feeds the decoder;
/// ES only the head; EU only the latent layer and decoder.
///
/// Every head's logits come from one `Dense` layer (`classifier`), its output the heads' class
/// counts side by side: a dense layer with k outputs is k independent columns, so this is
/// the same function as one layer per head, and the model stays a flat struct that reverse-mode
/// AD handles without arrays of layers.
public struct VariationalAutoencoder<Encoder: ContextualLayer, Decoder: ContextualLayer>: ParameterCollection {
    public var encoder: Encoder
    public var latentMean: Dense
    public var latentLogVariance: Dense
    /// The logits of every head, side by side on the last axis (`heads` says which columns).
    public var classifier: Dense
    public var decoder: Decoder
    /// The classifier heads, in the order of their columns; empty for a plain VAE.
    @noDerivative public let heads: [ClassifierHead]
    /// Whether the latent layer, the decoder and the reconstruction objective are part of the
    /// model (false for paper 1's ES, a plain classifier).
    @noDerivative public let hasDecoder: Bool
    @noDerivative public let likelihood: Likelihood
    @noDerivative public var objective: Objective
    /// The weight of the KL term: β of a β-VAE, β_norm of semisupervised-vae section 4, the
    /// annealed weight of V-ABC; 1 for the plain ELBO.
    @noDerivative public var klWeight: Float
    /// α of eq. 5: the weight of each head's cross-entropy on a labelled point.
    @noDerivative public var classWeight: Float

    public init(encoder: Encoder, latentMean: Dense, latentLogVariance: Dense, classifier: Dense, decoder: Decoder,
                heads: [ClassifierHead], hasDecoder: Bool, likelihood: Likelihood, objective: Objective = .elbo,
                klWeight: Float = 1, classWeight: Float = 1) {
        precondition(hasDecoder || !heads.isEmpty, "VariationalAutoencoder: a model needs a decoder or a classifier head")
        precondition(heads.isEmpty || heads.map(\.classCount).reduce(0, +) == classifier.outputSize,
                     "VariationalAutoencoder: the heads' \(heads.map(\.classCount).reduce(0, +)) classes do not match the classifier's \(classifier.outputSize) outputs")
        precondition(hasDecoder || heads.allSatisfy { !$0.feedsDecoder }, "VariationalAutoencoder: a head feeds a decoder the model does not have")
        self.encoder = encoder
        self.latentMean = latentMean
        self.latentLogVariance = latentLogVariance
        self.classifier = classifier
        self.decoder = decoder
        self.heads = heads
        self.hasDecoder = hasDecoder
        self.likelihood = likelihood
        self.objective = objective
        self.klWeight = klWeight
        self.classWeight = classWeight
    }

    /// Paper 1's Figure 1: SS, ES or EU with one head of `classifier.outputSize` classes.
    public init(encoder: Encoder, latentMean: Dense, latentLogVariance: Dense, classifier: Dense, decoder: Decoder,
                variant: ModelVariant, likelihood: Likelihood, classWeight: Float = 1) {
        self.init(encoder: encoder, latentMean: latentMean, latentLogVariance: latentLogVariance, classifier: classifier,
                  decoder: decoder, heads: variant.heads(classCount: classifier.outputSize), hasDecoder: variant.hasDecoder,
                  likelihood: likelihood, classWeight: classWeight)
    }

    public var latentSize: Int { latentMean.outputSize }
    /// The classes of all heads together (the columns of `classifier` when there are heads).
    public var classCount: Int { heads.isEmpty ? classifier.outputSize : heads.map(\.classCount).reduce(0, +) }
    public var hasClassifier: Bool { !heads.isEmpty }
    /// Whether the decoder reads class probabilities next to z (eq. 2).
    public var decoderReadsClasses: Bool { heads.contains { $0.feedsDecoder } }

    /// The paper-1 name of this structure (SS, ES, EU), or a description of the heads.
    public var structureName: String {
        switch (hasDecoder, heads.count, decoderReadsClasses) {
        case (true, 0, _): return ModelVariant.unsupervisedVAE.rawValue
        case (false, 1, _): return ModelVariant.supervisedEncoder.rawValue
        case (true, 1, true): return ModelVariant.semiSupervised.rawValue
        default: return "VAE with heads " + heads.map(\.name).joined(separator: ", ")
        }
    }

    /// The columns of `classifier` that hold head `index`'s logits.
    public func columns(ofHead index: Int) -> Range<Int> {
        let start = heads[..<index].map(\.classCount).reduce(0, +)
        return start..<(start + heads[index].classCount)
    }

    /// The training objective of one batch, a scalar. The terms are also written to `terms`
    /// (without derivatives) when given.
    @differentiable(reverse, wrt: self)
    public func loss(_ batch: TrainingBatch, in context: ForwardContext, terms: LossRecorder? = nil) -> Tensor {
        let top = encoder(batch.inputs, in: context)
        var total = Tensor.zero
        var decoderInput = Tensor.zero
        var klPerExample = Tensor.zero
        if hasDecoder {
            let mean = latentMean(top)
            let logVariance = latentLogVariance(top)
            if let noise = context.latentNoise {
                decoderInput = reparameterize(mean: mean, logVariance: logVariance, noise: noise)
            } else {
                decoderInput = reparameterize(mean: mean, logVariance: logVariance, in: context)
            }
            klPerExample = klDivergenceFromStandardNormal(mean: mean, logVariance: logVariance)
            if case .elbo = objective {
                let kl = klWeight == 1 ? klPerExample.mean() : klWeight * klPerExample.mean()
                terms?.terms.kl = withoutDerivative(at: kl).scalar
                total = total + kl
            }
        }
        if !heads.isEmpty {
            let logits = classifier(top)
            let crossEntropy = headsCrossEntropy(logits, batch)
            terms?.terms.classification = withoutDerivative(at: crossEntropy).scalar
            total = total + crossEntropy
            if decoderReadsClasses {
                decoderInput = concatenateLastAxis(decoderInput, decoderClassInput(logits))
            }
        }
        if hasDecoder {
            let output = decoder(decoderInput, in: context)
            total = total + reconstructionObjective(output, batch, klPerExample: klPerExample, terms: terms)
        }
        return total
    }

    /// Σ over heads of eq. 5 on the head's own labelled points. A sequence model predicts a
    /// class at every step (Table 15): each step of a labelled window carries the window's
    /// label, and eq. 5 averages over them.
    @differentiable(reverse, wrt: logits)
    func headsCrossEntropy(_ logits: Tensor, _ batch: TrainingBatch) -> Tensor {
        let logitsShape = withoutDerivative(at: logits).shape
        let predictions = logitsShape.dropLast().reduce(1, *)
        let steps = predictions / batch.inputs.rows
        let flat = logits.reshaped(to: [predictions, logitsShape[logitsShape.count - 1]])
        if heads.count == 1 {
            return maskedCategoricalCrossEntropy(
                logits: flat, labels: batch.labels.repeatingRows(steps),
                mask: batch.labelMasks[0].repeatingRows(steps), alpha: classWeight)
        }
        var total = Tensor.zero
        for index in withoutDerivative(at: heads.indices) {
            let columns = withoutDerivative(at: self.columns(ofHead: index))
            total = total + maskedCategoricalCrossEntropy(
                logits: flat.slicingLastAxis(columns),
                labels: batch.labels.slicingLastAxis(columns).repeatingRows(steps),
                mask: batch.labelMasks[index].repeatingRows(steps), alpha: classWeight)
        }
        return total
    }

    /// softmax(π) of the heads that feed the decoder, side by side.
    @differentiable(reverse, wrt: logits)
    func decoderClassInput(_ logits: Tensor) -> Tensor {
        if heads.count == 1 { return softmax(logits) }
        var input = Tensor.zero
        var first = true
        for index in withoutDerivative(at: heads.indices) where heads[index].feedsDecoder {
            let probabilities = softmax(logits.slicingLastAxis(withoutDerivative(at: columns(ofHead: index))))
            input = first ? probabilities : concatenateLastAxis(input, probabilities)
            first = false
        }
        return input
    }

    /// The objective's reconstruction part (and the KL for the objectives that weigh it per example).
    @differentiable(reverse, wrt: (output, klPerExample))
    func reconstructionObjective(_ output: Tensor, _ batch: TrainingBatch, klPerExample: Tensor,
                                 terms: LossRecorder?) -> Tensor {
        switch objective {
        case .elbo:
            let reconstruction = -likelihood.logLikelihood(of: batch.inputs, given: output).mean()
            terms?.terms.reconstruction = withoutDerivative(at: reconstruction).scalar
            return reconstruction
        case .betaCapacity(let capacity):
            let reconstruction = -likelihood.logLikelihood(of: batch.inputs, given: output)
            terms?.terms.reconstruction = withoutDerivative(at: reconstruction).mean().scalar
            terms?.terms.kl = withoutDerivative(at: klPerExample).mean().scalar
            return betaVAELoss(reconstruction: reconstruction, kl: klPerExample, beta: klWeight, capacity: capacity)
        case .vabc(let gamma, let variance):
            let error = gaussianReconstructionError(of: batch.inputs, reconstruction: likelihood.mean(of: output),
                                                    variance: variance)
            let wanted = batch.wanted ?? Tensor(shape: [batch.inputs.rows], repeating: 1)
            terms?.terms.reconstruction = withoutDerivative(at: error).mean().scalar
            terms?.terms.kl = withoutDerivative(at: klPerExample).mean().scalar
            return vabcLoss(kl: klPerExample, reconstructionError: error, labels: wanted, gamma: gamma, klWeight: klWeight)
        }
    }

    public static var parameterPaths: [ParameterPath<VariationalAutoencoder>] {
        Encoder.parameters(at: \.encoder, \.encoder, named: "encoder")
            + Dense.parameters(at: \.latentMean, \.latentMean, named: "latentMean")
            + Dense.parameters(at: \.latentLogVariance, \.latentLogVariance, named: "latentLogVariance")
            + Dense.parameters(at: \.classifier, \.classifier, named: "classifier")
            + Decoder.parameters(at: \.decoder, \.decoder, named: "decoder")
    }

    /// The parameters this model trains (ES has no latent heads or decoder, EU no π).
    public var trainedParameterNames: [String] {
        Self.parameterPaths.map(\.name).filter { name in
            if heads.isEmpty && name.hasPrefix("classifier.") { return false }
            if !hasDecoder && (name.hasPrefix("latent") || name.hasPrefix("decoder.")) { return false }
            return true
        }
    }
}

/// Receives the loss terms of a forward pass (a reference, so a differentiable function can
/// report them as a side effect without their derivatives).
public final class LossRecorder {
    public var terms = LossTerms()
    public init() {}
}

/// The loss terms of one batch, read without derivatives for logging and NaN reports.
public struct LossTerms: Equatable, Sendable {
    public var reconstruction: Float = 0   // mean over the batch of −log p(x | z, π) (or V-ABC's L)
    public var kl: Float = 0                // mean over the batch of KL(q(z|x) ‖ N(0, I)), weighted for the ELBO
    public var classification: Float = 0   // eq. 5 summed over heads, already weighted by α
    public var total: Float { reconstruction + kl + classification }
}

extension Tensor {
    /// Each row repeated `times` times in place: `[n, ...] → [n·times, ...]`.
    func repeatingRows(_ times: Int) -> Tensor {
        if times == 1 { return self }
        let rowSize = count / rows
        var values = [Float]()
        values.reserveCapacity(count * times)
        for r in 0..<rows {
            let row = scalars[(r * rowSize)..<((r + 1) * rowSize)]
            for _ in 0..<times { values.append(contentsOf: row) }
        }
        var newShape = shape
        newShape[0] = rows * times
        return Tensor(shape: newShape, scalars: values)
    }
}
