import _Differentiation
import NeuralLayers
import Randomness
import TensorCore

/// A mini-batch for the semi-supervised objective. Labels of unlabeled points are ignored.
public struct SemiSupervisedBatch {
    /// `[batch, ...]` in the layout the encoder reads; also the reconstruction target.
    public var inputs: Tensor
    /// One-hot `[batch, classes]` (rows of unlabeled points may hold anything).
    public var labels: Tensor
    /// `[batch]`: 1 for a labeled point, 0 for an unlabeled one (α(y) of eq. 5).
    public var labeledMask: Tensor

    public init(inputs: Tensor, labels: Tensor, labeledMask: Tensor) {
        precondition(labels.rows == inputs.rows && labeledMask.shape == [inputs.rows],
                     "SemiSupervisedBatch: inputs \(inputs.shape), labels \(labels.shape), mask \(labeledMask.shape) disagree on the batch size")
        self.inputs = inputs
        self.labels = labels
        self.labeledMask = labeledMask
    }
}

/// The loss terms of one batch, read without derivatives for logging and NaN reports.
public struct LossTerms: Equatable, Sendable {
    public var reconstruction: Float = 0   // mean over the batch of −log p(x | z, π)
    public var kl: Float = 0                // mean over the batch of KL(q(z|x) ‖ N(0, I))
    public var classification: Float = 0   // eq. 5, already weighted by α
    public var total: Float { reconstruction + kl + classification }
}

/// The semi-supervised VAE of semisupervised-vae section 2 (Figure 1a) and its two
/// reductions ES and EU (Figures 1b, 1c), chosen by `variant`.
///
/// The encoder maps x to its topmost layer h. Three heads fork from h: the latent mean μ
/// and log-variance (a Gaussian posterior q(z|x)), and the classifier π. The decoder reads
/// the resampled z concatenated with softmax(π) (eq. 2). The loss is eq. 3:
/// `L = −E[log p(x | z, π)] + KL(q(z|x) ‖ N(0, I)) + L_cl`, with L_cl the cross-entropy of
/// the labeled points normalised by their number and weighted by `classWeight` (eq. 5).
public struct SemiSupervisedVAE<Encoder: ContextualLayer, Decoder: ContextualLayer>: ParameterCollection {
    public var encoder: Encoder
    public var latentMean: Dense
    public var latentLogVariance: Dense
    public var classifier: Dense
    public var decoder: Decoder
    @noDerivative public let variant: ModelVariant
    @noDerivative public let likelihood: Likelihood
    /// α of eq. 5: the weight of the classification term for a labeled point.
    @noDerivative public var classWeight: Float

    public init(encoder: Encoder, latentMean: Dense, latentLogVariance: Dense, classifier: Dense,
                decoder: Decoder, variant: ModelVariant, likelihood: Likelihood, classWeight: Float = 1) {
        self.encoder = encoder
        self.latentMean = latentMean
        self.latentLogVariance = latentLogVariance
        self.classifier = classifier
        self.decoder = decoder
        self.variant = variant
        self.likelihood = likelihood
        self.classWeight = classWeight
    }

    public var latentSize: Int { latentMean.outputSize }
    public var classCount: Int { classifier.outputSize }

