import Datasets
import Foundation
import StudyKit

/// The factor data sets of the section: Small-NORB (the paper's) and dSprites (rendered here,
/// our experiment, so the protocol runs where Small-NORB is absent).
public enum FactorDataName: String, Codable, CaseIterable, Sendable, NamedChoice {
    case smallNORB = "smallnorb"
    case dSprites = "dsprites"

    public static let kind = "data set"

    public var title: String { self == .smallNORB ? "Small-NORB" : "dSprites (rendered)" }

    /// Table 16's input: the 96×96 stereo pair, or dSprites' 64×64 single channel.
    public var imageShape: (size: Int, channels: Int) { self == .smallNORB ? (96, 2) : (DSprites.imageSize, 1) }

    /// The latent factors and their value counts, in factor order (the π heads).
    public var heads: [(name: String, classCount: Int)] {
        switch self {
        case .smallNORB:
            return [0, 2, 3, 4].map { (SmallNORB.factorNames[$0], SmallNORB.factorSizes[$0]) }
        case .dSprites:
            return zip(DSprites.factorNames, DSprites.factorSizes).map { ($0, $1) }
        }
    }

    /// The data set as the data store names it (nil: rendered, always at hand).
    public var storedName: DatasetName? { self == .smallNORB ? .smallNORB : nil }
}

/// Loads a factor data set once for every cell of a run.
final class FactorDataCache {
    private var smallNORB: SmallNORBFactors?

    /// Both Small-NORB splits together (sizes [5, 10, 9, 18, 6], 48,600 stereo pairs), as
    /// disentanglement_lib uses them.
    func smallNORB(store: DataStore) throws -> SmallNORBFactors {
        if let smallNORB { return smallNORB }
        let loaded = try SmallNORBFactors([try SmallNORB.load(.training, store: store), try SmallNORB.load(.testing, store: store)])
        smallNORB = loaded
        return loaded
    }
}
