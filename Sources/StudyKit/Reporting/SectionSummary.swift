import Experiments
import Foundation

/// The headline of a section for results/README.md.
public struct SectionSummary: Codable, Equatable, Sendable {
    public var section: String
    public var title: String
    public var profile: String
    public var seeds: Int
    public var runs: Int
    public var headlines: [String]
    /// Where some numbers come from the paper profile (`ProfileChoice.note`); nil otherwise.
    public var profileNote: String?

    public init(section: String, title: String, profile: String, seeds: Int, runs: Int, headlines: [String],
                profileNote: String? = nil) {
        self.profileNote = profileNote
        self.section = section
        self.title = title
        self.profile = profile
        self.seeds = seeds
        self.runs = runs
        self.headlines = headlines
    }

    /// The summary in `url`, or nil when there is none (or it cannot be read).
    public static func read(from url: URL) -> SectionSummary? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(SectionSummary.self, from: data)
    }

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(self), to: url)
    }
}