    /// The training objective of one batch (eq. 3), a scalar. The terms are also written to
    /// `terms` (without derivatives) when given.
    @differentiable(reverse, wrt: self)
    public func loss(_ batch: SemiSupervisedBatch, in context: ForwardContext, terms: LossRecorder? = nil) -> Tensor {
        let top = encoder(batch.inputs, in: context)
        var total = Tensor.zero
        var decoderInput = Tensor.zero
        if variant.hasDecoder {
            let mean = latentMean(top)
            let logVariance = latentLogVariance(top)
            if let noise = context.latentNoise {
                decoderInput = reparameterize(mean: mean, logVariance: logVariance, noise: noise)
            } else {
                decoderInput = reparameterize(mean: mean, logVariance: logVariance, in: context)
            }
            let kl = klDivergenceFromStandardNormal(mean: mean, logVariance: logVariance).mean()
            terms?.terms.kl = withoutDerivative(at: kl).scalar
            total = total + kl
        }
        if variant.hasClassifier {
            let logits = classifier(top)
            // A sequence model predicts a class at every step (Table 15): each step of a
            // labeled window carries the window's label, and eq. 5 averages over them.
            let logitsShape = withoutDerivative(at: logits).shape
            let predictions = logitsShape.dropLast().reduce(1, *)
            let steps = predictions / batch.inputs.rows
            let crossEntropy = maskedCategoricalCrossEntropy(
                logits: logits.reshaped(to: [predictions, logitsShape[logitsShape.count - 1]]),
                labels: batch.labels.repeatingRows(steps), mask: batch.labeledMask.repeatingRows(steps),
                alpha: classWeight)
            terms?.terms.classification = withoutDerivative(at: crossEntropy).scalar
            total = total + crossEntropy
            if variant.decoderReadsClasses {
                decoderInput = concatenateLastAxis(decoderInput, softmax(logits))
            }
        }
        if variant.hasDecoder {
            let output = decoder(decoderInput, in: context)
            let reconstruction = -likelihood.logLikelihood(of: batch.inputs, given: output).mean()
            terms?.terms.reconstruction = withoutDerivative(at: reconstruction).scalar
            total = total + reconstruction
        }
        return total
    }

    public static var parameterPaths: [ParameterPath<SemiSupervisedVAE>] {
        Encoder.parameters(at: \.encoder, \.encoder, named: "encoder")
            + Dense.parameters(at: \.latentMean, \.latentMean, named: "latentMean")
            + Dense.parameters(at: \.latentLogVariance, \.latentLogVariance, named: "latentLogVariance")
            + Dense.parameters(at: \.classifier, \.classifier, named: "classifier")
            + Decoder.parameters(at: \.decoder, \.decoder, named: "decoder")
    }

    /// The parameters this variant trains (ES has no latent heads or decoder, EU no π).
    public var trainedParameterNames: [String] {
        Self.parameterPaths.map(\.name).filter { name in
            if !variant.hasClassifier && name.hasPrefix("classifier.") { return false }
            if !variant.hasDecoder && (name.hasPrefix("latent") || name.hasPrefix("decoder.")) { return false }
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

// Inference: what the metrics of the papers read off a trained model.
extension SemiSupervisedVAE {
    /// The encoder's outputs: μ, log σ², and the class logits (empty for EU).
    public func encode(_ inputs: Tensor, in context: ForwardContext)
        -> (mean: Tensor, logVariance: Tensor, classLogits: Tensor) {
        let top = encoder(inputs, in: context)
        let logits = variant.hasClassifier ? classifier(top) : Tensor.zeros([inputs.rows, 0])
        guard variant.hasDecoder else { return (Tensor.zeros([inputs.rows, 0]), Tensor.zeros([inputs.rows, 0]), logits) }
        return (latentMean(top), latentLogVariance(top), logits)
    }

    /// Class probabilities softmax(π) (`[batch, classes]`).
    public func classProbabilities(_ inputs: Tensor, in context: ForwardContext) -> Tensor {
        precondition(variant.hasClassifier, "classProbabilities: model \(variant.rawValue) has no π layer")
        return softmax(classifier(encoder(inputs, in: context)))
    }

    /// The decoder's distribution parameters for latent codes z (and class probabilities for SS).
    public func decode(latent: Tensor, classProbabilities: Tensor? = nil, in context: ForwardContext) -> Tensor {
        precondition(variant.hasDecoder, "decode: model \(variant.rawValue) has no decoder")
        var input = latent
        if variant.decoderReadsClasses {
            guard let probabilities = classProbabilities else {
                preconditionFailure("decode: model SS needs class probabilities next to z")
            }
            input = concatenateLastAxis(latent, probabilities)
        }
        return decoder(input, in: context)
    }

    /// log p(x | z = μ(x), π(x)) per example: the reconstruction score of the anomaly tables
    /// (higher = better explained; its negative is the anomaly score).
    public func reconstructionLogLikelihood(_ inputs: Tensor, in context: ForwardContext) -> Tensor {
        let (mean, _, logits) = encode(inputs, in: context)
        let output = decode(latent: mean, classProbabilities: variant.decoderReadsClasses ? softmax(logits) : nil,
                            in: context)
        return likelihood.logLikelihood(of: inputs, given: output)
    }
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
