import Experiments
import Foundation

/// Comma-separated values with RFC 4180 quoting: a field that contains a comma, a double
/// quote, a carriage return or a line feed is enclosed in double quotes, with its quotes
/// doubled. Lines end with `\n` (readers of RFC 4180 accept it, and git diffs stay clean).
public struct CSVTable: Sendable {
    public var header: [String]
    public private(set) var rows: [[String]] = []

    public init(header: [String]) {
        self.header = header
    }

    public mutating func append(_ row: [String]) {
        precondition(row.count == header.count,
                     "row has \(row.count) fields, the header has \(header.count): \(row)")
        rows.append(row)
    }

    public var text: String {
        ([header] + rows).map { $0.map(CSV.quote).joined(separator: ",") + "\n" }.joined()
    }

    /// Writes the table to `url` atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(text, to: url)
    }
}

public enum CSV {
    /// One field, quoted when RFC 4180 requires it.
    public static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
        else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One parsed record and the line it starts on (1-based).
    public struct Record: Equatable, Sendable {
        public var fields: [String]
        public var line: Int
    }

    /// Parses RFC 4180 text (quoted fields may hold commas, doubled quotes and line breaks;
    /// lines may end with `\r\n` or `\n`). Blank lines are skipped.
    /// - Throws: `CSVError` with `file` and the line of the problem.
    public static func parse(_ text: String, file: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var quotedFieldEnded = false
        var scalars = Array(text.unicodeScalars)[...]
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !quotedFieldEnded) {
                records.append(Record(fields: fields, line: recordLine))
            }
            fields = []
            field = ""
            quotedFieldEnded = false
        }
        while let scalar = scalars.popFirst() {
            if inQuotes {
                if scalar == "\"" {
                    if scalars.first == "\"" {
                        scalars.removeFirst()
                        field.unicodeScalars.append("\"")
                    } else {
                        inQuotes = false
                        quotedFieldEnded = true
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case ",":
                fields.append(field)
                field = ""
                quotedFieldEnded = false
            case "\r" where scalars.first == "\n":
                continue
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            case "\"":
                guard field.isEmpty, !quotedFieldEnded else {
                    throw CSVError(file: file, line: line, message: "a quote inside an unquoted field (quote the whole field and double the quote)")
                }
                inQuotes = true
            default:
                if quotedFieldEnded {
                    throw CSVError(file: file, line: line, message: "text after a closing quote")
                }
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes {
            throw CSVError(file: file, line: recordLine, message: "a quoted field is never closed")
        }
        if !field.isEmpty || !fields.isEmpty || quotedFieldEnded { endRecord() }
        return records
    }
}

public struct CSVError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}
