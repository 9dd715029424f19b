/// A request the study cannot carry out, with the reason.
public enum StudyError: Error, CustomStringConvertible, Equatable {
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): return message
        }
    }
}
