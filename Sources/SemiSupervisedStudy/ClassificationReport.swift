import Experiments
import Foundation
import Reports

/// Turns a section's run files into its report: `results/<section>/README.md`, one CSV per
/// table, a bar chart of paper versus ours per table and learning curves. Every number comes
/// from the run files; the paper's from papers/semisupervised-vae/tables.csv.
public struct ClassificationReport {
    public let section: ClassificationSection
    public let plan: ProfilePlan
    public let records: [RunRecord]
    public let paper: PaperNumbers
    public let provenance: ReportProvenance

    public init(section: ClassificationSection, plan: ProfilePlan, records: [RunRecord], paper: PaperNumbers,
                provenance: ReportProvenance) {
        self.section = section
        self.plan = plan
        self.records = records
        self.paper = paper
        self.provenance = provenance
    }

    /// Writes the report, tables and figures into `folder`; returns the headline for the index.
    @discardableResult
    public func write(to folder: URL, gnuplot: Gnuplot) throws -> SectionSummary {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let reportURL = folder.appendingPathComponent("README.md")
        var report = MarkdownReport(title: section.title)
        report.paragraph(section.question)
        report.paragraph(protocolParagraph())
        var headlines: [String] = []
        for table in section.tables {
            let tableRecords = records.filter { $0.configuration.hyperparameters["table"]?.intValue == table.number }
            report.heading(table.title)
            var rows: [ComparisonRow] = []
            for metric in ["accuracy", "log_loss"] {
                rows += Collector.comparisonRows(table: String(table.number), metric: metric, records: tableRecords,
                                                 paper: paper) { $0.metrics[metric] }
            }
            let csv = folder.appendingPathComponent("table-\(table.number).csv")
            try ComparisonRow.write(rows, to: csv)
            report.table(comparisonTable(rows), caption: "Paper (mean ± std over its runs) next to ours (mean ± std over n seeds); the difference is ours − paper. Also as CSV: [table-\(table.number).csv](table-\(table.number).csv).")
            let claims = claimRows(table: table, records: tableRecords)
            report.table(claims.table, caption: "The paper's claim, SS better than ES, tested per setting with a two-sided Welch t-test over seeds (p < 0.05 counts as holding).")
            let bars = folder.appendingPathComponent("table-\(table.number)-accuracy.png")
            let accuracyRows = rows.filter { $0.metric == "accuracy" }
            try gnuplot.paperVersusOurs(accuracyRows.map { row in
                BarGroup(label: "\(row.model) \(row.setting)", paperMean: row.paperMean, paperStd: row.paperStd,
                         oursMean: row.oursMean, oursStd: row.oursStd)
            }, title: "\(table.title): accuracy", yLabel: "test accuracy", output: bars)
            report.image(bars, alt: "Table \(table.number) accuracy, paper versus ours", report: reportURL)
            for setting in table.settings {
                let curve = folder.appendingPathComponent("table-\(table.number)-\(slug(setting.description))-learning-curves.png")
                let series = learningCurves(records: tableRecords, setting: setting)
                guard !series.isEmpty else { continue }
                try gnuplot.learningCurve(series, title: "\(table.dataset.title), \(setting): test accuracy per epoch (mean over seeds)",
                                          yLabel: "test accuracy", output: curve)
                report.image(curve, alt: "learning curves, \(setting)", report: reportURL)
            }
            headlines += claims.headlines.map { "Table \(table.number) (\(table.dataset.title)): \($0)" }
        }
        report.heading("Reproduce")
        report.paragraph("`\(provenance.command)` regenerates this report from the run files in `results/runs/\(section.name)/`, training only the cells that have no run file yet. Choices the paper leaves open: [papers/semisupervised-vae/deviations.md](../../papers/semisupervised-vae/deviations.md).")
        report.provenance(provenance)
        try report.write(to: reportURL)
        let summary = SectionSummary(section: section.name, title: section.title, profile: plan.profile.rawValue,
                                     seeds: plan.seeds.count, runs: records.count, headlines: headlines)
        try summary.write(to: folder.appendingPathComponent("summary.json"))
        return summary
    }

