import Randomness
import TensorCore

/// Weight initialisations. The papers used Keras, whose defaults we follow: Glorot-uniform
/// kernels and zero biases (semisupervised-vae/deviations.md).
public enum Initializer {
    /// Uniform in ±sqrt(6 / (fanIn + fanOut)) (Glorot & Bengio 2010).
    public static func glorotUniform(_ shape: [Int], fanIn: Int, fanOut: Int,
                                     using generator: inout SeededGenerator) -> Tensor {
        let limit = (6 / Float(fanIn + fanOut)).squareRoot()
        return Tensor.randomUniform(shape, lower: -limit, upper: limit, using: &generator)
    }
}
