import Experiments
import Foundation

/// A section's cell hyperparameters as a typed, Codable struct: its coding keys are the keys
/// hashed into the cell id, so a struct and the dictionary of `CellConfiguration` are the same
/// configuration. Numbers pass through JSON unchanged (a Float setting is stored as the Double
/// of that Float, as every run file has it).
public protocol CellHyperparameters: Codable {
    /// Checks what decoding cannot (ranges, combinations); the default accepts everything.
    func validate(in cell: CellConfiguration) throws
}

extension CellHyperparameters {
    public func validate(in cell: CellConfiguration) throws {}

    /// The dictionary hashed into the cell id.
    public var dictionary: [String: HyperparameterValue] {
        do {
            let data = try JSONEncoder().encode(self)
            return try JSONDecoder().decode([String: HyperparameterValue].self, from: data)
        } catch {
            preconditionFailure("\(Self.self) does not encode as a flat JSON object: \(error)")
        }
    }

    /// Reads a cell's hyperparameters, naming the cell and the key at fault.
    public init(decoding cell: CellConfiguration) throws {
        do {
            let data = try JSONEncoder().encode(cell.hyperparameters)
            self = try JSONDecoder().decode(Self.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw StudyError.invalidArgument("cell \(cell.id) (\(cell.label)) lacks the hyperparameter '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw StudyError.invalidArgument("cell \(cell.id) (\(cell.label)): hyperparameter '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type (\(context.debugDescription))")
        } catch let DecodingError.dataCorrupted(context) {
            throw StudyError.invalidArgument("cell \(cell.id) (\(cell.label)): hyperparameter '\(context.codingPath.map(\.stringValue).joined(separator: "."))' is invalid (\(context.debugDescription))")
        }
        let known = Set(dictionary.keys), given = Set(cell.hyperparameters.keys)
        if let unknown = given.subtracting(known).sorted().first {
            throw StudyError.invalidArgument("cell \(cell.id) (\(cell.label)) has the hyperparameter '\(unknown)', which \(Self.self) does not know")
        }
        try validate(in: cell)
    }
}
