/// What a `VariationalAutoencoder` minimises besides its heads' cross-entropies. The weight of
/// the KL term is the model's `klWeight` in every case.
public enum Objective: Equatable, Sendable, Codable {
    /// The negative ELBO, `−E[log p(x | z, π)] + w·KL` (semisupervised-vae eq. 3 with w = 1).
    case elbo
    /// The β-VAE objective with a capacity target C in nats, `−E[log p(x | z)] + β·|KL − C|`
    /// (Burgess et al. 2018; anodm eq. 1). C = 0 is the plain β-VAE of Higgins et al.
    case betaCapacity(capacity: Float)
    /// V-ABC (vabc IV-B): `w·KL + y·L − (1 − y)·log(1 − e^{−γL})` with `L = ‖x − x̂‖²/(2σ²)`,
    /// x̂ the mean of the decoder's distribution and y from the batch (1 wanted, 0 unwanted).
    case vabc(gamma: Float, variance: Float)
}
