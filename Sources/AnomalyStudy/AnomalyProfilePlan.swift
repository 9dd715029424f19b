import Experiments
import StudyKit

/// What a profile means for the semi-unsupervised section: seeds, epochs, data sizes and
/// which classes, label fractions and feedback amounts run.
///
/// - paper: the paper's protocol as far as it states one: every class held out, 10 seeds on
///   MNIST (Tables 5, 6; the paper gives no count, we use the 10 of its classification tables)
///   and 5 on Fashion-MNIST (Table 9: "rerunning every experiment five times"); 10 epochs, the
///   paper's SS epochs of section 3.1.1 (it states none for these tables); full data.
/// - quick: the default of `make figures`: the same grid with 3 seeds and 2 epochs, so every
///   number has a spread and a t-test on three values (with 2 seeds one run decided both);
///   about 47 minutes of training a seed on 2 cores. The feedback curves keep 2 seeds.
/// - smoke: for tests: one seed, one epoch, 2,000 training and 500 test images, two held-out
///   classes, two label fractions, one feedback curve.
public struct AnomalyProfilePlan: Sendable {
    public let profile: Profile

    public init(_ profile: Profile) { self.profile = profile }

    public func seeds(for dataset: ImageDatasetName) -> [UInt64] {
        switch profile {
        case .smoke: return [1]
        case .quick: return [1, 2, 3]
        case .paper: return dataset == .mnist ? Array(1...10) : Array(1...5)
        }
    }

    public var epochs: Int {
        switch profile {
        case .smoke: return 1
        case .quick: return 2
        case .paper: return 10
        }
    }

    /// The first N training images (nil: all 60,000), before the held-out class is removed.
    public var trainImages: Int? { profile == .smoke ? 2_000 : nil }

    /// The first N test images (nil: all 10,000).
    public var testImages: Int? { profile == .smoke ? 500 : nil }

    /// The classes held out in turn for Tables 5 and 9.
    public var heldOutClasses: [Int] { profile == .smoke ? [1, 7] : Array(0..<10) }

    /// Table 6: the label fractions and the anomalous classes (the paper's 7 and 9).
    public var labelFractions: [Double] { profile == .smoke ? [0.10, 0.99] : [0.01, 0.10, 0.25, 0.50, 0.75, 0.99] }
    public var labelFractionClasses: [Int] { profile == .smoke ? [7] : [7, 9] }

    /// Section 5 (not from the paper): the held-out MNIST classes, the seeds and the feedback
    /// amounts (false positives and false negatives each) of the feedback curves. Digit 1 is the
    /// detector's worst case (AUC far below 0.5), digit 7 a middling one.
    public var feedbackClasses: [Int] { profile == .smoke ? [7] : [1, 7] }
    public var feedbackSeeds: [UInt64] { profile == .paper ? Array(1...5) : (profile == .smoke ? [1] : [1, 2]) }
    public var feedbackAmounts: [Int] { profile == .smoke ? [0, 10] : [0, 10, 30, 100, 300] }

    /// Figures 2 and 3: one SS_D model per data set, trained on every class with every label.
    public var generationSeed: UInt64 { 1 }
}
