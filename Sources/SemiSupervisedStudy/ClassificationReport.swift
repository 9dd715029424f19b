import Experiments
import Foundation
import Reports
import StudyKit
import VAEModels

/// Turns a section's run files into its report: `results/<section>/README.md`, one CSV per
/// table, a bar chart of paper versus ours per table and learning curves. Every number comes
/// from the run files; the paper's from papers/semisupervised-vae/tables.csv.
public struct ClassificationReport {
    public let section: ClassificationSection
    public let input: SectionReportInput
    var records: [RunRecord] { input.records }
    var paper: PaperNumbers { input.paper }
    var provenance: ReportProvenance { input.provenance }

    public init(section: ClassificationSection, input: SectionReportInput) {
        self.section = section
        self.input = input
    }

    /// Writes the report, tables and figures into the input's folder; returns the headline for
    /// the index.
    @discardableResult
    public func write() throws -> SectionSummary {
        let folder = input.folder, gnuplot = input.gnuplot
        let reportURL = folder.appendingPathComponent("README.md")
        var report = MarkdownReport(title: section.title)
        report.paragraph(section.question)
        report.paragraph(protocolParagraph())
        if let paperProfile = paperProfileSentences() { report.paragraph(paperProfile) }
        if !section.tablesNotRegenerated.isEmpty {
            report.paragraph("Not regenerated here: " + section.tablesNotRegenerated.map { "\($0.table) (\($0.reason))" }.joined(separator: "; ") + ".")
        }
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
            report.table(comparisonTable(rows), caption: "Paper (mean ± std over its runs) next to ours (mean ± std over n seeds, trained with the profile named); the difference is ours − paper. Also as CSV: [table-\(table.number).csv](table-\(table.number).csv).")
            let claims = claimRows(table: table, records: tableRecords)
            report.table(claims.table, caption: "SS against ES per setting. \"paper\" is the direction of the paper's own two numbers for the row (the paper has ES ahead in some rows); \"holds here\" compares our direction with it, \"yes\" when the same and significant (two-sided Welch t-test over seeds, p < 0.05). Diverged runs are left out and counted in the table above.")
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
        headlines += try activitySection(into: &report, folder: folder)
        return try input.finish(&report, at: reportURL, section: section.name, title: section.title, seeds: provenance.seedsPerCell,
                                headlines: headlines, choices: "Choices the paper leaves open: [papers/semisupervised-vae/deviations.md](../../papers/semisupervised-vae/deviations.md).")
    }

    /// The protocol in words, built from the cells' own configurations (never typed): one
    /// sentence per architecture with its epochs and data sizes, and the training settings.
    func protocolParagraph() -> String {
        let seeds = provenance.seedsPerCell
        var sentences = ["Profile **\(input.profile.rawValue)**: \(seeds) seed\(seeds == 1 ? "" : "s") per cell (each seed draws its own class-balanced labeled subset, initialisation and batches)."]
        var settingsTexts: [String] = []
        for architecture in ArchitectureKind.imageArchitectures {
            let cells = input.cells.filter { (try? ModelName(parsing: $0.model))?.architecture == architecture }
            guard !cells.isEmpty else { continue }
            var parts: [String] = []
            for variant in [ModelVariant.semiSupervised, .supervisedEncoder] {
                let name = ModelName(variant, architecture).description
                let epochs = Set(cells.filter { $0.model == name }.compactMap { try? ClassificationCellParameters(decoding: $0).epochs })
                if !epochs.isEmpty { parts.append("\(variant.rawValue) \(epochs.sorted().map(String.init).joined(separator: "/")) epochs") }
            }
            let parameters = cells.compactMap { try? ClassificationCellParameters(decoding: $0) }
            let train = Set(parameters.map(\.trainImages)).sorted(), test = Set(parameters.map(\.testImages)).sorted()
            func images(_ counts: [Int], of total: Int) -> String {
                counts.map { $0 >= total ? "all \(NumberText.grouped(total))" : "the first \(NumberText.grouped($0))" }.joined(separator: " or ")
            }
            sentences.append("\(architecture == .dense ? "Dense" : "Convolutional") models: \(parts.joined(separator: " and ")) on \(images(train, of: 60_000)) training images, scored on \(images(test, of: 10_000)) test images.")
            settingsTexts += parameters.map { "\($0.settings.description), likelihood \($0.likelihood.rawValue)" }
        }
        let settings = Set(settingsTexts).sorted()
        sentences.append("Training: \(settings.joined(separator: "; ")); SS batches hold labeled and unlabeled points 1:1; metrics after the last epoch.")
        sentences.append("The paper trains SS 10 and ES 20 epochs on the full data and reports 10 runs per cell.")
        return sentences.joined(separator: " ")
    }

