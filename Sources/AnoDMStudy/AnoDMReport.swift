import Experiments
import Foundation
import Metrics
import Reports
import StudyKit

/// Turns the section's run files into `results/anodm-heatmaps/README.md`, the CSVs and the
/// figures. Every number comes from the run files (metrics and arrays); the paper's from
/// papers/anodm/tables.csv.
public struct AnoDMReport {
    public static let title = "AnoDM on images: β-VAE + t-SNE anomaly scores (anodm Tables 1, 2; Figures 2, 3, 4, 8)"
    /// Figure 3's β (the paper's six maps).
    static let mapBetas = [0.01, 0.3, 1, 2, 4, 10]
    /// Figure 4's Fashion-MNIST classes.
    static let rocClasses = [1, 3, 5, 7]

    public let input: SectionReportInput
    let plan: AnoDMProfilePlan
    var records: [RunRecord] { input.records }
    var paper: PaperNumbers { input.paper }

    public init(input: SectionReportInput) {
        self.input = input
        plan = AnoDMProfilePlan(input.profile)
    }

    /// Table 1's data sets (Small-NORB is in Table 2 only).
    static let tableOneDatasets: [AnoDMDataset] = [.mnist, .fashionMNIST, .cifar10]

    /// What a table cell without runs says: the data sets this machine may lack say why.
    static func notRun(_ dataset: AnoDMDataset) -> String {
        dataset == .cifar10 || dataset == .smallNORB ? "not run: data absent" : "not run"
    }

    // MARK: Reading the runs

    func parameters(_ record: RunRecord) -> AnoDMCellParameters? { try? AnoDMCellParameters(decoding: record.configuration) }

    /// The runs (every seed) of one data set, class and β.
    func runs(_ dataset: AnoDMDataset, _ anomalous: Int, beta: Double) -> [RunRecord] {
        records.filter { record in
            guard record.configuration.dataset == dataset.rawValue, let p = parameters(record) else { return false }
            return p.anomalousClass == anomalous && p.beta == beta
        }
    }

    /// The β that have runs for one data set and class, ascending.
    func betas(_ dataset: AnoDMDataset, _ anomalous: Int) -> [Double] {
        Set(records.compactMap { record -> Double? in
            guard record.configuration.dataset == dataset.rawValue, let p = parameters(record),
                  p.anomalousClass == anomalous else { return nil }
            return p.beta
        }).sorted()
    }

    /// A metric over the seeds of `runs` (nil when none has it).
    public static func summary(_ runs: [RunRecord], _ metric: String) -> Summary? {
        Summary(runs.compactMap { $0.metrics[metric] }.filter(\.isFinite))
    }

    /// A summary as a table cell, or why there is none.
    public static func cell(_ summary: Summary?, _ dataset: AnoDMDataset) -> String {
        summary.map { NumberFormat.summary($0, decimals: 3) } ?? notRun(dataset)
    }

    /// A summary as a table cell: "not run" when no run has the number.
    public static func cell(_ summary: Summary?) -> String {
        summary.map { NumberFormat.summary($0, decimals: 3) } ?? "not run"
    }

    /// The best mean AUROC over α of the mix named `score` ("mu", "normalized", "z"), with its α:
    /// the paper's selection of α on the test set.
    public static func oracleAlpha(_ runs: [RunRecord], score: String) -> (area: Summary, alpha: Double)? {
        AnoDMCells.alphas.compactMap { alpha -> (Summary, Double)? in
            summary(runs, AnoDMEvaluation.alphaKey(score, alpha)).map { ($0, alpha) }
        }.max { $0.0.mean < $1.0.mean }
    }

    /// The best over β and α (the paper's selection of both on the test set).
    func oracleBetaAlpha(_ dataset: AnoDMDataset, _ anomalous: Int, score: String)
        -> (area: Summary, beta: Double, alpha: Double)? {
        betas(dataset, anomalous).compactMap { beta -> (Summary, Double, Double)? in
            Self.oracleAlpha(runs(dataset, anomalous, beta: beta), score: score).map { ($0.area, beta, $0.alpha) }
        }.max { $0.0.mean < $1.0.mean }
    }

    // MARK: The report

