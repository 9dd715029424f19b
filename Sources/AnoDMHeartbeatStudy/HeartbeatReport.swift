import AnoDMStudy
import Datasets
import Experiments
import Foundation
import Metrics
import Reports
import StudyKit

/// Turns the section's run files into `results/anodm-ecg/README.md`, the CSVs and the figures.
/// Every number comes from the run files (metrics and arrays); the paper's from
/// papers/anodm/tables.csv. The scores' selection helpers are the images section's.
public struct HeartbeatReport {
    public static let title = "AnoDM on ECG heartbeats: TCN, CNN and LSTM encoders (anodm Figures 2e, 5, 6, 8b; Table 2's Arrhythmia rows)"
    static let classTitles = ["N (normal)", "S (supraventricular ectopic)", "V (ventricular ectopic)", "F (fusion)",
                              "Q (paced, unclassifiable)"]
    /// The paper's tables.csv name for the heartbeat set.
    static let paperDataset = "arrhythmia"

    public let input: SectionReportInput
    let plan: HeartbeatProfilePlan
    var records: [RunRecord] { input.records }
    var paper: PaperNumbers { input.paper }
    var classes: [Int] { Heartbeats.AAMIClass.allCases.map(\.rawValue) }

    public init(input: SectionReportInput) {
        self.input = input
        plan = HeartbeatProfilePlan(input.profile)
    }

    static func className(_ index: Int) -> String { Heartbeats.AAMIClass(rawValue: index)?.name ?? "\(index)" }

    // MARK: Reading the runs

    func parameters(_ record: RunRecord) -> HeartbeatCellParameters? {
        try? HeartbeatCellParameters(decoding: record.configuration)
    }

    /// The runs (every seed) of one encoder, split, class and β.
    func runs(_ encoder: HeartbeatEncoderName, _ anomalous: Int, beta: Double = HeartbeatProfilePlan.fixedBeta,
              split: HeartbeatSplit = .stratified) -> [RunRecord] {
        records.filter { record in
            guard let p = parameters(record) else { return false }
            return p.encoder == encoder && p.split == split && p.anomalousClass == anomalous && p.beta == beta
        }
    }

    /// The β the TCN has runs for on one class (stratified split), ascending.
    func tcnBetas(_ anomalous: Int) -> [Double] {
        Set(records.compactMap { record -> Double? in
            guard let p = parameters(record), p.encoder == .tcn, p.split == .stratified, p.anomalousClass == anomalous
            else { return nil }
            return p.beta
        }).sorted()
    }

    /// The best over the TCN's β and the α grid (the paper's selection of both on the test set).
    func oracleBetaAlpha(_ anomalous: Int, score: String) -> (area: Summary, beta: Double, alpha: Double)? {
        tcnBetas(anomalous).compactMap { beta -> (Summary, Double, Double)? in
            AnoDMReport.oracleAlpha(runs(.tcn, anomalous, beta: beta), score: score).map { ($0.area, beta, $0.alpha) }
        }.max { $0.0.mean < $1.0.mean }
    }

