import Experiments

/// The cells of a table that runs are averaged over: everything but the seed.
public struct CellGroup: Hashable, Comparable, Sendable {
    public var dataset: String
    public var model: String
    public var setting: String

    public init(dataset: String, model: String, setting: String) {
        self.dataset = dataset
        self.model = model
        self.setting = setting
    }

    public init(_ configuration: CellConfiguration) {
        self.init(dataset: configuration.dataset, model: configuration.model, setting: configuration.setting)
    }

    public static func < (lhs: CellGroup, rhs: CellGroup) -> Bool {
        (lhs.dataset, lhs.model, lhs.setting) < (rhs.dataset, rhs.model, rhs.setting)
    }
}

/// Turns run records into numbers for tables: the one place where results are aggregated.
public enum Collector {
    /// The values of one number per group (dataset, model, setting), over runs (seeds).
    /// `value` reads the number from a record (nil skips the record); only completed runs
    /// count unless `includeDiverged`.
    public static func values(_ records: [RunRecord], includeDiverged: Bool = false,
                              value: (RunRecord) -> Double?) -> [CellGroup: [Double]] {
        var groups: [CellGroup: [Double]] = [:]
        for record in records where record.status == .completed || includeDiverged {
            if let number = value(record) {
                groups[CellGroup(record.configuration), default: []].append(number)
            }
        }
        return groups
    }

    /// Summaries of metric `metric` per group.
    public static func summaries(_ records: [RunRecord], metric: String,
                                 includeDiverged: Bool = false) -> [CellGroup: Summary] {
        values(records, includeDiverged: includeDiverged) { $0.metrics[metric] }
            .compactMapValues { Summary($0) }
    }

    /// One row per number the paper reports for `table` and `metric` (in the paper's order),
    /// with our summary of the same dataset/model/setting (n = 0 when none ran), then one
    /// row per group we ran that the paper does not report (sorted).
    /// - Parameter value: our number for a record, on the paper's scale (e.g. an error rate
    ///   in percent from an accuracy fraction).
    public static func comparisonRows(table: String, metric: String, records: [RunRecord],
                                      paper: PaperNumbers,
                                      value: (RunRecord) -> Double?) -> [ComparisonRow] {
        let ours = values(records, value: value).compactMapValues { Summary($0) }
        var rows: [ComparisonRow] = []
        var reported = Set<CellGroup>()
        for number in paper.table(table) where number.metric == metric {
            let group = CellGroup(dataset: number.dataset, model: number.model, setting: number.setting)
            reported.insert(group)
            let summary = ours[group]
            rows.append(ComparisonRow(table: table, dataset: number.dataset, model: number.model,
                                      setting: number.setting, metric: metric,
                                      paperMean: number.mean, paperStd: number.std,
                                      oursMean: summary?.mean, oursStd: summary?.standardDeviation,
                                      n: summary?.n ?? 0))
        }
        for group in ours.keys.sorted() where !reported.contains(group) {
            let summary = ours[group]!
            rows.append(ComparisonRow(table: table, dataset: group.dataset, model: group.model,
                                      setting: group.setting, metric: metric,
                                      paperMean: nil, paperStd: nil,
                                      oursMean: summary.mean, oursStd: summary.standardDeviation,
                                      n: summary.n))
        }
        return rows
    }
}