    /// Writes the report, tables and figures into `input.folder`; returns the index headline.
    @discardableResult
    public func write() throws -> SectionSummary {
        let folder = input.folder
        let reportURL = folder.appendingPathComponent("README.md")
        var report = MarkdownReport(title: Self.title)
        report.paragraph("AnoDM trains a β-VAE on the normal classes only, maps the latent means of a sample of the training images and of every test image together to 2-D with t-SNE, and scores a test image by α·D_RE + (1 − α)·D_tSNE: its normalised reconstruction error and its distance to the nearest training points in the map. The paper reports that this beats reconstruction alone (MNIST 0.975 against 0.913 average AUROC, Fashion-MNIST 0.883 against 0.683), that the map distance beats the distance in the latent space, that β below 1 works best, and that latent means work at least as well as sampled codes.")
        report.paragraph(protocolParagraph())
        report.paragraph("**Two protocols.** The paper picks α (and β) per class by the best *test* AUROC over its grid: an oracle selection that flatters every number. Its column is reproduced here, labelled *oracle*. Beside it stands a protocol with no test-set selection: β fixed at \(NumberText.compact(Float(AnoDMProfilePlan.fixedBeta))) for every class and data set (the β the paper's own Table 2 picks most often, fixed before any run), and α replaced by a label-free rule: both scores standardised over the test points (mean 0, standard deviation 1) and averaged.")
        let absent = AnoDMDataset.allCases.filter { dataset in
            Self.notRun(dataset) != "not run" && !records.contains { $0.configuration.dataset == dataset.rawValue }
        }
        if !absent.isEmpty {
            report.paragraph("**Not run here: \(absent.map(\.title).joined(separator: ", ")).** No run file exists for \(absent.count == 1 ? "this data set" : "these data sets"): \(absent.count == 1 ? "its" : "their") files were not on the machine that drew this report, and \(absent.count == 1 ? "its" : "their") rows read \"not run: data absent\". `make data` fetches them and `\(input.provenance.command)` then runs their cells with Table 3's networks for them (`AnoDMImageArchitecture`). The Arrhythmia rows of Table 2 are a section of their own.")
        }
        var headlines: [String] = []
        var table1: [AnoDMDataset: [ClassRow]] = [:]
        for dataset in Self.tableOneDatasets {
            table1[dataset] = try tableOne(dataset, folder: folder, report: &report)
        }
        headlines += claims(table1, report: &report)
        neighbourCounts(report: &report)
        try tableTwo(folder: folder, report: &report)
        try heatmaps(folder: folder, report: &report, reportURL: reportURL)
        try maps(folder: folder, report: &report, reportURL: reportURL)
        try rocCurves(folder: folder, report: &report, reportURL: reportURL)
        return try input.finish(&report, at: reportURL, section: AnoDMCells.sectionName, title: Self.title, seeds: plan.seeds.count,
                                headlines: headlines, runFiles: " (the maps and scores behind Figures 3 and 4 are stored beside each run file)", choices: "Choices the paper leaves open: [papers/anodm/deviations.md](../../papers/anodm/deviations.md).")
    }

    /// The distinct values of one hyperparameter over `parameters`, ascending, as the
    /// protocol paragraphs print them ("3", "0.01", "24,300/60,000").
    public static func distinctValues<Parameters, T: Hashable & Comparable>(
        _ parameters: [Parameters], _ key: (Parameters) -> T
    ) -> String {
        Set(parameters.map(key)).sorted().map { value -> String in
            if let count = value as? Int { return NumberText.grouped(count) }
            if let number = value as? Double { return NumberText.compact(Float(number)) }
            return "\(value)"
        }.joined(separator: "/")
    }