    func protocolParagraph() -> String {
        let dense = ModelName(.semiSupervised, .dense), denseES = ModelName(.supervisedEncoder, .dense)
        let cnn = ModelName(.semiSupervised, .convolutional), cnnES = ModelName(.supervisedEncoder, .convolutional)
        func images(_ model: ModelName) -> String {
            plan.trainImages(for: model).map { "the first \($0) training images" } ?? "all 60,000 training images"
        }
        return "Profile **\(plan.profile.rawValue)**: \(plan.seeds.count) seed\(plan.seeds.count == 1 ? "" : "s") per cell (each seed draws its own class-balanced labeled subset, initialisation and batches). "
            + "Dense models: SS \(plan.epochs(for: dense)) and ES \(plan.epochs(for: denseES)) epochs on \(images(dense)); "
            + "convolutional models: SS \(plan.epochs(for: cnn)) and ES \(plan.epochs(for: cnnES)) epochs on \(images(cnn)); "
            + "scored on \(plan.testImages(for: dense).map { "the first \($0)" } ?? "all 10,000") (dense) and \(plan.testImages(for: cnn).map { "the first \($0)" } ?? "all 10,000") (convolutional) test images. The paper trains SS 10 and ES 20 epochs on the full data and reports 10 runs per cell. "
            + "RMSprop (lr 5e-4, rho 0.9), batch 100 with labeled and unlabeled points 1:1, α = 784; metrics after the last epoch."
    }

    func comparisonTable(_ rows: [ComparisonRow]) -> MarkdownTable {
        var table = MarkdownTable(header: ["model", "labels", "metric", "paper", "ours", "n", "ours − paper"],
                                  alignments: [.left, .left, .left, .right, .right, .right, .right])
        for row in rows {
            let difference = (row.oursMean != nil && row.paperMean != nil) ? row.oursMean! - row.paperMean! : nil
            table.append([row.model, row.setting, row.metric == "log_loss" ? "log loss" : row.metric,
                          NumberFormat.meanPlusMinus(row.paperMean, row.paperStd, decimals: 4),
                          NumberFormat.meanPlusMinus(row.oursMean, row.oursStd, decimals: 4),
                          String(row.n), NumberFormat.fixed(difference, decimals: 4)])
        }
        return table
    }

    /// SS against ES per setting and architecture, for accuracy (higher is better) and log
    /// loss (lower is better).
    func claimRows(table: ClassificationTable, records: [RunRecord]) -> (table: MarkdownTable, headlines: [String]) {
        var markdown = MarkdownTable(header: ["labels", "architecture", "metric", "SS", "ES", "p (Welch)", "paper", "holds here"],
                                     alignments: [.left, .left, .left, .right, .right, .right, .left, .left])
        var headlines: [String] = []
        for setting in table.settings {
            for architecture in ArchitectureKind.allCases {
                let ss = ModelName(.semiSupervised, architecture).description
                let es = ModelName(.supervisedEncoder, architecture).description
                for metric in ["accuracy", "log_loss"] {
                    let values = Collector.values(records) { $0.metrics[metric] }
                    let a = values[CellGroup(dataset: table.dataset.rawValue, model: ss, setting: setting.description)] ?? []
                    let b = values[CellGroup(dataset: table.dataset.rawValue, model: es, setting: setting.description)] ?? []
                    guard let sa = Summary(a), let sb = Summary(b) else { continue }
                    let higherIsBetter = metric == "accuracy"
                    let test = WelchTTest(a, b)
                    let better = higherIsBetter ? sa.mean > sb.mean : sa.mean < sb.mean
                    let verdict: String
                    if let p = test?.pValue {
                        verdict = better ? (p < 0.05 ? "yes" : "same direction, not significant") : (p < 0.05 ? "no (ES better)" : "no (not significant)")
                    } else {
                        verdict = better ? "same direction (n < 2, no test)" : "no (n < 2, no test)"
                    }
                    let paperSS = paper.number(table: String(table.number), dataset: table.dataset.rawValue, model: ss,
                                               setting: setting.description, metric: metric)?.mean
                    let paperES = paper.number(table: String(table.number), dataset: table.dataset.rawValue, model: es,
                                               setting: setting.description, metric: metric)?.mean
                    let paperSays: String
                    if let x = paperSS, let y = paperES {
                        paperSays = (higherIsBetter ? x > y : x < y) ? "SS better" : "ES better"
                    } else {
                        paperSays = "n/a"
                    }
                    markdown.append([setting.description, architecture.rawValue, metric == "log_loss" ? "log loss" : metric,
                                     NumberFormat.summary(sa, decimals: 4), NumberFormat.summary(sb, decimals: 4),
                                     NumberFormat.pValue(test?.pValue), paperSays, verdict])
                    if metric == "accuracy" {
                        headlines.append("\(ss) \(NumberFormat.fixed(sa.mean, decimals: 4)) vs \(es) \(NumberFormat.fixed(sb.mean, decimals: 4)) at \(setting) (paper \(NumberFormat.fixed(paperSS, decimals: 4)) vs \(NumberFormat.fixed(paperES, decimals: 4)); SS better: \(verdict))")
                    }
                }
            }
        }
        return (markdown, headlines)
    }

