/// The three models of semisupervised-vae Figure 1: three ways to build the one
/// `VariationalAutoencoder`.
public enum ModelVariant: String, Codable, CaseIterable, Sendable {
    /// (a) SS: encoder, latent μ/σ, classifier π on the top encoder layer, decoder on z ⊕ π;
    /// loss ELBO + masked cross-entropy (eq. 3–5).
    case semiSupervised = "SS"
    /// (b) ES: encoder and π only; cross-entropy on the labeled points.
    case supervisedEncoder = "ES"
    /// (c) EU: a plain VAE, decoder on z; ELBO only.
    case unsupervisedVAE = "EU"

    /// Whether the π layer and its loss are part of the model.
    public var hasClassifier: Bool { self != .unsupervisedVAE }
    /// Whether the latent layer, decoder and ELBO are part of the model.
    public var hasDecoder: Bool { self != .supervisedEncoder }
    /// Whether the decoder reads the class probabilities next to z (eq. 2).
    public var decoderReadsClasses: Bool { self == .semiSupervised }

    /// The model's classifier heads: one π of `classCount` classes (feeding the decoder for
    /// SS), or none for EU.
    public func heads(classCount: Int) -> [ClassifierHead] {
        hasClassifier ? [ClassifierHead(name: "class", classCount: classCount, feedsDecoder: decoderReadsClasses)] : []
    }
}