    /// The protocol in words, built from the cells' configurations.
    func protocolParagraph() -> String {
        let parameters = input.cells.compactMap { try? AnoDMCellParameters(decoding: $0) }
        func values<T: Hashable & Comparable>(_ key: (AnoDMCellParameters) -> T) -> String {
            AnoDMReport.distinctValues(parameters, key)
        }
        let betaGrid = Set(parameters.map(\.beta)).sorted().map { NumberText.compact(Float($0)) }.joined(separator: ", ")
        return "Profile **\(plan.profile.rawValue)**: \(plan.seeds.count) seed(s) per cell; each cell holds one class out, trains the β-VAE of Table 3 (MNIST and Fashion-MNIST: two stride-2 convolutions, FC 128, FC 128; CIFAR-10 and Small-NORB: their own Table 3 networks; \(values(\.latentSize))-D latent; \(values { $0.likelihood.rawValue }) decoder; capacity C = \(values(\.capacity))) with Adam (lr \(values(\.learningRate))), batch \(values(\.batchSize)), \(values(\.epochs)) epoch(s) over the normal images among the first \(values(\.trainImages)) training images, and scores the first \(values(\.testImages)) test images. "
            + "β grid: \(betaGrid) (the whole grid for MNIST digit 7 and Fashion-MNIST \"Dress\", the fixed β for the other classes in this profile). "
            + "t-SNE (ours, Barnes-Hut, perplexity 30, learning rate 200, \(values(\.tsneIterations)) iterations) maps the latent means of \(values(\.mapTrainingPoints)) normal training images (a seeded sample) together with every test image; D_tSNE is the mean distance to the k = 1 nearest training points in the map (k = 3, 5 beside it), D_RE the normalised squared error of a reconstruction decoded from one sampled z, N_tSNE (appendix F) D_tSNE divided by c = \(NumberText.compact(Float(AnoDMCells.normalisation))) times the mean pairwise training distance in the map. AUROC exact, ties counted half."
    }

    // MARK: Table 1

    struct ClassRow {
        var anomalous: Int
        var reconstruction: Summary?
        var tsne: Summary?
        var latent: Summary?
        var oracle: (area: Summary, alpha: Double)?
        var standardised: Summary?
        var oracleBetaAlpha: (area: Summary, beta: Double, alpha: Double)?
    }

    func tableOne(_ dataset: AnoDMDataset, folder: URL, report: inout MarkdownReport) throws -> [ClassRow] {
        report.heading("Table 1: AUROC per held-out class, \(dataset.title)")
        var rows: [ClassRow] = []
        var csv: [ComparisonRow] = []
        var markdown = MarkdownTable(
            header: ["anomalous class", "paper β-VAE", "ours reconstruction", "paper AnoDM", "ours AnoDM, oracle α",
                     "ours AnoDM, oracle β and α", "ours AnoDM, no test selection", "ours t-SNE only",
                     "ours latent 1-NN", "n"],
            alignments: [.left] + Array(repeating: .right, count: 9))
        for anomalous in 0..<dataset.classCount {
            let fixed = runs(dataset, anomalous, beta: AnoDMProfilePlan.fixedBeta)
            let setting = "class \(anomalous)"
            let paperVAE = paper.number(table: "1", dataset: dataset.rawValue, model: "beta-VAE", setting: setting, metric: "auroc")
            let paperAnoDM = paper.number(table: "1", dataset: dataset.rawValue, model: "AnoDM", setting: setting, metric: "auroc")
            var row = ClassRow(anomalous: anomalous)
            row.reconstruction = Self.summary(fixed, "auroc_reconstruction")
            row.tsne = Self.summary(fixed, "auroc_tsne_k1")
            row.latent = Self.summary(fixed, "auroc_latent_distance")
            row.oracle = Self.oracleAlpha(fixed, score: "mu")
            row.standardised = Self.summary(fixed, "auroc_standardised")
            if betas(dataset, anomalous).count > 1 { row.oracleBetaAlpha = oracleBetaAlpha(dataset, anomalous, score: "mu") }
            if !fixed.isEmpty { rows.append(row) }
            let beta = NumberText.compact(Float(AnoDMProfilePlan.fixedBeta))
            markdown.append([
                dataset.className(anomalous),
                NumberFormat.fixed(paperVAE?.mean, decimals: 3), Self.cell(row.reconstruction, dataset),
                NumberFormat.fixed(paperAnoDM?.mean, decimals: 3),
                row.oracle.map { NumberFormat.summary($0.area, decimals: 3) + " (α \($0.alpha))" } ?? Self.notRun(dataset),
                row.oracleBetaAlpha.map { NumberFormat.summary($0.area, decimals: 3) + " (β \(NumberText.compact(Float($0.beta))), α \($0.alpha))" } ?? "—",
                Self.cell(row.standardised, dataset), Self.cell(row.tsne, dataset), Self.cell(row.latent, dataset), "\(fixed.count)",
            ])
            func add(_ model: String, _ paperNumber: PaperNumber?, _ ours: Summary?) {
                csv.append(ComparisonRow(table: "1", dataset: dataset.rawValue, model: model,
                                         setting: "\(setting), β \(beta)", metric: "auroc",
                                         paperMean: paperNumber?.mean, paperStd: paperNumber?.std,
                                         oursMean: ours?.mean, oursStd: ours?.standardDeviation, n: ours?.n ?? 0))
            }
            add("beta-VAE", paperVAE, row.reconstruction)
            add("AnoDM (oracle alpha)", paperAnoDM, row.oracle?.area)
            add("AnoDM (standardised, no test selection)", nil, row.standardised)
            add("t-SNE only", nil, row.tsne)
            add("latent 1-NN", nil, row.latent)
        }
        func average(_ key: (ClassRow) -> Double?) -> Double? {
            let values = rows.compactMap(key)
            return values.count == rows.count && !values.isEmpty ? values.reduce(0, +) / Double(values.count) : nil
        }
        let paperAverage = { (model: String) in
            paper.number(table: "1", dataset: dataset.rawValue, model: model, setting: "average", metric: "auroc")?.mean
        }
        markdown.append(["**average** (\(rows.count) classes)", NumberFormat.fixed(paperAverage("beta-VAE"), decimals: 3),
                         NumberFormat.fixed(average { $0.reconstruction?.mean }, decimals: 3),
                         NumberFormat.fixed(paperAverage("AnoDM"), decimals: 3),
                         NumberFormat.fixed(average { $0.oracle?.area.mean }, decimals: 3), "—",
                         NumberFormat.fixed(average { $0.standardised?.mean }, decimals: 3),
                         NumberFormat.fixed(average { $0.tsne?.mean }, decimals: 3),
                         NumberFormat.fixed(average { $0.latent?.mean }, decimals: 3), ""])
        let file = "table-1-\(dataset.rawValue).csv"
        try ComparisonRow.write(csv, to: folder.appendingPathComponent(file))
        report.table(markdown, caption: "AUROC, mean ± std over seeds, every number at β = \(NumberText.compact(Float(AnoDMProfilePlan.fixedBeta))) except the \"oracle β and α\" column (the heatmap classes). \"oracle α\": the best α of the grid on the test set, as the paper selects; \"no test selection\": both scores standardised over the test points and averaged. The paper's AnoDM column is its best of μ- and z-based with β and α chosen on the test set. The average is over the classes run, and only when every class has the number. Also as CSV: [\(file)](\(file)). CapsNet, AnoGAN and ADGAN (the paper's comparison) are in papers/anodm/tables.csv; they are the paper's transcriptions, not ours.")
        return rows
    }

