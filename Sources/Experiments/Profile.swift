/// How much of a section's protocol a run carries out. Sections choose the seeds, epochs and
/// data subsets for each profile; the profile is part of every cell's configuration, so runs
/// of different profiles never share a run file.
public enum Profile: String, Codable, CaseIterable, Sendable, CustomStringConvertible {
    /// Tiny data subsets and one or two epochs, for tests of the pipeline: every section's
    /// whole pipeline (train, collect, report, figures) in under 3 minutes. Numbers are not
    /// meant to match the papers.
    case smoke
    /// The default of `make figures`: every table and figure of the papers, with fewer seeds
    /// and epochs than the papers used, so a laptop finishes in hours rather than days.
    case quick
    /// The papers' full protocol: their epochs and data, 10 seeds per cell.
    case paper

    /// Parses a profile name (`smoke`, `quick`, `paper`).
    public init(parsing name: String) throws {
        guard let profile = Profile(rawValue: name) else {
            throw ProfileError.unknown(name)
        }
        self = profile
    }

    public var description: String { rawValue }
}

public enum ProfileError: Error, CustomStringConvertible, Equatable {
    case unknown(String)

    public var description: String {
        switch self {
        case .unknown(let name):
            let valid = Profile.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown profile '\(name)'; valid profiles: \(valid)"
        }
    }
}
