import Datasets
import Experiments
import StudyKit

/// What a profile means for `anodm-heatmaps`: seeds, epochs, data sizes, the β grid and the
/// size of the joint t-SNE map.
///
/// - paper: the paper's protocol: every class of MNIST and Fashion-MNIST held out in turn, the
///   whole β grid for every class (the paper picks β per class), 20 epochs, the t-SNE map on
///   5,000 normal training points with all 10,000 test points (the size of the paper's
///   Figure 3), 1,000 t-SNE iterations, 3 seeds (the paper states none).
/// - quick: the default of `make figures`: every class (of MNIST, Fashion-MNIST, CIFAR-10 and
///   Small-NORB's five categories, where their files are) at the fixed β of the honest protocol
///   only, the β grid only for the two heatmap classes (MNIST digit 7, Fashion-MNIST "Dress"),
///   3 epochs (an epoch of 54,000 images is about 30 s on 2 cores; 34 cells of 3 epochs and
///   a 23 s evaluation each keep one seed near an hour), a map of 3,000 training + 10,000
///   test points, 3 seeds (as every section's quick profile: fewer make every spread fragile).
/// - smoke: for tests: subsets of 2,000 training and 600 test images, classes 3 and 7 held out
///   in each data set (its heatmap class and one more), two β for the heatmap class, one epoch,
///   300 map points and 300 t-SNE iterations.
public struct AnoDMProfilePlan: Sendable {
    public let profile: Profile

    public init(_ profile: Profile) { self.profile = profile }

    /// The latent size (the paper gives none; deviations.md): 10, one dimension per class of
    /// the data sets, as a plain PyTorch re-implementation used.
    public static let latentSize = 10

    /// The β of the protocol without test-set selection, fixed before any run: 0.01, the β the
    /// paper's own Table 2 picks most often (11 of its 20 MNIST and Fashion-MNIST rows).
    public static let fixedBeta = 0.01

    /// The β grid of the heatmaps (Figure 2's rows; Figure 3's six maps are a subset).
    public static let betaGrid = [0.01, 0.05, 0.1, 0.3, 1, 2, 4, 10]


    public var seeds: [UInt64] { profile == .smoke ? [1] : [1, 2, 3] }

    public var epochs: Int {
        switch profile {
        case .smoke: return 1
        case .quick: return 3
        case .paper: return 20
        }
    }

    /// Every class of the data set held out in turn (the smoke profile: two of them).
    public func heldOutClasses(of dataset: AnoDMDataset) -> [Int] {
        profile == .smoke ? [3, 7].filter { $0 < dataset.classCount } : Array(0..<dataset.classCount)
    }

    /// The β of a class's cells: the whole grid for the heatmap classes (and for every class in
    /// the paper profile), else the fixed β.
    public func betas(heatmap: Bool) -> [Double] {
        if profile == .smoke { return heatmap ? [Self.fixedBeta, 1] : [Self.fixedBeta] }
        return heatmap || profile == .paper ? Self.betaGrid : [Self.fixedBeta]
    }

    public var trainImages: Int? { profile == .smoke ? 2_000 : nil }
    public var testImages: Int? { profile == .smoke ? 600 : nil }

    public var mapTrainingPoints: Int {
        switch profile {
        case .smoke: return 300
        case .quick: return 3_000
        case .paper: return 5_000
        }
    }

    public var tsneIterations: Int { profile == .smoke ? 300 : 1_000 }
}
