import NeuralLayers
import TensorCore

/// Inference over many examples a chunk at a time, in the inference phase: the one place
/// that cuts images into batches for evaluation (accuracy, anomaly scores, class
/// probabilities).
public enum BatchedInference {
    /// The inference context: running statistics, no dropout, no random draws.
    public static func context() -> ForwardContext {
        ForwardContext(phase: .inference, generator: SeededGeneratorBox(seed: 0))
    }

    /// Calls `body(first, inputs)` with `[rows] + exampleShape` tensors of at most `chunk`
    /// consecutive examples of `values` (`count · ∏ exampleShape` values, one after another).
    public static func forEachChunk(of values: [Float], exampleShape: [Int], chunk: Int = 500,
                                    _ body: (Int, Tensor) throws -> Void) rethrows {
        let size = exampleShape.reduce(1, *)
        precondition(size > 0 && values.count % size == 0 && chunk >= 1,
                     "BatchedInference: \(values.count) values are not whole examples of shape \(exampleShape)")
        let count = values.count / size
        var first = 0
        while first < count {
            let rows = min(chunk, count - first)
            try body(first, Tensor(shape: [rows] + exampleShape, scalars: Array(values[(first * size)..<((first + rows) * size)])))
            first += rows
        }
    }

    /// The rows of `f(chunk)` for every chunk, concatenated: `[count · width]`.
    public static func map(_ values: [Float], exampleShape: [Int], chunk: Int = 500,
                           _ f: (Tensor) -> Tensor) -> [Float] {
        var out: [Float] = []
        forEachChunk(of: values, exampleShape: exampleShape, chunk: chunk) { _, inputs in out += f(inputs).scalars }
        return out
    }
}
