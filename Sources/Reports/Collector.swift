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
    /// with a finite value count unless `includeDiverged` (then completed or diverged runs with
    /// a finite value). A diverged run never reaches a mean or a test: `divergedCounts` counts
    /// them so a table can say so.
    public static func values(_ records: [RunRecord], includeDiverged: Bool = false,
                              value: (RunRecord) -> Double?) -> [CellGroup: [Double]] {
        var groups: [CellGroup: [Double]] = [:]
        for record in records where record.status == .completed || includeDiverged {
            if let number = value(record), number.isFinite {
                groups[CellGroup(record.configuration), default: []].append(number)
            }
        }
        return groups
    }

    /// Per group, the runs that diverged: status `diverged`, or a non-finite value (a run file
    /// stores a diverged number as "NaN" or "Infinity").
    public static func divergedCounts(_ records: [RunRecord], value: (RunRecord) -> Double?) -> [CellGroup: Int] {
        var counts: [CellGroup: Int] = [:]
        for record in records {
            let number = value(record)
            if record.status == .diverged || (number.map { !$0.isFinite } ?? false) {
                counts[CellGroup(record.configuration), default: 0] += 1
            }
        }
        return counts
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
        let diverged = divergedCounts(records, value: value)
        let profiles = Dictionary(grouping: records, by: { CellGroup($0.configuration) })
            .mapValues { Set($0.map(\.configuration.profile.rawValue)).sorted().joined(separator: "+") }
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
                                      n: summary?.n ?? 0, diverged: diverged[group] ?? 0))
            rows[rows.count - 1].profile = profiles[group]
        }
        for group in Set(ours.keys).union(diverged.keys).sorted() where !reported.contains(group) {
            let summary = ours[group]
            rows.append(ComparisonRow(table: table, dataset: group.dataset, model: group.model,
                                      setting: group.setting, metric: metric,
                                      paperMean: nil, paperStd: nil,
                                      oursMean: summary?.mean, oursStd: summary?.standardDeviation,
                                      n: summary?.n ?? 0, diverged: diverged[group] ?? 0))
            rows[rows.count - 1].profile = profiles[group]
        }
        return rows
    }
}
