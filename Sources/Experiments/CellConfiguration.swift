import Crypto
import Foundation

/// The description of one experiment cell: one training run of one model, in one setting,
/// with one seed. Everything that changes the result belongs here, so that the id (a hash of
/// it) names the run file and a finished cell is never run again.
public struct CellConfiguration: Codable, Hashable, Sendable {
    /// The paper section (and the folder under `results/runs/`), e.g. `"semisupervised-table2"`.
    public var section: String
    public var dataset: String
    /// The model, as the paper names it (e.g. `"SS_D"`).
    public var model: String
    /// The setting within the table (e.g. `"100 labels"`).
    public var setting: String
    public var seed: UInt64
    public var profile: Profile
    /// Every hyperparameter of the run (epochs, batch size, learning rate, ...).
    public var hyperparameters: [String: HyperparameterValue]

    public init(section: String, dataset: String, model: String, setting: String, seed: UInt64,
                profile: Profile, hyperparameters: [String: HyperparameterValue] = [:]) {
        self.section = section
        self.dataset = dataset
        self.model = model
        self.setting = setting
        self.seed = seed
        self.profile = profile
        self.hyperparameters = hyperparameters
    }

    /// The canonical JSON text the id is hashed from: an object with the keys `dataset`,
    /// `hyperparameters` (an object), `model`, `profile` (its name), `section`, `seed`
    /// (an unsigned integer) and `setting`, in the form `CanonicalJSON` defines.
    public var canonicalJSON: String {
        CanonicalJSON.encode(.object([
            "section": .string(section),
            "dataset": .string(dataset),
            "model": .string(model),
            "setting": .string(setting),
            "seed": .unsigned(seed),
            "profile": .string(profile.rawValue),
            "hyperparameters": .object(hyperparameters.mapValues(CanonicalJSON.Value.init)),
        ]))
    }

    /// The cell's stable id: the first 16 hex digits (lowercase) of the SHA-256 of
    /// `canonicalJSON`'s UTF-8 bytes. The same configuration gives the same id on every
    /// machine and Swift version.
    public var id: String {
        let digest = SHA256.hash(data: Data(canonicalJSON.utf8))
        return digest.prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// A short human label for progress lines: `"SS_D 100 labels seed 2"`.
    public var label: String {
        [model, setting, "seed \(seed)"].filter { !$0.isEmpty }.joined(separator: " ")
    }
}
