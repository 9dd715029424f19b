/// One hyperparameter of a cell: a number, a string, a bool or a list of these, as in JSON.
///
/// Numbers are `Double`; integers up to 2^53 are exact, and `100` and `100.0` are the same
/// value (they encode to the same canonical bytes, so they give the same cell id).
public enum HyperparameterValue: Hashable, Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case array([HyperparameterValue])

    /// The number, when this is one.
    public var doubleValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The number as an `Int`, when this is an integral number that fits.
    public var intValue: Int? {
        guard case .number(let value) = self, value.rounded() == value,
              let exact = Int(exactly: value) else { return nil }
        return exact
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var arrayValue: [HyperparameterValue]? {
        if case .array(let value) = self { return value }
        return nil
    }
}

extension HyperparameterValue: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Bool before number: some decoders would read `true` as 1.
        if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([HyperparameterValue].self) {
            self = .array(value)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "a hyperparameter must be a number, a string, a bool or an array of these")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value):
            // Integral values are written without a fraction so run files read `"epochs" : 100`.
            if value.rounded() == value, abs(value) < 0x1p53, let exact = Int(exactly: value) {
                try container.encode(exact)
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        }
    }
}

extension HyperparameterValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral
{
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: HyperparameterValue...) { self = .array(elements) }
}

extension HyperparameterValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
            return value.description
        case .string(let value): return value
        case .bool(let value): return String(value)
        case .array(let values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        }
    }
}