    static func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }

    // MARK: The report

    /// Writes the report, tables and figures into `input.folder`; returns the index headline.
    @discardableResult
    public func write() throws -> SectionSummary {
        let folder = input.folder
        let reportURL = folder.appendingPathComponent("README.md")
        var report = MarkdownReport(title: Self.title)
        report.paragraph("AnoDM (section 4.5) trains a β-VAE on the normal heartbeats only, maps the latent means of a sample of training beats and of every test beat together to 2-D with t-SNE, and scores a test beat by α·D_RE + (1 − α)·D_tSNE. Its encoder for sequences is a temporal convolutional network (TCN); the paper reports that the TCN beats a CNN and an LSTM encoder \"significantly in all five cases\" (Figure 5), that the CNN does poorly only when class N is held out, and gives the TCN's AUROC per held-out class in Table 2 (average 0.940).")
        report.paragraph(protocolParagraph())
        report.paragraph("**Two protocols.** The paper picks α (and β) per class by the best *test* AUROC over its grid: an oracle selection that flatters every number; it is reproduced here, labelled *oracle*. Beside it stands the images section's protocol with no test-set selection: β fixed at \(NumberText.compact(Float(HeartbeatProfilePlan.fixedBeta))) for every class and encoder (fixed before any run), and both scores standardised over the test beats (mean 0, standard deviation 1; no labels needed) and averaged.")
        report.paragraph("**Data.** The heartbeat set of Kachuee et al. (2018) that the paper uses, rebuilt beat for beat from the 48 raw MIT-BIH records (109,446 beats; `Sources/Datasets/Heartbeats.swift`). The published set's random train/test split (87,554 / 21,892) came without its seed and cannot be recovered; ours is a seeded split of the same sizes, stratified by class. Such a beat-level split puts beats of the same patient on both sides, so one cell also runs with de Chazal et al.'s (2004) inter-patient split; that cell is our finding, not the paper's.")
        var claims: [String] = []
        var headlines: [String] = []
        try figureFive(folder: folder, report: &report, reportURL: reportURL, claims: &claims, headlines: &headlines)
        try tableTwo(folder: folder, report: &report, claims: &claims, headlines: &headlines)
        try heatmaps(folder: folder, report: &report, reportURL: reportURL, claims: &claims)
        try figureSix(folder: folder, report: &report, reportURL: reportURL)
        try interPatient(folder: folder, report: &report, claims: &claims)
        report.heading("The paper's claims, tested")
        report.bulletList(claims.isEmpty ? ["No cell has run yet."] : claims)
        return try input.finish(&report, at: reportURL, section: HeartbeatCells.sectionName, title: Self.title, seeds: plan.seeds.count,
                                headlines: headlines, runFiles: " (the maps, scores and example beats behind Figures 2e, 6 and 8b are stored beside each run file)", choices: "Choices the paper leaves open: [papers/anodm/deviations.md](../../papers/anodm/deviations.md).")
    }

    /// The protocol in words, built from the cells' configurations.
    func protocolParagraph() -> String {
        let parameters = input.cells.compactMap { try? HeartbeatCellParameters(decoding: $0) }
        func values<T: Hashable & Comparable>(_ key: (HeartbeatCellParameters) -> T) -> String {
            AnoDMReport.distinctValues(parameters, key)
        }
        let trainBeats = values { $0.trainBeats ?? -1 }.replacingOccurrences(of: "-1", with: "all")
        let testBeats = values { $0.testBeats ?? -1 }.replacingOccurrences(of: "-1", with: "all")
        let heatmapBetas = tcnBetas(HeartbeatProfilePlan.heatmapClass).map { NumberText.compact(Float($0)) }.joined(separator: ", ")
        return "Profile **\(plan.profile.rawValue)**: \(plan.seeds.count) seed(s) per cell; each cell holds one AAMI class out, trains a β-VAE (\(values(\.latentSize))-D latent, \(values { $0.likelihood.rawValue }) decoder, C = \(values(\.capacity))) with the encoder named and Table 3's Arrhythmia decoder, Adam (lr \(values(\.learningRate))), batch \(values(\.batchSize)), \(values(\.epochs)) epoch(s) over a stratified sample of \(trainBeats) normal training beats, and scores a stratified sample of \(testBeats) test beats (the same beats for every cell of a split). "
            + "Encoders (deviations.md): TCN of Table 3 (keras-tcn 2019: 64 filters, kernel 4, dilations 1…32, skip connections; 222,464 parameters), CNN (five stride-2 convolutions and FC 64; 218,768), LSTM (one layer of 235 units, last state; 222,780). The TCN runs at β \(heatmapBetas.isEmpty ? "—" : heatmapBetas) on class F. "
            + "t-SNE (ours, Barnes-Hut, perplexity 30, learning rate 200, \(values(\.tsneIterations)) iterations) maps the latent means of \(values(\.mapTrainingPoints)) normal training beats (a seeded sample) with every scored test beat; D_tSNE is the distance to the nearest training point in the map, D_RE the normalised squared error of a reconstruction decoded from one sampled z, N_tSNE (appendix F) D_tSNE divided by 0.5 times the mean pairwise training distance in the map. AUROC exact, ties counted half."
            + trainingBudget(parameters)
    }

    /// The Adam steps of a cell against the paper's 50 epochs over the whole split.
    func trainingBudget(_ parameters: [HeartbeatCellParameters]) -> String {
        let steps = Set(parameters.compactMap { p in p.trainBeats.map { p.epochs * ($0 / p.batchSize) } }).sorted()
        guard !steps.isEmpty else { return "" }
        // 50 epochs of batch 100 over the 86,912 normal training beats with class F held out.
        let paperSteps = 50 * ((HeartbeatSplit.publishedTrainCount - 642) / 100)
        return " **Training budget:** \(steps.map { NumberText.grouped($0) }.joined(separator: "/")) Adam steps per cell, against about \(NumberText.grouped(paperSteps)) in the paper's protocol (50 epochs over the whole split, class F held out)\(steps.last! * 10 < paperSteps ? ": these models are far less trained than the paper's" : "")."
    }

    // MARK: Figure 5

    func figureFive(folder: URL, report: inout MarkdownReport, reportURL: URL, claims: inout [String],
                    headlines: inout [String]) throws {
        report.heading("Figure 5: AUROC per held-out class and encoder")
        let encoders = HeartbeatEncoderName.allCases
        let protocols: [(name: String, value: ([RunRecord]) -> Summary?)] = [
            ("oracle α", { AnoDMReport.oracleAlpha($0, score: "mu")?.area }),
            ("no test selection", { AnoDMReport.summary($0, "auroc_standardised") }),
        ]
        var markdown = MarkdownTable(
            header: ["held-out class"] + protocols.flatMap { p in encoders.map { "\($0.title), \(p.name)" } }
                + encoders.map { "\($0.title), reconstruction only" } + ["n"],
            alignments: [.left] + Array(repeating: .right, count: 3 * encoders.count + 1))
        var csv: [ComparisonRow] = []
        for anomalous in classes {
            var row = [Self.classTitles[anomalous]]
            for (name, value) in protocols {
                for encoder in encoders {
                    let summary = value(runs(encoder, anomalous))
                    row.append(AnoDMReport.cell(summary))
                    csv.append(ComparisonRow(table: "figure 5", dataset: Self.paperDataset, model: "AnoDM \(encoder.title) (\(name))",
                                             setting: "class \(Self.className(anomalous)), beta \(HeartbeatProfilePlan.fixedBeta)",
                                             metric: "auroc", paperMean: nil, paperStd: nil, oursMean: summary?.mean,
                                             oursStd: summary?.standardDeviation, n: summary?.n ?? 0))
                }
            }
            for encoder in encoders { row.append(AnoDMReport.cell(AnoDMReport.summary(runs(encoder, anomalous), "auroc_reconstruction"))) }
            row.append("\(runs(.tcn, anomalous).count)")
            markdown.append(row)
        }
        try ComparisonRow.write(csv, to: folder.appendingPathComponent("figure-5.csv"))
        report.table(markdown, caption: "AUROC, mean ± std over seeds, every encoder at β = \(NumberText.compact(Float(HeartbeatProfilePlan.fixedBeta))). \"oracle α\": the best α of the grid on the test set (the paper's selection); \"no test selection\": both scores standardised and averaged. The paper's Figure 5 prints no numbers (its TCN bars are Table 2's rows, below). Also as CSV: [figure-5.csv](figure-5.csv).")
        for (index, (name, value)) in protocols.enumerated() {
            let clusters = classes.map { anomalous in
                BarCluster(label: Self.className(anomalous), values: encoders.map { encoder in
                    value(runs(encoder, anomalous)).map { ($0.mean, $0.standardDeviation ?? 0) }
                })
            }
            guard clusters.contains(where: { $0.values.contains { $0 != nil } }) else { continue }
            let file = folder.appendingPathComponent("figure-5-\(index == 0 ? "oracle" : "no-test-selection").png")
            try input.gnuplot.groupedBars(
                clusters, seriesNames: encoders.map { "\($0.title) encoder" },
                title: "Figure 5: AnoDM test AUROC per held-out class (\(name), β \(NumberText.compact(Float(HeartbeatProfilePlan.fixedBeta))))",
                xLabel: "held-out class: N normal, S supraventricular, V ventricular, F fusion, Q paced/unclassifiable", yLabel: "test AUROC (dashed: chance)", yRange: 0...1, reference: 0.5,
                output: file)
            report.image(file, alt: "Figure 5, \(name)", report: reportURL)

            // The claim: the TCN beats both other encoders in every class.
            var wins = 0, compared = 0, significant = 0, testable = 0
            var lowest: [String] = []
            for anomalous in classes {
                let tcn = runs(.tcn, anomalous).compactMap { r in value([r])?.mean }
                let others = [HeartbeatEncoderName.cnn, .lstm].map { encoder in runs(encoder, anomalous).compactMap { r in value([r])?.mean } }
                guard let tcnMean = Self.mean(tcn), others.allSatisfy({ !$0.isEmpty }) else { continue }
                compared += 1
                if others.allSatisfy({ tcnMean > Self.mean($0)! }) { wins += 1 }
                if tcn.count > 1 && others.allSatisfy({ $0.count > 1 }) {
                    testable += 1
                    if others.allSatisfy({ WelchTTest(tcn, $0).map { $0.pValue < ClaimVerdict.significanceLevel } ?? false }) { significant += 1 }
                }
                if let worst = encoders.min(by: { (value(runs($0, anomalous))?.mean ?? 2) < (value(runs($1, anomalous))?.mean ?? 2) }) {
                    lowest.append("\(Self.className(anomalous)): \(worst.title)")
                }
            }
            guard compared > 0 else { continue }
            let verdict = compared < classes.count ? "not tested: \(compared) of \(classes.count) classes ran"
                : (wins == compared ? "holds here" : "does not hold here")
            let significance = testable == 0
                ? "with \(plan.seeds.count) seed per cell the paper's \"significantly\" cannot be tested; the sign per class is what is reported"
                : "significantly above both (Welch, p < 0.05) in \(significant) of \(testable) classes over \(plan.seeds.count) seeds"
            claims.append("**The TCN encoder beats CNN and LSTM in every class** (\(name)): \(verdict); the TCN is above both in \(wins) of \(compared) classes; \(significance). Lowest encoder per class: \(lowest.joined(separator: ", ")).")
            if index == 0 { headlines.append("TCN above CNN and LSTM in \(wins) of \(compared) held-out classes (oracle α)") }
            if index == 1, let cnnN = value(runs(.cnn, Heartbeats.AAMIClass.n.rawValue))?.mean {
                let cnnOthers = classes.dropFirst().compactMap { value(runs(.cnn, $0))?.mean }
                if !cnnOthers.isEmpty {
                    claims.append("**The CNN does poorly only when class N is held out** (no test selection): \(cnnN < cnnOthers.min()! ? "holds here" : "does not hold here"), the CNN's AUROC with N held out is \(NumberFormat.fixed(cnnN, decimals: 3)) against \(NumberFormat.fixed(cnnOthers.min(), decimals: 3))–\(NumberFormat.fixed(cnnOthers.max(), decimals: 3)) for the other classes.")
                }
            }
        }
        report.paragraph("Bars are the mean over seeds (error bars: one standard deviation, none with one seed), the three encoders side by side for each held-out class.")
    }

    // MARK: Table 2

    func tableTwo(folder: URL, report: inout MarkdownReport, claims: inout [String], headlines: inout [String]) throws {
        report.heading("Table 2, Arrhythmia rows: μ-based against z-based maps (TCN encoder)")
        var markdown = MarkdownTable(header: ["held-out class", "paper μ (β, α)", "ours μ, oracle (β, α)", "paper z (β, α)",
                                              "ours z, oracle (β, α)", "ours, no test selection (β \(NumberText.compact(Float(HeartbeatProfilePlan.fixedBeta))))"],
                                     alignments: [.left, .right, .right, .right, .right, .right])
        var csv: [ComparisonRow] = []
        var averages: [String: [Double]] = [:]
        func paperNumber(_ model: String, _ setting: String, _ metric: String) -> Double? {
            paper.number(table: "2", dataset: Self.paperDataset, model: model, setting: setting, metric: metric)?.mean
        }
        func paperText(_ model: String, _ setting: String) -> String {
            guard let area = paperNumber(model, setting, "auroc") else { return "—" }
            return "\(NumberFormat.fixed(area, decimals: 3)) (\(paperNumber(model, setting, "beta").map { NumberText.compact(Float($0)) } ?? "?"), \(paperNumber(model, setting, "alpha").map { "\($0)" } ?? "?"))"
        }
        func oursText(_ best: (area: Summary, beta: Double, alpha: Double)?) -> String {
            best.map { "\(NumberFormat.summary($0.area, decimals: 3)) (\(NumberText.compact(Float($0.beta))), \($0.alpha))" } ?? "not run"
        }
        let gridClasses = classes.filter { tcnBetas($0).count > 1 }.map(Self.className)
        let fixedOnly = "β = \(NumberText.compact(Float(HeartbeatProfilePlan.fixedBeta))) only (the β the paper's own Arrhythmia rows pick in 9 of 10)"
        let gridText = gridClasses.count == classes.count ? "every class ran over the β grid."
            : gridClasses.isEmpty ? "every class ran at \(fixedOnly), so the oracle selects α only."
            : "class \(gridClasses.joined(separator: ", ")) ran over a β grid, the others at \(fixedOnly), so their oracle selects α only."
        for anomalous in classes {
            let setting = "class \(Self.className(anomalous))"
            let mu = oracleBetaAlpha(anomalous, score: "mu"), z = oracleBetaAlpha(anomalous, score: "z")
            let honest = AnoDMReport.summary(runs(.tcn, anomalous), "auroc_standardised")
            markdown.append([Self.classTitles[anomalous], paperText("AnoDM mu", setting), oursText(mu), paperText("AnoDM z", setting),
                             oursText(z), AnoDMReport.cell(honest)])
            if let mu { averages["mu", default: []].append(mu.area.mean) }
            if let z { averages["z", default: []].append(z.area.mean) }
            if let honest { averages["honest", default: []].append(honest.mean) }
            for (model, best) in [("AnoDM mu", mu?.area), ("AnoDM z", z?.area), ("AnoDM (standardised, no test selection)", honest)] {
                let number = paper.number(table: "2", dataset: Self.paperDataset, model: model, setting: setting, metric: "auroc")
                csv.append(ComparisonRow(table: "2", dataset: Self.paperDataset, model: model,
                                         setting: setting + (model.hasPrefix("AnoDM (") ? ", beta 0.01" : " (oracle beta, alpha)"),
                                         metric: "auroc", paperMean: number?.mean, paperStd: number?.std,
                                         oursMean: best?.mean, oursStd: best?.standardDeviation, n: best?.n ?? 0))
            }
        }
        func average(_ key: String) -> Double? {
            let values = averages[key] ?? []
            return values.count == classes.count ? Self.mean(values) : nil
        }
        markdown.append(["**average**", NumberFormat.fixed(paperNumber("AnoDM mu", "average", "auroc"), decimals: 3),
                         NumberFormat.fixed(average("mu"), decimals: 3),
                         NumberFormat.fixed(paperNumber("AnoDM z", "average", "auroc"), decimals: 3),
                         NumberFormat.fixed(average("z"), decimals: 3), NumberFormat.fixed(average("honest"), decimals: 3)])
        try ComparisonRow.write(csv, to: folder.appendingPathComponent("table-2-arrhythmia.csv"))
        report.table(markdown, caption: "The best AUROC over the TCN's β and the α grid (an oracle selection, as the paper's) of the mix with D_tSNE from a map of latent means μ or of one sampled z per beat; \(gridText) The last column selects nothing on the test set. The averages need every class. Also as CSV: [table-2-arrhythmia.csv](table-2-arrhythmia.csv).")
        if let mu = average("mu"), let honest = average("honest") {
            claims.append("**Oracle against no test selection (TCN, average over the five classes):** the oracle μ-based column averages \(NumberFormat.fixed(mu, decimals: 3)) (paper: \(NumberFormat.fixed(paperNumber("AnoDM mu", "average", "auroc"), decimals: 3))), the standardised mix at β 0.01 \(NumberFormat.fixed(honest, decimals: 3)): the test-set selection is worth \(NumberFormat.fixed(mu - honest, decimals: 3)) AUROC here.")
            headlines.append("TCN average AUROC \(NumberFormat.fixed(mu, decimals: 3)) oracle, \(NumberFormat.fixed(honest, decimals: 3)) without test selection (paper 0.940)")
        }
        if let mu = average("mu"), let z = average("z") {
            claims.append("**μ-based is at least as good as z-based** (Arrhythmia, TCN; paper: 0.940 both): \(mu >= z ? "holds here" : "does not hold here"), \(NumberFormat.fixed(mu, decimals: 3)) against \(NumberFormat.fixed(z, decimals: 3)) on average.")
        }
        let pairs = classes.compactMap { anomalous -> (Double, Double)? in
            let fixed = runs(.tcn, anomalous)
            guard let oracle = AnoDMReport.oracleAlpha(fixed, score: "mu"), let reconstruction = AnoDMReport.summary(fixed, "auroc_reconstruction")
            else { return nil }
            return (oracle.area.mean, reconstruction.mean)
        }
        if !pairs.isEmpty {
            let anoDM = Self.mean(pairs.map(\.0))!, reconstruction = Self.mean(pairs.map(\.1))!
            claims.append("**AnoDM beats reconstruction alone** (TCN, β 0.01, oracle α): \(anoDM > reconstruction ? "holds here" : "does not hold here"), \(NumberFormat.fixed(anoDM, decimals: 3)) against \(NumberFormat.fixed(reconstruction, decimals: 3)) on average over \(pairs.count) classes, higher in \(pairs.filter { $0.0 > $0.1 }.count) of them.")
        }
    }

    // MARK: Figures 2e and 8b

    func heatmaps(folder: URL, report: inout MarkdownReport, reportURL: URL, claims: inout [String]) throws {
        report.heading("Figures 2e and 8b: AUROC over β and α, class F held out (TCN)")
        let anomalous = HeartbeatProfilePlan.heatmapClass
        let grid = tcnBetas(anomalous)
        guard grid.count > 1 else {
            report.paragraph("Not drawn: the TCN has not run on class F at more than one β.")
            return
        }
        for (figure, score, label) in [("2e", "mu", "D_tSNE"), ("8b", "normalized", "N_tSNE (appendix F, c = 0.5)")] {
            let rows = grid.reversed().map { beta in
                AnoDMCells.alphas.map { alpha in
                    AnoDMReport.summary(runs(.tcn, anomalous, beta: beta), AnoDMEvaluation.alphaKey(score, alpha))?.mean ?? .nan
                }
            }
            let file = folder.appendingPathComponent("figure-\(figure)-class-F.png")
            try input.gnuplot.heatmap(
                values: rows, rowLabels: grid.reversed().map { NumberText.compact(Float($0)) },
                columnLabels: AnoDMCells.alphas.map { "\($0)" },
                title: "Figure \(figure): AUROC of α·D_RE + (1 − α)·\(label), heartbeats, class F held out, TCN encoder",
                xLabel: "α (weight of the reconstruction error)", yLabel: "β", valueLabel: "AUROC", output: file)
            report.image(file, alt: "Figure \(figure) heatmap, class F", report: reportURL)
        }
        report.paragraph("Each cell is the mean test AUROC over seeds at that β and α; α = 1 is reconstruction alone, α = 0 the map distance alone.")
        if let best = oracleBetaAlpha(anomalous, score: "mu") {
            claims.append("**The best β is below 1** (class F, TCN; the paper's row picks β 0.01): \(best.beta < 1 ? "holds here" : "does not hold here"), the best cell of the β × α grid is β = \(NumberText.compact(Float(best.beta))), α = \(best.alpha) (AUROC \(NumberFormat.fixed(best.area.mean, decimals: 3))).")
        }
    }

    // MARK: Figure 6

    func figureSix(folder: URL, report: inout MarkdownReport, reportURL: URL) throws {
        report.heading("Figure 6: class Q held out (TCN)")
        let anomalous = HeartbeatProfilePlan.caseStudyClass
        guard let record = runs(.tcn, anomalous).min(by: { $0.configuration.seed < $1.configuration.seed }) else {
            report.paragraph("Not drawn: the TCN cell with class Q held out has not run.")
            return
        }
        let seed = record.configuration.seed
        if let examples = try? input.store.array("examples", of: record), let normalCount = record.metrics["normal_examples"] {
            let (count, length) = (examples.shape[1], examples.shape[2])
            for (kind, range) in [("normal", 0..<Int(normalCount)), ("anomalous (class Q)", Int(normalCount)..<count)] where !range.isEmpty {
                var series: [ErrorBarSeries] = []
                for (position, beat) in range.enumerated() {
                    // Each beat 1.2 above the last, so they do not overlap.
                    let offset = Double(position) * 1.2
                    func line(_ part: Int) -> [(x: Double, mean: Double, std: Double)] {
                        (0..<length).map { (Double($0), Double(examples.values[(part * count + beat) * length + $0]) + offset, 0) }
                    }
                    series.append(ErrorBarSeries(name: "beat \(position + 1), original", points: line(0)))
                    series.append(ErrorBarSeries(name: "beat \(position + 1), reconstruction", points: line(1)))
                }
                let file = folder.appendingPathComponent("figure-6a-\(kind.hasPrefix("normal") ? "normal" : "anomalous").png")
                try input.gnuplot.linesWithErrorBars(series, title: "Figure 6a: \(kind) test beats and their reconstructions (TCN, seed \(seed))",
                                                     xLabel: "sample (125 Hz)", yLabel: "amplitude in [0, 1], beats stacked 1.2 apart",
                                                     output: file)
                report.image(file, alt: "Figure 6a, \(kind) beats", report: reportURL)
            }
            let normal = AnoDMReport.summary([record], "mean_reconstruction_normal")?.mean
            let anomalousError = AnoDMReport.summary([record], "mean_reconstruction_anomalous")?.mean
            if let normal, let anomalousError {
                report.paragraph("Mean D_RE over the test beats: \(NumberFormat.fixed(normal, decimals: 4)) for normal beats, \(NumberFormat.fixed(anomalousError, decimals: 4)) for class Q: \(anomalousError > normal ? "the anomalous beats are reconstructed worse on average, as the paper's Figure 6a shows (normal beats well, anomalous ones with larger errors)" : "the anomalous beats are reconstructed no worse on average, unlike the paper's Figure 6a (normal beats well, anomalous ones with larger errors)").")
            }
        }
        if let coordinates = try? input.store.array("map", of: record), let classes = try? input.store.array("map_classes", of: record) {
            var groups = self.classes.map { LineSeries(name: $0 == anomalous ? "Q (anomalous)" : Self.classTitles[$0], points: []) }
            for (index, label) in classes.values.enumerated() {
                groups[Int(label)].points.append((Double(coordinates.values[2 * index]), Double(coordinates.values[2 * index + 1])))
            }
            let drawn = groups.filter { !$0.points.isEmpty }
            let file = folder.appendingPathComponent("figure-6b-map.png")
            try input.gnuplot.classScatter(drawn, highlighted: drawn.firstIndex { $0.name.hasPrefix("Q") },
                                           title: "Fig. 6b: t-SNE map, Q held out (TCN, seed \(seed))", output: file)
            report.image(file, alt: "Figure 6b, t-SNE map", report: reportURL)
        }
        if let array = try? input.store.array(StoredAnomalyScores.arrayName, of: record),
           let oracle = AnoDMReport.oracleAlpha([record], score: "mu") {
            let curves = try StoredAnomalyScores(array).rocCurves(alpha: oracle.alpha)
            let file = folder.appendingPathComponent("figure-6c-roc.png")
            try input.gnuplot.roc(curves, title: "Figure 6c: ROC of the four scores, class Q held out, TCN, β \(NumberText.compact(Float(HeartbeatProfilePlan.fixedBeta)))",
                                  output: file)
            report.image(file, alt: "Figure 6c, ROC curves", report: reportURL)
            if oracle.alpha == 0 { report.paragraph("The oracle α is 0 here, so the AnoDM curve coincides with the t-SNE curve and is hidden under it.") }
            if oracle.alpha == 1 { report.paragraph("The oracle α is 1 here, so the AnoDM curve coincides with the reconstruction curve and is hidden under it.") }
        }
        report.paragraph("The cell of seed \(seed), β \(NumberText.compact(Float(HeartbeatProfilePlan.fixedBeta))). Figure 6a: the first test beats of each kind in the test sample's seeded order, drawn over their reconstructions (decoded from one sampled z). Figure 6b: the normal training beats of the map and every scored test beat, coloured by class, class Q in black crosses.")
    }

    // MARK: Inter-patient split (ours)

    func interPatient(folder: URL, report: inout MarkdownReport, claims: inout [String]) throws {
        report.heading("Our finding, not the paper's: the inter-patient split")
        let anomalous = HeartbeatProfilePlan.interPatientClass
        let splits: [(HeartbeatSplit, String)] = [(.stratified, "stratified random beats (the paper's kind of split)"),
                                                  (.interPatient, "inter-patient, DS1 → DS2 (de Chazal et al. 2004)")]
        var markdown = MarkdownTable(header: ["split", "reconstruction only", "t-SNE only", "AnoDM, oracle α", "AnoDM, no test selection",
                                              "normal training beats", "test beats (class V)"],
                                     alignments: [.left, .right, .right, .right, .right, .right, .right])
        var honestPerSeed: [HeartbeatSplit: [Double]] = [:]
        var csv: [ComparisonRow] = []
        for (split, title) in splits {
            let cell = runs(.tcn, anomalous, split: split)
            let standardised = AnoDMReport.summary(cell, "auroc_standardised")
            honestPerSeed[split] = cell.compactMap { $0.metrics["auroc_standardised"] }.filter(\.isFinite)
            let beats = AnoDMReport.summary(cell, "normal_train_beats")?.mean
            let normal = AnoDMReport.summary(cell, "normal_test_images")?.mean, anomalies = AnoDMReport.summary(cell, "anomalous_test_images")?.mean
            markdown.append([title, AnoDMReport.cell(AnoDMReport.summary(cell, "auroc_reconstruction")),
                             AnoDMReport.cell(AnoDMReport.summary(cell, "auroc_tsne_k1")),
                             AnoDMReport.cell(AnoDMReport.oracleAlpha(cell, score: "mu")?.area), AnoDMReport.cell(standardised),
                             beats.map { NumberText.grouped(Int($0)) } ?? "—",
                             normal.flatMap { n in anomalies.map { "\(NumberText.grouped(Int(n + $0))) (\(NumberText.grouped(Int($0))))" } } ?? "—"])
            csv.append(ComparisonRow(table: "inter-patient (ours)", dataset: Self.paperDataset, model: "AnoDM TCN (standardised, no test selection)",
                                     setting: "class V, \(split.rawValue) split", metric: "auroc", paperMean: nil, paperStd: nil,
                                     oursMean: standardised?.mean, oursStd: standardised?.standardDeviation, n: standardised?.n ?? 0))
        }
        try ComparisonRow.write(csv, to: folder.appendingPathComponent("inter-patient.csv"))
        report.table(markdown, caption: "TCN encoder, class V held out, β \(NumberText.compact(Float(HeartbeatProfilePlan.fixedBeta))): the same cell on the two splits. The inter-patient split trains on the normal beats of the 22 DS1 records and scores beats of the 22 DS2 records (other patients); the four paced records are in neither. Also as CSV: [inter-patient.csv](inter-patient.csv).")
        let (a, b) = (honestPerSeed[.stratified] ?? [], honestPerSeed[.interPatient] ?? [])
        if let random = Summary(a)?.mean, let patients = Summary(b)?.mean {
            let difference = random - patients
            let sentence = abs(difference) < 0.01
                ? "about the same on both splits (within 0.01)"
                : (difference > 0 ? "lower when the test patients are new: the beat-level split flatters it by \(NumberFormat.fixed(difference, decimals: 3))"
                                  : "higher on the inter-patient split, by \(NumberFormat.fixed(-difference, decimals: 3))")
            let seeds = min(a.count, b.count)
            let test = WelchTTest(a, b).map { "; Welch \(NumberFormat.pValue($0.pValue))" } ?? ""
            let text = "**Inter-patient split (ours):** AnoDM's AUROC for class V without test selection is \(NumberFormat.fixed(random, decimals: 3)) on the stratified split and \(NumberFormat.fixed(patients, decimals: 3)) on DS1 → DS2, \(sentence) (\(seeds) seed\(seeds == 1 ? "" : "s") a split\(test); one class)."
            report.paragraph(text)
            claims.append(text)
        }
    }
}