    func comparisonTable(_ rows: [ComparisonRow]) -> MarkdownTable {
        var table = MarkdownTable(header: ["model", "labels", "metric", "paper", "ours", "n", "profile", "ours − paper"],
                                  alignments: [.left, .left, .left, .right, .right, .right, .left, .right])
        for row in rows {
            let difference = (row.oursMean != nil && row.paperMean != nil) ? row.oursMean! - row.paperMean! : nil
            table.append([row.model, row.setting, row.metric == "log_loss" ? "log loss" : row.metric,
                          NumberFormat.meanPlusMinus(row.paperMean, row.paperStd, decimals: 4),
                          row.oursText(decimals: 4), row.countText, row.profile ?? "–", NumberFormat.fixed(difference, decimals: 4)])
        }
        return table
    }

    /// SS against ES per setting and architecture, for accuracy (higher is better) and log
    /// loss (lower is better), each against the paper's own direction for that row.
    func claimRows(table: ClassificationTable, records: [RunRecord]) -> (table: MarkdownTable, headlines: [String]) {
        var markdown = MarkdownTable(header: ["labels", "architecture", "metric", "SS", "ES", "profile", "p (Welch)", "paper", "holds here"],
                                     alignments: [.left, .left, .left, .right, .right, .left, .right, .left, .left])
        var headlines: [String] = []
        for setting in table.settings {
            for architecture in ArchitectureKind.imageArchitectures {
                let ss = ModelName(.semiSupervised, architecture).description
                let es = ModelName(.supervisedEncoder, architecture).description
                for metric in ["accuracy", "log_loss"] {
                    let values = Collector.values(records) { $0.metrics[metric] }
                    let ssGroup = CellGroup(dataset: table.dataset.rawValue, model: ss, setting: setting.description)
                    let esGroup = CellGroup(dataset: table.dataset.rawValue, model: es, setting: setting.description)
                    let a = values[ssGroup] ?? [], b = values[esGroup] ?? []
                    guard let sa = Summary(a), let sb = Summary(b) else { continue }
                    let profiles = profilesText(ssGroup, esGroup)
                    func paperMean(_ model: String) -> Double? {
                        paper.number(table: String(table.number), dataset: table.dataset.rawValue, model: model,
                                     setting: setting.description, metric: metric)?.mean
                    }
                    let paperSS = paperMean(ss), paperES = paperMean(es)
                    let verdict = ClaimVerdict(first: "SS", second: "ES", paperFirst: paperSS, paperSecond: paperES,
                                               oursFirst: a, oursSecond: b, higherIsBetter: metric == "accuracy")
                    markdown.append([setting.description, architecture.rawValue, metric == "log_loss" ? "log loss" : metric,
                                     NumberFormat.summary(sa, decimals: 4), NumberFormat.summary(sb, decimals: 4), profiles,
                                     NumberFormat.pValue(verdict.pValue), verdict.paperText, verdict.holdsText])
                    if metric == "accuracy" {
                        let profileText = input.profileChoice.isMixed ? ", \(profiles) profile" : ""
                        headlines.append("\(ss) \(NumberFormat.fixed(sa.mean, decimals: 4)) vs \(es) \(NumberFormat.fixed(sb.mean, decimals: 4)) at \(setting)\(profileText) (paper \(NumberFormat.fixed(paperSS, decimals: 4)) vs \(NumberFormat.fixed(paperES, decimals: 4)), \(verdict.paperText)): holds here: \(verdict.holdsText)")
                    }
                }
            }
        }
        return (markdown, headlines)
    }

