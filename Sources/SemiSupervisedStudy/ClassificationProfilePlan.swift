import Experiments
import StudyKit
import VAEModels

/// What a profile means for the classification sections: seeds, epochs and data sizes.
///
/// - paper: the paper's protocol: 10 seeds (10 labeled subsets), SS 10 epochs, ES 20 epochs
///   (section 3.1.1; the same for the all-label tables, whose "until converged" the paper
///   does not quantify), full data.
/// - quick: the default of `make figures`, about 1.5 hours on 2 cores for both sections: 3 seeds
///   so every number has a spread and a t-test that one odd seed does not decide; 30 % of the paper's epochs (SS 3, ES 6); the
///   dense models on the full data; the convolutional models, about 15 times slower per step,
///   on the first 5,000 training images, 20 % of the epochs (SS 2, ES 4), scored on the first
///   2,000 test images.
/// - smoke: for tests: one seed, one epoch, 2,000 training and 200 test images.
public struct ClassificationProfilePlan: Sendable {
    public let profile: Profile

    public init(_ profile: Profile) { self.profile = profile }

    public var seeds: [UInt64] {
        switch profile {
        case .smoke: return [1]
        case .quick: return [1, 2, 3]
        case .paper: return Array(1...10)
        }
    }

    public func epochs(for model: ModelName) -> Int {
        let paperEpochs = model.variant == .supervisedEncoder ? 20 : 10
        switch profile {
        case .smoke: return 1
        case .paper: return paperEpochs
        case .quick: return model.architecture == .convolutional ? paperEpochs / 5 : paperEpochs * 3 / 10
        }
    }

    /// The first N training images (nil: all of them).
    public func trainImages(for model: ModelName) -> Int? {
        switch profile {
        case .smoke: return 2_000
        case .paper: return nil
        case .quick: return model.architecture == .convolutional ? 5_000 : nil
        }
    }

    /// The first N test images (nil: all 10,000).
    public func testImages(for model: ModelName) -> Int? {
        switch profile {
        case .smoke: return 200
        case .paper: return nil
        case .quick: return model.architecture == .convolutional ? 2_000 : nil
        }
    }
}
