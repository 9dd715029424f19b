import Foundation

/// A number the paper reports, transcribed into `papers/<paper>/*.csv`.
public struct PaperNumber: Hashable, Sendable {
    public var table: String
    public var dataset: String
    public var model: String
    public var setting: String
    public var metric: String
    public var mean: Double
    /// nil when the paper gives no spread.
    public var std: Double?
    /// `file:line` it was read from.
    public var source: String
}

/// The transcribed numbers of one paper. Each CSV file has the header
/// `table,dataset,model,setting,metric,mean,std` (std may be empty); one row per number.
public struct PaperNumbers: Sendable {
    public static let header = ["table", "dataset", "model", "setting", "metric", "mean", "std"]

    /// In file order, files sorted by name.
    public let numbers: [PaperNumber]

    public init(_ numbers: [PaperNumber]) {
        self.numbers = numbers
    }

    /// Reads every `*.csv` in `root/<paper>/` (`papers/<paper>/` by default).
    /// - Throws: `CSVError` naming the file and line of the first problem.
    public static func load(paper: String, root: URL = URL(fileURLWithPath: "papers")) throws -> PaperNumbers {
        let folder = root.appendingPathComponent(paper, isDirectory: true)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { $0.hasSuffix(".csv") && !$0.hasPrefix(".") }.sorted()
        } catch {
            throw CSVError(file: folder.path, line: 0, message: "cannot list the folder: \(error.localizedDescription)")
        }
        guard !names.isEmpty else {
            throw CSVError(file: folder.path, line: 0, message: "no transcribed numbers (*.csv) for paper '\(paper)'")
        }
        var numbers: [PaperNumber] = []
        for name in names {
            let file = folder.appendingPathComponent(name)
            let text: String
            do {
                text = try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw CSVError(file: file.path, line: 0, message: "cannot read: \(error.localizedDescription)")
            }
            numbers += try parse(text, file: file.path)
        }
        try checkUnique(numbers)
        return PaperNumbers(numbers)
    }

    /// Parses one CSV file's text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> [PaperNumber] {
        let records = try CSV.parse(text, file: file)
        guard let first = records.first else {
            throw CSVError(file: file, line: 1, message: "empty file; expected the header \(header.joined(separator: ","))")
        }
        guard first.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) == header else {
            throw CSVError(file: file, line: first.line,
                           message: "expected the header \(header.joined(separator: ",")), found \(first.fields.joined(separator: ","))")
        }
        var numbers: [PaperNumber] = []
        for record in records.dropFirst() {
            let fields = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == header.count else {
                throw CSVError(file: file, line: record.line,
                               message: "expected \(header.count) fields, found \(fields.count)")
            }
            guard let mean = Double(fields[5]), mean.isFinite else {
                throw CSVError(file: file, line: record.line, message: "mean '\(fields[5])' is not a number")
            }
            var std: Double? = nil
            if !fields[6].isEmpty {
                guard let value = Double(fields[6]), value.isFinite, value >= 0 else {
                    throw CSVError(file: file, line: record.line,
                                   message: "std '\(fields[6])' is not a non-negative number (leave it empty when the paper gives none)")
                }
                std = value
            }
            if fields[0].isEmpty { throw CSVError(file: file, line: record.line, message: "empty table") }
            if fields[4].isEmpty { throw CSVError(file: file, line: record.line, message: "empty metric") }
            numbers.append(PaperNumber(table: fields[0], dataset: fields[1], model: fields[2],
                                       setting: fields[3], metric: fields[4], mean: mean, std: std,
                                       source: "\(file):\(record.line)"))
        }
        return numbers
    }

    static func checkUnique(_ numbers: [PaperNumber]) throws {
        var seen: [String: String] = [:]
        for number in numbers {
            let key = [number.table, number.dataset, number.model, number.setting, number.metric]
                .joined(separator: "\u{1F}")
            if let earlier = seen[key] {
                let (file, line) = splitSource(number.source)
                throw CSVError(file: file, line: line, message: "duplicates the number at \(earlier)")
            }
            seen[key] = number.source
        }
    }

    static func splitSource(_ source: String) -> (String, Int) {
        guard let colon = source.lastIndex(of: ":") else { return (source, 0) }
        return (String(source[..<colon]), Int(source[source.index(after: colon)...]) ?? 0)
    }

    /// The number for one cell of one table, if the paper reports it.
    public func number(table: String, dataset: String, model: String, setting: String,
                       metric: String) -> PaperNumber? {
        numbers.first {
            $0.table == table && $0.dataset == dataset && $0.model == model
                && $0.setting == setting && $0.metric == metric
        }
    }

    /// The numbers of one table, in file order.
    public func table(_ name: String) -> [PaperNumber] {
        numbers.filter { $0.table == name }
    }
}
