import _Differentiation
import TensorCore

/// A differentiable function with trainable parameters, called like the math it implements:
/// `decoder(concatenateLastAxis(z, pi))`.
public protocol Layer: ParameterCollection {
    associatedtype Input: Differentiable
    associatedtype Output: Differentiable

    @differentiable(reverse)
    func callAsFunction(_ input: Input) -> Output
}

/// A layer whose result depends on the learning phase or on random draws (batch
/// normalisation, dropout). The phase and the random stream are passed explicitly, never
/// held in global state, so a run is reproducible from its seed.
///
/// Besides the full derivative, a layer is differentiable with respect to its parameters
/// alone: an encoder reads the data, a constant, and with this derivative AD skips the first
/// layer's input gradient instead of computing and discarding it.
public protocol ContextualLayer: ParameterCollection {
    @differentiable(reverse)
    @differentiable(reverse, wrt: self)
    func callAsFunction(_ input: Tensor, in context: ForwardContext) -> Tensor
}

/// Training, inference, or the pass between them that measures batch-normalisation statistics.
public enum LearningPhase: Sendable {
    case training
    case inference
    /// Batch normalisation normalises with batch statistics and accumulates them into
    /// population statistics; dropout is off, as at inference (see `PopulationStatistics`).
    case estimatingStatistics
}

/// What a forward pass needs besides its input: the phase, and the random stream for
/// dropout and the reparameterisation trick.
public final class ForwardContext {
    public var phase: LearningPhase
    public var generator: SeededGeneratorBox
    /// When set, the reparameterisation uses this ε instead of drawing one: replays a fixed
    /// draw, as in the golden comparison of a full training step with PyTorch.
    public var latentNoise: Tensor?

    public init(phase: LearningPhase, generator: SeededGeneratorBox, latentNoise: Tensor? = nil) {
        self.phase = phase
        self.generator = generator
        self.latentNoise = latentNoise
    }

    /// Dropout and other training-only noise are on.
    public var isTraining: Bool { phase == .training }
    /// Batch normalisation normalises with the statistics of the batch at hand.
    public var usesBatchStatistics: Bool { phase != .inference }
}

import Randomness

/// A random stream shared by reference, so that layers deep inside a differentiable
/// function draw from the one stream of the run.
public final class SeededGeneratorBox {
    public var generator: SeededGenerator
    public init(_ generator: SeededGenerator) { self.generator = generator }
    public convenience init(seed: UInt64) { self.init(SeededGenerator(seed: seed)) }
}