    // MARK: Claims

    func claims(_ table1: [AnoDMDataset: [ClassRow]], report: inout MarkdownReport) -> [String] {
        report.heading("The paper's claims, tested")
        var items: [String] = []
        var headlines: [String] = []
        for dataset in Self.tableOneDatasets {
            let rows = table1[dataset] ?? []
            guard !rows.isEmpty else { continue }
            let pairs = rows.compactMap { row in row.oracle.flatMap { o in row.reconstruction.map { (o.area.mean, $0.mean) } } }
            if !pairs.isEmpty {
                let oracle = pairs.map(\.0).reduce(0, +) / Double(pairs.count)
                let reconstruction = pairs.map(\.1).reduce(0, +) / Double(pairs.count)
                let wins = pairs.filter { $0.0 > $0.1 }.count
                let verdict = oracle > reconstruction ? "holds here" : "does not hold here"
                items.append("**AnoDM beats reconstruction alone on \(dataset.title)** (paper: \(NumberFormat.fixed(paper.number(table: "1", dataset: dataset.rawValue, model: "AnoDM", setting: "average", metric: "auroc")?.mean, decimals: 3)) against \(NumberFormat.fixed(paper.number(table: "1", dataset: dataset.rawValue, model: "beta-VAE", setting: "average", metric: "auroc")?.mean, decimals: 3))): \(verdict) with the oracle α, \(NumberFormat.fixed(oracle, decimals: 3)) against \(NumberFormat.fixed(reconstruction, decimals: 3)) on average over \(pairs.count) classes, higher in \(wins) of them (\(plan.seeds.count) seed(s) per class: a count over classes, no significance test).")
                headlines.append("\(dataset.title) AnoDM (oracle α) \(NumberFormat.fixed(oracle, decimals: 3)) vs reconstruction \(NumberFormat.fixed(reconstruction, decimals: 3))")
            }
            let honest = rows.compactMap { row in row.standardised.flatMap { s in row.oracle.map { (s.mean, $0.area.mean) } } }
            if !honest.isEmpty {
                let standardised = honest.map(\.0).reduce(0, +) / Double(honest.count)
                let oracle = honest.map(\.1).reduce(0, +) / Double(honest.count)
                items.append("**Oracle against no test selection, \(dataset.title):** the standardised mix averages \(NumberFormat.fixed(standardised, decimals: 3)), the oracle α \(NumberFormat.fixed(oracle, decimals: 3)): the test-set selection is worth \(NumberFormat.fixed(oracle - standardised, decimals: 3)) AUROC here.")
            }
            let distance = rows.compactMap { row in row.tsne.flatMap { t in row.latent.map { (t.mean, $0.mean) } } }
            if !distance.isEmpty {
                let tsne = distance.map(\.0).reduce(0, +) / Double(distance.count)
                let latent = distance.map(\.1).reduce(0, +) / Double(distance.count)
                let wins = distance.filter { $0.0 > $0.1 }.count
                items.append("**The t-SNE distance beats the latent distance, \(dataset.title):** \(tsne > latent ? "holds here" : "does not hold here"), \(NumberFormat.fixed(tsne, decimals: 3)) against \(NumberFormat.fixed(latent, decimals: 3)) on average (1-NN in the map against 1-NN among the same training points in the \(AnoDMProfilePlan.latentSize)-D latent space), higher in \(wins) of \(distance.count) classes.")
            }
        }
        for dataset in AnoDMDataset.allCases {
            guard let anomalous = dataset.heatmapClass, betas(dataset, anomalous).count > 1 else { continue }
            if let best = oracleBetaAlpha(dataset, anomalous, score: "mu") {
                items.append("**The best β is below 1** (\(dataset.title) \(dataset.className(anomalous))): \(best.beta < 1 ? "holds here" : "does not hold here"), the best cell of the β × α grid is β = \(NumberText.compact(Float(best.beta))), α = \(best.alpha) (AUROC \(NumberFormat.fixed(best.area.mean, decimals: 3))).")
            }
            if let mu = oracleBetaAlpha(dataset, anomalous, score: "mu"), let z = oracleBetaAlpha(dataset, anomalous, score: "z") {
                items.append("**μ-based is at least as good as z-based** (\(dataset.title) \(dataset.className(anomalous))): \(mu.area.mean >= z.area.mean ? "holds here" : "does not hold here"), best μ-based \(NumberFormat.fixed(mu.area.mean, decimals: 3)) against best z-based \(NumberFormat.fixed(z.area.mean, decimals: 3)).")
            }
        }
        report.bulletList(items.isEmpty ? ["No cell has run yet."] : items)
        return headlines
    }