    /// "quick", "paper", or "SS paper, ES quick" when the two numbers of a claim come from
    /// different profiles (while the paper profile is still running the second model).
    func profilesText(_ ss: CellGroup, _ es: CellGroup) -> String {
        let a = input.profileChoice.profile(of: ss), b = input.profileChoice.profile(of: es)
        return a == b ? a.rawValue : "SS \(a.rawValue), ES \(b.rawValue)"
    }

    /// Which numbers come from the paper profile and how far its unfinished cells have got,
    /// from the paper-profile runs themselves (nil when every number is the report's profile's).
    func paperProfileSentences() -> String? {
        let choice = input.profileChoice
        guard choice.isMixed || !choice.unfinishedPaperGroups.isEmpty else { return nil }
        func label(_ group: CellGroup) -> String {
            "\(group.model) \(group.setting) (\((try? ImageDatasetName(parsing: group.dataset).title) ?? group.dataset))"
        }
        var sentences: [String] = []
        if choice.isMixed {
            let paperRecords = records.filter { $0.configuration.profile == .paper }
            let parameters = paperRecords.compactMap { try? ClassificationCellParameters(decoding: $0.configuration) }
            let epochs = Dictionary(grouping: paperRecords, by: { $0.configuration.model })
                .mapValues { Set($0.compactMap { try? ClassificationCellParameters(decoding: $0.configuration).epochs }).sorted() }
                .sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.map(String.init).joined(separator: "/")) epochs" }
            let seeds = Set(Dictionary(grouping: paperRecords, by: { CellGroup($0.configuration) }).values.map(\.count)).sorted()
            let allImages = parameters.allSatisfy { $0.trainImages >= 60_000 && $0.testImages >= 10_000 }
            sentences.append("Rows whose profile reads **paper** come from the paper profile instead, the paper's own protocol: \(seeds.map(String.init).joined(separator: "/")) seeds, \(epochs.joined(separator: ", "))\(allImages ? ", all 60,000 training and 10,000 test images" : ""). A cell's numbers switch to the paper profile only when every one of its paper-profile seeds has a run file; \(choice.paperGroups.sorted().map(label).joined(separator: ", ")) \(choice.paperGroups.count == 1 ? "has" : "have").")
        }
        if !choice.unfinishedPaperGroups.isEmpty {
            let progress = choice.unfinishedPaperGroups.sorted { $0.key < $1.key }
                .map { "\(label($0.key)) \($0.value.done) of \($0.value.planned) seeds" }
            sentences.append("Paper-profile runs still under way (those rows stay on the \(input.profile.rawValue) profile): \(progress.joined(separator: ", ")).")
        }
        return sentences.joined(separator: " ")
    }

    /// Table 10's rows of this section (UCI-HAR, SS_RNN against ES_RNN): the paper's single run
    /// per setting next to ours, "not run: data absent" where no run file exists (the inertial
    /// signals are not in every data mirror), and the SS-versus-ES verdicts where runs exist.
    func activitySection(into report: inout MarkdownReport, folder: URL) throws -> [String] {
        let table = section.activityTable
        let settings = Set(table.settings.map(\.description))
        let tableRecords = records.filter { $0.configuration.dataset == ActivityTable.dataset }
        report.heading(table.title)
        var rows: [ComparisonRow] = []
        for metric in ["accuracy", "log_loss"] {
            rows += Collector.comparisonRows(table: String(table.number), metric: metric, records: tableRecords,
                                             paper: paper) { $0.metrics[metric] }
                .filter { settings.contains($0.setting) }
        }
        try ComparisonRow.write(rows, to: folder.appendingPathComponent("table-\(table.number).csv"))
        var markdown = MarkdownTable(header: ["model", "labels", "metric", "paper", "ours", "n"],
                                     alignments: [.left, .left, .left, .right, .right, .right])
        for row in rows {
            markdown.append([row.model, row.setting, row.metric == "log_loss" ? "log loss" : row.metric,
                             NumberFormat.meanPlusMinus(row.paperMean, row.paperStd, decimals: 3),
                             row.n > 0 ? row.oursText(decimals: 3) : "not run: data absent", row.countText])
        }
        let cells = input.cells.filter { $0.dataset == ActivityTable.dataset }
        let parameters = cells.compactMap { try? ClassificationCellParameters(decoding: $0) }
        let epochs = ActivityTable.models.map { model -> String in
            let values = Set(cells.filter { $0.model == model.description }.compactMap { try? ClassificationCellParameters(decoding: $0).epochs })
            return "\(model) \(values.sorted().map(String.init).joined(separator: "/")) epochs"
        }
        let training = Set(parameters.map { "\($0.settings.description), likelihood \($0.likelihood.rawValue)" }).sorted()
        func windows(_ counts: [Int], of total: Int) -> String {
            Set(counts).sorted().map { $0 >= total ? "all \(NumberText.grouped(total))" : "the first \(NumberText.grouped($0))" }
                .joined(separator: " or ")
        }
        report.paragraph("The recurrent model of Table 15 on UCI-HAR windows (128 steps of the six body-motion channels, each channel standardised with the training split's mean and deviation): \(epochs.joined(separator: " and ")) on \(windows(parameters.map(\.trainImages), of: ActivityTable.trainWindows)) training windows, scored on \(windows(parameters.map(\.testImages), of: ActivityTable.testWindows)) test windows; \(training.joined(separator: "; ")). A window's class is the mean of its steps' predicted probabilities. The paper reports one run per setting, so its column has no spread. Rows without a run file read \"not run: data absent\": the UCI-HAR inertial signals were not where this report was drawn (`make data` fetches them; the cells then run with the others).")
        report.table(markdown, caption: "Also as CSV: [table-\(table.number).csv](table-\(table.number).csv).")
        var headlines: [String] = []
        var claims = MarkdownTable(header: ["labels", "metric", "SS_RNN", "ES_RNN", "p (Welch)", "paper", "holds here"],
                                   alignments: [.left, .left, .right, .right, .right, .left, .left])
        for setting in table.settings {
            for metric in ["accuracy", "log_loss"] {
                let values = Collector.values(tableRecords) { $0.metrics[metric] }
                let ss = ActivityTable.models[0].description, es = ActivityTable.models[1].description
                let a = values[CellGroup(dataset: ActivityTable.dataset, model: ss, setting: setting.description)] ?? []
                let b = values[CellGroup(dataset: ActivityTable.dataset, model: es, setting: setting.description)] ?? []
                guard let sa = Summary(a), let sb = Summary(b) else { continue }
                func paperMean(_ model: String) -> Double? {
                    paper.number(table: String(table.number), dataset: ActivityTable.dataset, model: model,
                                 setting: setting.description, metric: metric)?.mean
                }
                let verdict = ClaimVerdict(first: "SS", second: "ES", paperFirst: paperMean(ss), paperSecond: paperMean(es),
                                           oursFirst: a, oursSecond: b, higherIsBetter: metric == "accuracy")
                claims.append([setting.description, metric == "log_loss" ? "log loss" : metric, NumberFormat.summary(sa, decimals: 3),
                               NumberFormat.summary(sb, decimals: 3), NumberFormat.pValue(verdict.pValue), verdict.paperText,
                               verdict.holdsText])
                if metric == "accuracy" {
                    headlines.append("Table 10 (UCI-HAR): SS_RNN \(NumberFormat.fixed(sa.mean, decimals: 3)) vs ES_RNN \(NumberFormat.fixed(sb.mean, decimals: 3)) at \(setting) (\(verdict.paperText) in the paper): holds here: \(verdict.holdsText)")
                }
            }
        }
        if !claims.rows.isEmpty {
            report.table(claims, caption: "SS_RNN against ES_RNN per setting, against the direction of the paper's own two numbers (two-sided Welch t-test over seeds, p < 0.05).")
        }
        return headlines
    }

    /// Mean test accuracy per epoch, one line per model of the setting.
    func learningCurves(records: [RunRecord], setting: LabelSetting) -> [LineSeries] {
        let chosen = records.filter { $0.configuration.setting == setting.description }
        var byModel: [String: [[Double]]] = [:]
        for record in chosen {
            let name = record.configuration.model + (input.profileChoice.isMixed ? " (\(record.configuration.profile.rawValue))" : "")
            byModel[name, default: []].append(record.history["accuracy"] ?? [])
        }
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

