import Randomness

/// The random streams of one run, derived from its seed so each purpose has its own: the
/// labelled subset does not change when the initialisation does, and so on. Every stream's
/// seed is recorded in the run file.
public struct RunStreams {
    public let seed: UInt64
    public init(seed: UInt64) { self.seed = seed }
    public var labels: SeededGenerator { SeededGenerator(seed: seed).derived("labels") }
    public var initialisation: SeededGenerator { SeededGenerator(seed: seed).derived("initialisation") }
    public var batches: SeededGenerator { SeededGenerator(seed: seed).derived("batches") }
    public var noise: SeededGenerator { SeededGenerator(seed: seed).derived("noise") }
    /// The training batches on which batch-normalisation statistics are measured.
    public var statistics: SeededGenerator { SeededGenerator(seed: seed).derived("statistics") }
    /// A stream for a purpose of the section's own (scoring draws, feedback order, ...).
    public func stream(_ purpose: String) -> SeededGenerator { SeededGenerator(seed: seed).derived(purpose) }
    public var recorded: [String: UInt64] {
        ["seed": seed, "labels": labels.seed, "initialisation": initialisation.seed,
         "batches": batches.seed, "noise": noise.seed, "statistics": statistics.seed]
    }
}