    // MARK: k nearest training points

    /// D_tSNE averaged over the k = 1, 3, 5 nearest training points in the map (section 3.5 uses
    /// k = 1), per data set, as the map distance alone (α = 0) at the fixed β.
    func neighbourCounts(report: inout MarkdownReport) {
        report.heading("D_tSNE with k = \(AnoDMCells.neighbourCounts.map(String.init).joined(separator: ", ")) nearest training points")
        var markdown = MarkdownTable(header: ["data set"] + AnoDMCells.neighbourCounts.map { "k = \($0)" } + ["classes"],
                                     alignments: [.left] + Array(repeating: .right, count: AnoDMCells.neighbourCounts.count + 1))
        for dataset in AnoDMDataset.allCases {
            let perClass = (0..<dataset.classCount).map { runs(dataset, $0, beta: AnoDMProfilePlan.fixedBeta) }.filter { !$0.isEmpty }
            let columns = AnoDMCells.neighbourCounts.map { k -> String in
                let means = perClass.compactMap { Self.summary($0, "auroc_tsne_k\(k)")?.mean }
                guard !means.isEmpty, means.count == perClass.count else { return Self.notRun(dataset) }
                return NumberFormat.fixed(means.reduce(0, +) / Double(means.count), decimals: 3)
            }
            markdown.append([dataset.title] + columns + ["\(perClass.count)"])
        }
        report.table(markdown, caption: "Mean AUROC over the held-out classes of the map distance alone (α = 0) at β = \(NumberText.compact(Float(AnoDMProfilePlan.fixedBeta))), the distance averaged over the k nearest training points in the joint t-SNE map (the paper's default is k = 1).")
    }

