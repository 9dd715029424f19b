/// A name from a closed list (a data set, an experiment), read from the command line or a run
/// file: an unknown name is refused with the list of known ones.
public protocol NamedChoice: RawRepresentable, CaseIterable, Hashable where RawValue == String {
    /// What the names name, for the error: "data set", "experiment".
    static var kind: String { get }
}

extension NamedChoice {
    public init(parsing text: String) throws {
        guard let choice = Self(rawValue: text) else {
            throw StudyError.invalidArgument(
                "unknown \(Self.kind) '\(text)'; known: \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = choice
    }

    /// A comma-separated selection ("a, b"), every name checked; nil selects them all.
    public static func parsingList(_ text: String?) throws -> Set<Self> {
        guard let text else { return Set(allCases) }
        return Set(try text.split(separator: ",", omittingEmptySubsequences: false).map {
            try Self(parsing: $0.trimmingCharacters(in: .whitespaces))
        })
    }
}
