import VAEModels

/// The hyperparameters semisupervised-vae fixes for all its image models (appendix A and
/// papers/semisupervised-vae/deviations.md), recorded in every cell of its two study modules.
public enum PaperOneSettings {
    /// α of eq. 5: the number of input features, so that the classification term weighs like
    /// a per-pixel reconstruction loss, as the paper's section 4 rule asks (deviations.md).
    public static func classWeight(inputFeatures: Int) -> Float { Float(inputFeatures) }
    public static let learningRate: Float = 5e-4
    /// Appendix A.3: the recurrent model (UCI-HAR) trains with 0.001.
    public static let recurrentLearningRate: Float = 1e-3
    public static let rho: Float = 0.9
    public static let batchSize = 100
}

/// The output distribution a cell records (a hashed hyperparameter that the cell reads back).
public enum LikelihoodName: String, Codable, Sendable {
    case bernoulli
    /// Table 15: a Gaussian per feature and step with a learned variance.
    case gaussianLearnedVariance = "gaussian-learned-variance"
}

/// How a cell draws its labelled points.
public enum LabelSampling: String, Codable, Sendable {
    /// The same number of labels per class (`Splits.labeledSubset(balanced: true)`).
    case classBalanced = "class-balanced"
    /// A fraction of every class (`Splits.stratifiedSubset`).
    case stratified
}


extension LikelihoodName {
    public var likelihood: Likelihood {
        switch self {
        case .bernoulli: return .bernoulli
        case .gaussianLearnedVariance: return .gaussianLearnedVariance
        }
    }
}

/// The training keys every paper-1 cell hashes (`epochs`, `batch_size`, `learning_rate`,
/// `rmsprop_rho`, `class_weight`), read into the settings of the training loop in one place.
public protocol PaperOneTrainingHyperparameters: CellHyperparameters {
    var epochs: Int { get }
    var batchSize: Int { get }
    var learningRate: Double { get }
    var rmspropRho: Double { get }
    /// α of eq. 5.
    var classWeight: Double { get }
}

extension PaperOneTrainingHyperparameters {
    public var settings: TrainingSettings {
        TrainingSettings(epochs: epochs, batchSize: batchSize, learningRate: Float(learningRate), rho: Float(rmspropRho),
                         classWeight: Float(classWeight))
    }
}