    // MARK: Table 2

    func tableTwo(folder: URL, report: inout MarkdownReport) throws {
        report.heading("Table 2: μ-based against z-based maps")
        var markdown = MarkdownTable(header: ["class", "paper μ (β, α)", "ours μ, oracle (β, α)", "paper z (β, α)",
                                              "ours z, oracle (β, α)"],
                                     alignments: [.left, .right, .right, .right, .right])
        var csv: [ComparisonRow] = []
        for dataset in AnoDMDataset.allCases {
          // The classes whose cells also fitted a map of sampled z; every class, as "not run",
          // for a data set with no run at all.
          let fitted = (0..<dataset.classCount).filter { anomalous in
              betas(dataset, anomalous).contains { beta in
                  runs(dataset, anomalous, beta: beta).contains { $0.metrics[AnoDMEvaluation.alphaKey("z", 0)] != nil }
              }
          }
          let hasRuns = records.contains { $0.configuration.dataset == dataset.rawValue }
          for anomalous in hasRuns ? fitted : Array(0..<dataset.classCount) {
            let setting = "class \(anomalous)"
            func paperText(_ model: String) -> String {
                func value(_ metric: String) -> Double? {
                    paper.number(table: "2", dataset: dataset.rawValue, model: model, setting: setting, metric: metric)?.mean
                }
                guard let area = value("auroc") else { return "—" }
                return "\(NumberFormat.fixed(area, decimals: 3)) (\(value("beta").map { NumberText.compact(Float($0)) } ?? "?"), \(value("alpha").map { "\($0)" } ?? "?"))"
            }
            let mu = oracleBetaAlpha(dataset, anomalous, score: "mu")
            let z = oracleBetaAlpha(dataset, anomalous, score: "z")
            func oursText(_ best: (area: Summary, beta: Double, alpha: Double)?) -> String {
                best.map { "\(NumberFormat.summary($0.area, decimals: 3)) (\(NumberText.compact(Float($0.beta))), \($0.alpha))" } ?? Self.notRun(dataset)
            }
            markdown.append(["\(dataset.title) \(dataset.className(anomalous))", paperText("AnoDM mu"), oursText(mu),
                             paperText("AnoDM z"), oursText(z)])
            for (model, best) in [("AnoDM mu", mu), ("AnoDM z", z)] {
                let number = paper.number(table: "2", dataset: dataset.rawValue, model: model, setting: setting, metric: "auroc")
                csv.append(ComparisonRow(table: "2", dataset: dataset.rawValue, model: model, setting: setting + " (oracle beta, alpha)",
                                         metric: "auroc", paperMean: number?.mean, paperStd: number?.std,
                                         oursMean: best?.area.mean, oursStd: best?.area.standardDeviation, n: best?.area.n ?? 0))
            }
          }
        }
        try ComparisonRow.write(csv, to: folder.appendingPathComponent("table-2.csv"))
        report.table(markdown, caption: "The best AUROC over the β that ran × the α grid (an oracle selection on the test set, as the paper's) of the mix with D_tSNE from a map of latent means μ or of one sampled z per image. Rows: the classes whose cells fitted the z map too (\(plan.profile == .paper ? "every class in this profile" : "MNIST digit 7 and Fashion-MNIST \"Dress\" with the whole β grid, every CIFAR-10 and Small-NORB class at β = \(NumberText.compact(Float(AnoDMProfilePlan.fixedBeta))) alone, in this profile")); the paper's table has every class. Also as CSV: [table-2.csv](table-2.csv).")
    }

    // MARK: Figures 2 and 8

    func heatmaps(folder: URL, report: inout MarkdownReport, reportURL: URL) throws {
        report.heading("Figures 2 and 8: AUROC over β and α")
        var drew = false
        for (figure, score, label) in [(2, "mu", "D_tSNE"), (8, "normalized", "N_tSNE (appendix F, c = 0.5)")] {
            for dataset in AnoDMDataset.allCases {
                guard let anomalous = dataset.heatmapClass else { continue }
                let grid = betas(dataset, anomalous)
                guard grid.count > 1 else { continue }
                // Highest β on top, as the paper draws it.
                let rows = grid.reversed().map { beta in
                    AnoDMCells.alphas.map { alpha in
                        Self.summary(runs(dataset, anomalous, beta: beta), AnoDMEvaluation.alphaKey(score, alpha))?.mean ?? .nan
                    }
                }
                let file = folder.appendingPathComponent("figure-\(figure)-\(dataset.rawValue)-class-\(anomalous).png")
                try input.gnuplot.heatmap(
                    values: rows, rowLabels: grid.reversed().map { NumberText.compact(Float($0)) },
                    columnLabels: AnoDMCells.alphas.map { "\($0)" },
                    title: "Figure \(figure): AUROC of α·D_RE + (1 − α)·\(label), \(dataset.title) \(dataset.className(anomalous)) held out",
                    xLabel: "α (weight of the reconstruction error)", yLabel: "β", valueLabel: "AUROC", output: file)
                report.image(file, alt: "Figure \(figure) heatmap, \(dataset.title) class \(anomalous)", report: reportURL)
                drew = true
            }
        }
        report.paragraph(drew ? "Each cell is the mean test AUROC over seeds at that β and α; α = 1 is reconstruction alone, α = 0 the map distance alone. Figure 8 divides the map distance by c times the mean distance between training points in the map, which brings the two scores to one scale: compare where the best α falls in the two figures." : "Not drawn: no heatmap class has run at more than one β.")
    }

    // MARK: Figure 3

    func maps(folder: URL, report: inout MarkdownReport, reportURL: URL) throws {
        report.heading("Figure 3: t-SNE maps, MNIST digit 7 held out")
        var drawn = 0
        for beta in Self.mapBetas {
            guard let record = runs(.mnist, 7, beta: beta).min(by: { $0.configuration.seed < $1.configuration.seed }),
                  let coordinates = try? input.store.array("map", of: record),
                  let classes = try? input.store.array("map_classes", of: record) else { continue }
            var groups = (0..<10).map { LineSeries(name: $0 == 7 ? "digit 7 (anomalous)" : "digit \($0)", points: []) }
            for (index, label) in classes.values.enumerated() {
                groups[Int(label)].points.append((Double(coordinates.values[2 * index]), Double(coordinates.values[2 * index + 1])))
            }
            let file = folder.appendingPathComponent("figure-3-beta-\(NumberText.compact(Float(beta))).png")
            try input.gnuplot.classScatter(groups.filter { !$0.points.isEmpty }, highlighted: groups.filter { !$0.points.isEmpty }.firstIndex { $0.name.hasPrefix("digit 7") },
                                           title: "t-SNE map of latent means, β = \(NumberText.compact(Float(beta))) (seed \(record.configuration.seed))",
                                           output: file)
            report.image(file, alt: "t-SNE map, MNIST digit 7 held out, beta \(beta)", report: reportURL)
            drawn += 1
        }
        report.paragraph(drawn > 0 ? "Normal training images and every test image together, coloured by class; the held-out digit 7 in black crosses." : "Not drawn: no MNIST digit-7 cell at the paper's β has run.")
    }

    // MARK: Figure 4

    func rocCurves(folder: URL, report: inout MarkdownReport, reportURL: URL) throws {
        report.heading("Figure 4: ROC curves of the four scores, Fashion-MNIST")
        var drawn = 0
        for anomalous in Self.rocClasses {
            guard let record = runs(.fashionMNIST, anomalous, beta: AnoDMProfilePlan.fixedBeta)
                    .min(by: { $0.configuration.seed < $1.configuration.seed }),
                  let array = try? input.store.array(StoredAnomalyScores.arrayName, of: record),
                  let oracle = Self.oracleAlpha([record], score: "mu") else { continue }
            let curves = try StoredAnomalyScores(array).rocCurves(alpha: oracle.alpha)
            let file = folder.appendingPathComponent("figure-4-class-\(anomalous).png")
            try input.gnuplot.roc(curves, title: "Fashion-MNIST \(AnoDMDataset.fashionMNIST.className(anomalous)) held out, β \(NumberText.compact(Float(AnoDMProfilePlan.fixedBeta)))",
                                  output: file)
            report.image(file, alt: "ROC curves, Fashion-MNIST class \(anomalous)", report: reportURL)
            drawn += 1
        }
        report.paragraph(drawn > 0 ? "One seed per class, at the fixed β; the AnoDM curve uses the cell's oracle α." : "Not drawn: no Fashion-MNIST cell of classes \(Self.rocClasses) has run.")
    }
}
