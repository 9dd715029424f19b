import AnoDMStudy
import Datasets
import Experiments

/// What a profile means for `anodm-ecg`.
///
/// - paper: the paper's protocol: the stratified split at the published sizes (87,554 /
///   21,892), 50 epochs, every class held out with each encoder, the TCN over the whole β grid
///   of the images section for every class (Table 2 picks β per class), the map on 5,000 normal
///   training beats with every test beat, 3 seeds (the paper states none).
/// - quick: the default of `make figures`, sized from a measurement (a training step of 100
///   beats took 0.75 s with the TCN, 0.95 s with the LSTM and 0.1 s with the CNN on the 2 cores
///   beside another training run): a stratified sample of 12,000 normal training beats, one
///   epoch (120 steps), 4,000 test beats, a map of 2,000 training points; each encoder with
///   each class held out at the fixed β, the TCN on class F over a small β grid (Figures 2e,
///   8b), and the inter-patient cell; 3 seeds (as every section's quick profile). 19 cells a
///   seed: 42 minutes beside that other run.
/// - smoke: for tests: 600 training and 600 test beats, one epoch, 300 map points and 300 t-SNE
///   iterations; the three encoders on class Q, the TCN on class F at two β, the inter-patient cell.
public struct HeartbeatProfilePlan: Sendable {
    public let profile: Profile

    public init(_ profile: Profile) { self.profile = profile }

    /// The images section's latent size and fixed β (deviations.md), kept for the heartbeats.
    public static let latentSize = AnoDMProfilePlan.latentSize
    public static let fixedBeta = AnoDMProfilePlan.fixedBeta

    /// Figure 2e and 8b's class: F (fusion beats).
    public static let heatmapClass = Heartbeats.AAMIClass.f.rawValue
    /// Figure 6's class: Q (paced and unclassifiable beats).
    public static let caseStudyClass = Heartbeats.AAMIClass.q.rawValue
    /// The inter-patient cell's class: V (ventricular ectopic beats), the abnormal class with
    /// the most beats in both DS1 and DS2 (Q is almost all in the paced records, F is rare in DS2).
    public static let interPatientClass = Heartbeats.AAMIClass.v.rawValue

    /// One split for the whole profile.
    public static let splitSeed = 1

    public var seeds: [UInt64] { profile == .smoke ? [1] : [1, 2, 3] }

    public var epochs: Int {
        switch profile {
        case .smoke: return 1
        case .quick: return 1
        case .paper: return 50
        }
    }

    public var heldOutClasses: [Int] {
        profile == .smoke ? [Self.caseStudyClass] : Heartbeats.AAMIClass.allCases.map(\.rawValue)
    }

    /// The TCN's β for a class: a grid for the heatmap class (every class in the paper profile).
    public func tcnBetas(anomalous: Int) -> [Double] {
        switch profile {
        case .smoke: return anomalous == Self.heatmapClass ? [Self.fixedBeta, 1] : [Self.fixedBeta]
        case .quick: return anomalous == Self.heatmapClass ? [0.01, 0.1, 1, 10] : [Self.fixedBeta]
        case .paper: return AnoDMProfilePlan.betaGrid
        }
    }

    public var trainBeats: Int? {
        switch profile {
        case .smoke: return 600
        case .quick: return 12_000
        case .paper: return nil
        }
    }

    public var testBeats: Int? {
        switch profile {
        case .smoke: return 600
        case .quick: return 4_000
        case .paper: return nil
        }
    }

    public var mapTrainingPoints: Int {
        switch profile {
        case .smoke: return 300
        case .quick: return 2_000
        case .paper: return 5_000
        }
    }

    public var tsneIterations: Int { profile == .smoke ? 300 : 1_000 }
}
