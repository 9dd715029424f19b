import Foundation

/// A GitHub-flavoured markdown table whose columns are padded to a common width, so the
/// source reads as a table too.
public struct MarkdownTable: Sendable {
    public enum Alignment: Sendable { case left, right, center }

    public var header: [String]
    public var alignments: [Alignment]
    public private(set) var rows: [[String]] = []

    /// `alignments` defaults to the first column left and the others right (labels, then numbers).
    public init(header: [String], alignments: [Alignment]? = nil) {
        precondition(!header.isEmpty, "a table needs at least one column")
        self.header = header
        self.alignments = alignments ?? [.left] + Array(repeating: .right, count: header.count - 1)
        precondition(self.alignments.count == header.count,
                     "\(self.alignments.count) alignments for \(header.count) columns")
    }

    public mutating func append(_ row: [String]) {
        precondition(row.count == header.count,
                     "row has \(row.count) cells, the table has \(header.count) columns: \(row)")
        rows.append(row)
    }

    /// The table's markdown, ending with a newline. `|` in cells is escaped.
    public var markdown: String {
        let cells = ([header] + rows).map { $0.map(MarkdownTable.escape) }
        let widths = (0..<header.count).map { column in
            max(3, cells.map { $0[column].count }.max() ?? 0)
        }
        func line(_ row: [String]) -> String {
            let padded = row.enumerated().map { column, text in
                MarkdownTable.pad(text, to: widths[column], alignment: alignments[column])
            }
            return "| " + padded.joined(separator: " | ") + " |\n"
        }
        // The rule spans the cell padding too: |:------|------:|
        let rule = alignments.enumerated().map { column, alignment -> String in
            let dashes = widths[column]
            switch alignment {
            case .left: return ":" + String(repeating: "-", count: dashes + 1)
            case .right: return String(repeating: "-", count: dashes + 1) + ":"
            case .center: return ":" + String(repeating: "-", count: dashes) + ":"
            }
        }
        var text = line(cells[0])
        text += "|" + rule.joined(separator: "|") + "|\n"
        for row in cells.dropFirst() { text += line(row) }
        return text
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    static func pad(_ text: String, to width: Int, alignment: Alignment) -> String {
        let missing = width - text.count
        guard missing > 0 else { return text }
        switch alignment {
        case .left: return text + String(repeating: " ", count: missing)
        case .right: return String(repeating: " ", count: missing) + text
        case .center:
            let left = missing / 2
            return String(repeating: " ", count: left) + text + String(repeating: " ", count: missing - left)
        }
    }
}
