import Experiments

/// What a profile means for the V-ABC section: seeds, epochs, data sizes, which folds and γ run.
///
/// - paper: the paper's protocol: 3 seeds per MNIST cell (vabc VI), 10 on the moons, every
///   MNIST training image, up to 50 epochs with early stopping (the paper gives no maximum).
/// - quick: the default of `make figures`, sized for about 15 CPU-minutes on 2 shared cores:
///   the full grid with 3 MNIST seeds and 10 moons seeds, but MNIST cells train on the first
///   10,000 training images (9,000 after the validation share) for at most 6 epochs (E' = 5 of
///   them annealing), early stopping with patience 2; the judge trains on all 60,000 once (4 epochs).
///   Measured: about 10 s per MNIST cell, 2 s per moons cell (2 shared cores).
/// - smoke: for tests: one seed, the figure fold only (digit 8, p = 0.2), 3,000 images, 2 epochs,
///   1,000 samples, one swept γ; a judge of one epoch on the same 3,000 images.
public struct VABCProfilePlan: Sendable {
    public let profile: Profile

    public init(_ profile: Profile) { self.profile = profile }

    /// The share of each fold held out to validate MNIST cells (early stopping).
    public static let validationShare = 0.1

    public var moonsSeeds: [UInt64] { profile == .smoke ? [1] : Array(1...10) }
    public var mnistSeeds: [UInt64] { profile == .smoke ? [1] : [1, 2, 3] }
    public var negativeDigits: [Int] { profile == .smoke ? [8] : [1, 7, 8] }
    public var unwantedProportions: [Double] { profile == .smoke ? [0.2] : [0.1, 0.2, 0.3] }
    /// Figure 9 right: the final γ besides the paper's 0.05 (which the main cells run).
    public var sweptGammas: [Float] { profile == .smoke ? [0.5] : [0.01, 0.1, 0.5, 1] }

    public var mnistMaxEpochs: Int {
        switch profile {
        case .smoke: return 2
        case .quick: return 6
        case .paper: return 50
        }
    }

    public var patience: Int { profile == .paper ? 5 : 2 }

    /// The first N MNIST training images (nil: all).
    public var trainImages: Int? {
        switch profile {
        case .smoke: return 3_000
        case .quick: return 10_000
        case .paper: return nil
        }
    }

    /// N decoded prior samples per cell (the issue asks for at least 10,000).
    public var mnistSamples: Int { profile == .smoke ? 1_000 : 10_000 }
    public var moonsSamples: Int { 1_000 }

    /// One judge for every cell (its seed family).
    public var judgeSeed: UInt64 { 1 }
    /// The judge's training images (nil: all 60,000).
    public var judgeTrainImages: Int? { profile == .smoke ? 3_000 : nil }
    public var judgeEpochs: Int { profile == .smoke ? 1 : 4 }
}
