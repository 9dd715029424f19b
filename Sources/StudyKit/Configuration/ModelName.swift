import VAEModels

/// The architectures of semisupervised-vae appendix A, as the paper abbreviates them (Table 2).
public enum ArchitectureKind: String, Codable, CaseIterable, Sendable {
    case dense = "D"            // Table 13
    case convolutional = "CNN"  // Table 14
    case recurrent = "RNN"      // Table 15 (UCI-HAR)

    /// The architectures of the image tables (Tables 13, 14).
    public static let imageArchitectures: [ArchitectureKind] = [.dense, .convolutional]
}

/// A model of Table 2, such as `SS_D` or `ES_CNN`.
public struct ModelName: Hashable, Codable, CustomStringConvertible, Sendable {
    public let variant: ModelVariant
    public let architecture: ArchitectureKind

    public init(_ variant: ModelVariant, _ architecture: ArchitectureKind) {
        self.variant = variant
        self.architecture = architecture
    }

    /// Parses `SS_D`, `ES_CNN`, `EU_D`, ...
    public init(parsing text: String) throws {
        let parts = text.split(separator: "_", maxSplits: 1).map(String.init)
        guard parts.count == 2, let variant = ModelVariant(rawValue: parts[0]),
              let architecture = ArchitectureKind(rawValue: parts[1]) else {
            let known = ModelVariant.allCases.flatMap { v in ArchitectureKind.allCases.map { "\(v.rawValue)_\($0.rawValue)" } }
            throw StudyError.invalidArgument("unknown model '\(text)'; known models: \(known.joined(separator: ", "))")
        }
        self.init(variant, architecture)
    }

    public var description: String { "\(variant.rawValue)_\(architecture.rawValue)" }
}

