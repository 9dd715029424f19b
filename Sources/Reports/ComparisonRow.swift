import Foundation

/// One line of a paper-versus-ours table: what the paper reports for a cell of one of its
/// tables, and what our runs give (mean and sample standard deviation over `n` runs).
public struct ComparisonRow: Hashable, Sendable {
    public var table: String
    public var dataset: String
    public var model: String
    public var setting: String
    public var metric: String
    public var paperMean: Double?
    public var paperStd: Double?
    public var oursMean: Double?
    public var oursStd: Double?
    /// Runs behind `oursMean` (0 when none has run).
    public var n: Int
    /// Runs of this cell that diverged (excluded from `oursMean`; not a CSV column).
    public var diverged: Int
    /// The profile of the runs behind `oursMean` ("quick", "paper"), where the rows were
    /// collected from run files; nil for rows built by hand.
    public var profile: String?

    public init(table: String, dataset: String, model: String, setting: String, metric: String,
                paperMean: Double?, paperStd: Double?, oursMean: Double?, oursStd: Double?, n: Int,
                diverged: Int = 0) {
        self.table = table
        self.dataset = dataset
        self.model = model
        self.setting = setting
        self.metric = metric
        self.paperMean = paperMean
        self.paperStd = paperStd
        self.oursMean = oursMean
        self.oursStd = oursStd
        self.n = n
        self.diverged = diverged
    }

    /// "not run", "diverged (2 runs)", or our mean ± std.
    public func oursText(decimals: Int) -> String {
        if n == 0 { return diverged > 0 ? "diverged (\(diverged) run\(diverged == 1 ? "" : "s"))" : "not run" }
        return NumberFormat.meanPlusMinus(oursMean, oursStd, decimals: decimals)
    }

    /// n, with the diverged runs left out said: "3", "2 (+1 diverged)".
    public var countText: String { diverged > 0 ? "\(n) (+\(diverged) diverged)" : String(n) }

    /// The CSV columns, in order.
    public static let csvHeader = ["table", "dataset", "model", "setting", "metric",
                                   "paper_mean", "paper_std", "ours_mean", "ours_std", "n"]

    /// The row's CSV fields: numbers in full precision, missing ones empty.
    public var csvFields: [String] {
        [table, dataset, model, setting, metric,
         NumberFormat.exact(paperMean), NumberFormat.exact(paperStd),
         NumberFormat.exact(oursMean), NumberFormat.exact(oursStd), String(n)]
    }

    /// The rows as CSV, with a last column `profile` when any row knows its profile.
    public static func csvTable(_ rows: [ComparisonRow]) -> CSVTable {
        let withProfile = rows.contains { $0.profile != nil }
        var table = CSVTable(header: csvHeader + (withProfile ? ["profile"] : []))
        for row in rows { table.append(row.csvFields + (withProfile ? [row.profile ?? ""] : [])) }
        return table
    }

    /// Writes the rows as CSV to `url` atomically.
    public static func write(_ rows: [ComparisonRow], to url: URL) throws {
        try csvTable(rows).write(to: url)
    }

    /// A markdown table: dataset, model, setting, metric, paper, ours (mean ± std), n.
    public static func markdownTable(_ rows: [ComparisonRow], decimals: Int) -> MarkdownTable {
        var table = MarkdownTable(header: ["dataset", "model", "setting", "metric", "paper", "ours", "n"],
                                  alignments: [.left, .left, .left, .left, .right, .right, .right])
        for row in rows {
            table.append([row.dataset, row.model, row.setting, row.metric,
                          NumberFormat.meanPlusMinus(row.paperMean, row.paperStd, decimals: decimals),
                          row.oursText(decimals: decimals), row.countText])
        }
        return table
    }
}
