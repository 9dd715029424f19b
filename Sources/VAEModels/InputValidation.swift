import NeuralLayers
import TensorCore

/// An encoder that knows the shape of one example it reads, so a batch of the wrong data set
/// or layout is refused with a message before any computation.
public protocol InputDescribing {
    /// The shape of one example; `nil` entries accept any size (a sequence's length).
    var exampleShape: [Int?] { get }
}

/// A batch that does not fit the model it is given to.
public struct ModelInputError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

extension VariationalAutoencoder where Encoder: InputDescribing {
    /// Throws `ModelInputError` naming what does not fit: the example shape, the number of
    /// classes, or the label and mask rows.
    public func validate(_ batch: TrainingBatch) throws {
        let expected = encoder.exampleShape
        let got = Array(batch.inputs.shape.dropFirst())
        let fits = got.count == expected.count && zip(got, expected).allSatisfy { size, want in want.map { $0 == size } ?? true }
        guard fits else {
            let wanted = expected.map { $0.map(String.init) ?? "any" }.joined(separator: ", ")
            throw ModelInputError(description: "model \(structureName) reads examples of shape [\(wanted)], but the batch holds examples of shape \(got) (batch shape \(batch.inputs.shape))")
        }
        if hasClassifier && batch.labels.columns != classCount {
            throw ModelInputError(description: "model \(structureName) predicts \(classCount) classes, but the labels have \(batch.labels.columns) columns")
        }
    }
}

extension DenseEncoder: InputDescribing {
    public var exampleShape: [Int?] { [hidden1.inputSize] }
}

extension ConvolutionalEncoder: InputDescribing {
    public var exampleShape: [Int?] {
        let side = Int(Double(dense.inputSize / conv3.outputChannels).squareRoot()) * 2
        return [side, side, conv1.inputChannels]
    }
}

extension RecurrentEncoder: InputDescribing {
    public var exampleShape: [Int?] { [nil, inputProjection.inputSize] }
}
