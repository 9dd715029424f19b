import NeuralLayers
import TensorCore

extension VariationalAutoencoder: LatentVariableModel {
    public func encode(_ inputs: Tensor, in context: ForwardContext)
        -> (mean: Tensor, logVariance: Tensor, classLogits: Tensor) {
        let top = encoder(inputs, in: context)
        let logits = hasClassifier ? classifier(top) : Tensor.zeros([inputs.rows, 0])
        guard hasDecoder else { return (Tensor.zeros([inputs.rows, 0]), Tensor.zeros([inputs.rows, 0]), logits) }
        return (latentMean(top), latentLogVariance(top), logits)
    }

    /// Class probabilities softmax(π) of the first head (`[batch, classes]`).
    public func classProbabilities(_ inputs: Tensor, in context: ForwardContext) -> Tensor {
        precondition(hasClassifier, "classProbabilities: model \(structureName) has no π layer")
        let logits = classifier(encoder(inputs, in: context))
        return heads.count == 1 ? softmax(logits) : softmax(logits.slicingLastAxis(columns(ofHead: 0)))
    }

    public func decode(latent: Tensor, classProbabilities: Tensor? = nil, in context: ForwardContext) -> Tensor {
        precondition(hasDecoder, "decode: model \(structureName) has no decoder")
        var input = latent
        if decoderReadsClasses {
            guard let probabilities = classProbabilities else {
                preconditionFailure("decode: model \(structureName) needs class probabilities next to z")
            }
            input = concatenateLastAxis(latent, probabilities)
        }
        return decoder(input, in: context)
    }

    /// The decoder's class input for logits: softmax of the heads that feed it.
    public func decoderClassProbabilities(fromLogits logits: Tensor) -> Tensor? {
        decoderReadsClasses ? decoderClassInput(logits) : nil
    }
}
