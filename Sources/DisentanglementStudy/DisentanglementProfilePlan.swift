import Experiments
import StudyKit

/// One row of Table 12: how many labelled points, and whether the unlabelled pool is used.
public struct LabelRow: Hashable, Sendable, CustomStringConvertible {
    public var labeled: Int
    /// Whether the ~38,000 unlabelled points are trained on (false: the supervised-only row).
    public var withUnlabeledPool: Bool

    public init(labeled: Int, withUnlabeledPool: Bool = true) {
        self.labeled = labeled
        self.withUnlabeledPool = withUnlabeledPool
    }

    /// "0 labeled", "1000 labeled", "1000 labeled, no unlabeled" (the cells' `setting`).
    public var description: String { "\(labeled) labeled" + (withUnlabeledPool ? "" : ", no unlabeled") }

    /// Table 12's six rows, in the paper's order.
    public static let table12: [LabelRow] = [0, 100, 300, 1000, 3000].map { LabelRow(labeled: $0) }
        + [LabelRow(labeled: 1000, withUnlabeledPool: false)]
}

/// What a profile means for `betavae-smallnorb`: seeds, training length, pool size and how
/// many βVAE points are drawn. The paper states none of the training lengths (section 4,
/// appendix A.4); papers/semisupervised-vae/deviations.md gives our reading.
///
/// - paper: 5 seeds per row; 20 epochs of 1,187 steps (one pass over the 38,000-point pool per
///   epoch at batch 32); both score protocols at full size (2,048 + 2,048 and 10,000 + 5,000
///   points). About 11 hours per cell on 2 cores at first, about 7–9 since the output layer
///   skips im2col (0.9–1.2 s a 96×96×2 step in `make bench`, 2026-12-02): for a cluster
///   (`--shard`).
/// - quick: the default of `make figures`, about 40 minutes on 2 shared cores for the twelve
///   dSprites cells with 2 seeds, about an hour with 3 (Small-NORB is absent here): 3 seeds per
///   row, as every section's quick profile (2 made every spread and t-test fragile); 2 epochs
///   of 15 steps (960 observations: a very short run; a step of the 64×64 model took 1.7 s on
///   an idle machine and 3.6 s beside another helper's builds when the profile was set, 0.3–0.4 s
///   in `make bench` since the output layer skips im2col); the paper's
///   protocol with 1/32 of its points (64 + 64) and disentanglement_lib's with 1/78 (128 + 64),
///   drawn once and shared (0.09 s per point idle, up to 0.8 s under load).
/// - smoke: for tests: one seed, three rows (0 and 100 labelled with the pool, 100 alone), one
///   epoch of 3 steps, a pool of 2,000 points, 16–32 score points per protocol (with 2 steps,
///   2 statistics batches or 8 evaluation points the smoke scores fell to chance: too little).
public struct DisentanglementProfilePlan: Sendable {
    public let profile: Profile

    public init(_ profile: Profile) { self.profile = profile }

    public var seeds: [UInt64] {
        switch profile {
        case .smoke: return [1]
        case .quick: return [1, 2, 3]
        case .paper: return Array(1...5)
        }
    }

    public var rows: [LabelRow] {
        profile == .smoke ? [LabelRow(labeled: 0), LabelRow(labeled: 100), LabelRow(labeled: 100, withUnlabeledPool: false)]
                          : LabelRow.table12
    }

    /// The data sets whose cells the section holds (Small-NORB runs where its files are).
    public var datasets: [FactorDataName] { [.dSprites, .smallNORB] }

    /// Section 4's "about 38,000 unlabeled datapoints".
    public var poolSize: Int { profile == .smoke ? 2_000 : 38_000 }

    public var epochs: Int {
        switch profile {
        case .smoke: return 1
        case .quick: return 2
        case .paper: return 20
        }
    }

    public var stepsPerEpoch: Int {
        switch profile {
        case .smoke: return 3
        case .quick: return 15
        case .paper: return 38_000 / DisentanglementSettings.batchSize
        }
    }

    /// Training batches the batch-norm population statistics are measured on after each epoch
    /// (`PopulationStatistics`; 5 × 32 = 160 observations, fewer than the other sections' 20
    /// batches to keep the quick runs short).
    public var statisticsBatches: Int { 5 }

    /// The two score protocols, at this profile's size.
    public var scoreProtocols: [ScoreProtocolSize] {
        switch profile {
        case .smoke:
            return [ScoreProtocolSize(name: "paper", trainingPoints: 16, evaluationPoints: 16),
                    ScoreProtocolSize(name: "disentanglement_lib", trainingPoints: 32, evaluationPoints: 16)]
        case .quick:
            return [ScoreProtocolSize(name: "paper", trainingPoints: 64, evaluationPoints: 64),
                    ScoreProtocolSize(name: "disentanglement_lib", trainingPoints: 128, evaluationPoints: 64)]
        case .paper:
            return [ScoreProtocolSize(name: "paper", trainingPoints: 2048, evaluationPoints: 2048),
                    ScoreProtocolSize(name: "disentanglement_lib", trainingPoints: 10_000, evaluationPoints: 5_000)]
        }
    }
}

/// A score protocol's name and point counts.
public struct ScoreProtocolSize: Equatable, Sendable {
    public var name: String
    public var trainingPoints: Int
    public var evaluationPoints: Int
}

/// The settings section 4 fixes for every row (papers/semisupervised-vae/deviations.md).
public enum DisentanglementSettings {
    /// Appendix A.4: RMSprop, lr 0.001, rho 0.9.
    public static let learningRate = 0.001
    public static let rho = 0.9
    /// Not stated for Small-NORB; 32, so that the short quick runs take more steps.
    public static let batchSize = 32
    /// β_norm, the KL weight: the paper's optimum on its unsupervised row, 0.25.
    public static let klWeight = 0.25
    /// Pairs per βVAE point (section 4: "2×64 batches").
    public static let scoreBatch = 64

    /// α, the weight of every head's cross-entropy, set once from the unsupervised row by the
    /// paper's rule (its average contribution of the order of the reconstruction loss):
    /// α = R / Σₖ ln nₖ, with R the final reconstruction loss (nats per observation) of the
    /// quick profile's unsupervised dSprites row, seed 1, and Σₖ ln nₖ the heads' cross-entropy
    /// before they learn (13.51 nats for dSprites' five factors), rounded to one significant
    /// digit. The report recomputes the rule from its own unsupervised runs beside the value.
    /// Small-NORB's α is the same weight per input value (× 18,432 / 4,096) until its own
    /// unsupervised row has been run where the data is.
    public static func classWeight(for dataset: FactorDataName) -> Double {
        switch dataset {
        case .dSprites: return dSpritesClassWeight
        case .smallNORB: return dSpritesClassWeight * 18_432 / 4_096
        }
    }
    static let dSpritesClassWeight = 20.0
    /// Where `dSpritesClassWeight` came from (printed by the report).
    public static let classWeightOrigin = "R = 287.6 nats in a pilot of the quick unsupervised dSprites row, seed 1, trained 2 epochs of 20 steps, so α = 287.6 / 13.51 = 21.3, rounded to 20"
}
