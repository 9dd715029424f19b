/// Numbers as a protocol sentence prints them: the shortest text that reads back as the same
/// Float (`5e-4` → "0.0005", `784` → "784").
public enum NumberText {
    public static func compact(_ value: Float) -> String {
        if value == value.rounded(), abs(value) < 1e7 { return String(Int(value)) }
        return value.description
    }
}

extension NumberText {
    /// An integer with thousands separators, as the papers print counts: 60000 → "60,000".
    public static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }
}