    /// Mean test accuracy per epoch, one line per model of the setting.
    func learningCurves(records: [RunRecord], setting: LabelSetting) -> [LineSeries] {
        let chosen = records.filter { $0.configuration.setting == setting.description }
        var byModel: [String: [[Double]]] = [:]
        for record in chosen { byModel[record.configuration.model, default: []].append(record.history["accuracy"] ?? []) }
        return byModel.keys.sorted().compactMap { model in
            let runs = byModel[model]!.filter { !$0.isEmpty }
            guard let length = runs.map(\.count).min(), length > 0 else { return nil }
            let mean = (0..<length).map { epoch in runs.map { $0[epoch] }.reduce(0, +) / Double(runs.count) }
            return LineSeries(name: model, perEpoch: mean)
        }
    }

    func slug(_ text: String) -> String {
        text.lowercased().replacingOccurrences(of: " ", with: "-")
    }
}

/// The headline of a section for results/README.md.
public struct SectionSummary: Codable, Equatable, Sendable {
    public var section: String
    public var title: String
    public var profile: String
    public var seeds: Int
    public var runs: Int
    public var headlines: [String]

    public init(section: String, title: String, profile: String, seeds: Int, runs: Int, headlines: [String]) {
        self.section = section
        self.title = title
        self.profile = profile
        self.seeds = seeds
        self.runs = runs
        self.headlines = headlines
    }

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(self), to: url)
    }
}

/// results/README.md: every section with its headline numbers and status, from the
/// sections' summary.json files.
public enum ResultsIndex {
    public static func write(resultsFolder: URL) throws {
        let fileManager = FileManager.default
        let folders = (try? fileManager.contentsOfDirectory(at: resultsFolder, includingPropertiesForKeys: nil)) ?? []
        var summaries: [SectionSummary] = []
        for folder in folders.sorted(by: { $0.lastPathComponent < $1.lastPathComponent }) {
            let file = folder.appendingPathComponent("summary.json")
            guard let data = try? Data(contentsOf: file) else { continue }
            summaries.append(try JSONDecoder().decode(SectionSummary.self, from: data))
        }
        var report = MarkdownReport(title: "Results")
        report.paragraph("Every section of the three papers that this repository regenerates, with its status and headline numbers. Each line links to the section's report; every number there comes from the run files in `runs/`. `make figures` regenerates all of them (`make figures SECTION=name` one).")
        for summary in summaries {
            report.heading("[\(summary.title)](\(summary.section)/README.md)")
            report.paragraph("Profile \(summary.profile), \(summary.seeds) seed\(summary.seeds == 1 ? "" : "s") per cell, \(summary.runs) runs.")
            report.bulletList(summary.headlines)
        }
        if summaries.isEmpty { report.paragraph("No section has been run yet.") }
        try report.write(to: resultsFolder.appendingPathComponent("README.md"))
    }
}
