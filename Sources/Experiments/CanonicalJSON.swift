/// The canonical JSON form that cell ids are hashed from. It is defined here byte for byte so
/// that any language can reproduce an id (the tests pin it against Python's `hashlib`):
///
/// - UTF-8, no whitespace anywhere.
/// - Object keys sorted by their UTF-8 bytes (the same order as Unicode code points).
/// - Strings in double quotes; `"` and `\` escaped as `\"` and `\\`; the control characters
///   backspace, form feed, newline, carriage return and tab as `\b \f \n \r \t`; every other
///   character below U+0020 as `\u00xx` (lowercase hex); everything else, non-ASCII included,
///   written as is. (This is what Python's `json.dumps(s, ensure_ascii=False)` writes.)
/// - `true`, `false`.
/// - Unsigned integers (seeds) in decimal.
/// - Numbers (`Double`): `-0` is written as `0`; an integral value with magnitude below 10^15
///   in decimal without a fraction or exponent (`100`, `-3`); any other finite value in
///   scientific form `d[.ddd]e<exponent>`, where the digits are the shortest decimal that
///   reads back as the same `Double` (what Swift's `description` and Python's `repr` produce),
///   without trailing zeros, and the exponent is a decimal integer with a `-` sign when
///   negative and no `+` or leading zeros: 0.0005 → `5e-4`, 0.25 → `2.5e-1`, 1.5 → `1.5e0`,
///   1e20 → `1e20`. Not-a-number and infinities are written as the strings `"NaN"`,
///   `"Infinity"` and `"-Infinity"`.
public enum CanonicalJSON {
    /// A JSON tree in the shapes that configurations use.
    public indirect enum Value: Sendable {
        case bool(Bool)
        case number(Double)
        case unsigned(UInt64)
        case string(String)
        case array([Value])
        case object([String: Value])
    }

    /// The canonical text of a value.
    public static func encode(_ value: Value) -> String {
        var output = ""
        write(value, to: &output)
        return output
    }

    /// The canonical text of a hyperparameter value.
    public static func encode(_ value: HyperparameterValue) -> String {
        encode(Value(value))
    }

    static func write(_ value: Value, to output: inout String) {
        switch value {
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let number): output += formatNumber(number)
        case .unsigned(let integer): output += String(integer)
        case .string(let text): writeString(text, to: &output)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                write(element, to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { output += "," }
                writeString(key, to: &output)
                output += ":"
                write(members[key]!, to: &output)
            }
            output += "}"
        }
    }

    static func writeString(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }

    /// The canonical text of a number (see the type's documentation).
    public static func formatNumber(_ number: Double) -> String {
        if number.isNaN { return "\"NaN\"" }
        if number.isInfinite { return number > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
        if number == 0 { return "0" }
        if number.rounded() == number, abs(number) < 1e15 {
            return String(Int64(number))
        }
        let (negative, digits, exponent) = shortestDigits(number)
        var mantissa = String(digits.first!)
        if digits.count > 1 { mantissa += "." + String(digits.dropFirst()) }
        return (negative ? "-" : "") + mantissa + "e" + String(exponent)
    }

    /// The shortest round-trip digits of a finite non-zero number (no leading or trailing
    /// zeros) and the exponent of the first digit: value = ±d.ddd × 10^exponent.
    static func shortestDigits(_ number: Double) -> (negative: Bool, digits: [Character], exponent: Int) {
        // Swift's `description` gives the shortest round-trip digits, in either positional
        // ("0.0005", "123.5") or exponent ("5e-05", "1.5e+300") form.
        var text = Substring(number.magnitude.description)
        var exponentPart = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponentPart = Int(text[text.index(after: e)...])!
            text = text[..<e]
        }
        var digits: [Character] = []
        var pointPosition: Int? = nil
        for character in text {
            if character == "." { pointPosition = digits.count } else { digits.append(character) }
        }
        // value = 0.d1d2...dk × 10^(pointPosition + exponentPart)
        var scale = (pointPosition ?? digits.count) + exponentPart
        while digits.first == "0" { digits.removeFirst(); scale -= 1 }
        while digits.last == "0" { digits.removeLast() }
        return (number < 0, digits, scale - 1)
    }
}

extension CanonicalJSON.Value {
    public init(_ value: HyperparameterValue) {
        switch value {
        case .number(let number): self = .number(number)
        case .string(let text): self = .string(text)
        case .bool(let flag): self = .bool(flag)
        case .array(let elements): self = .array(elements.map(CanonicalJSON.Value.init))
        }
    }
}
