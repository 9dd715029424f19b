import Datasets
import Experiments
import Foundation
import Metrics
import Randomness
import Reports
import StudyKit

/// Turns the section's run files into `results/betavae-smallnorb/README.md`: Table 12 for
/// Small-NORB (the paper's data, run where its files are) and for rendered dSprites (our
/// experiment), both score protocols, the paper's three claims tested per data set and
/// protocol, the α rule checked on the unsupervised row, and the pictures: rendered
/// observations, reconstructions and latent traversals. Every number comes from the run files;
/// the paper's from papers/semisupervised-vae/betavae-table.csv.
public struct DisentanglementReport {
    public let input: SectionReportInput
    var records: [RunRecord] { input.records }

    public static let title = "Disentanglement with sparse labels (semisupervised-vae section 4, Table 12)"
    static let protocols = [BetaVAEProtocol.paper.name, BetaVAEProtocol.disentanglementLib.name]

    public init(input: SectionReportInput) { self.input = input }

    /// The rows of the cells, in Table 12's order.
    var rows: [LabelRow] {
        let settings = Set(input.cells.map(\.setting))
        return (LabelRow.table12 + DisentanglementProfilePlan(.smoke).rows).reduce(into: [LabelRow]()) { list, row in
            if settings.contains(row.description) && !list.contains(row) { list.append(row) }
        }
    }

    var datasets: [FactorDataName] {
        FactorDataName.allCases.filter { name in input.cells.contains { $0.dataset == name.rawValue } }
    }

    func scores(_ dataset: FactorDataName, _ row: LabelRow, _ scoreProtocol: String) -> [Double] {
        Collector.values(records) { $0.metrics["betavae_\(scoreProtocol)"] }[
            CellGroup(dataset: dataset.rawValue, model: DisentanglementCells.model, setting: row.description)] ?? []
    }

    func paperScore(_ row: LabelRow) -> PaperNumber? {
        input.paper.number(table: "12", dataset: FactorDataName.smallNORB.rawValue, model: DisentanglementCells.model,
                           setting: row.description, metric: "betavae_paper")
    }

    @discardableResult
    public func write() throws -> SectionSummary {
        let folder = input.folder
        let reportURL = folder.appendingPathComponent("README.md")
        var report = MarkdownReport(title: Self.title)
        report.paragraph("Do a few labels make a VAE's latent space more disentangled? Section 4 trains the convolutional VAE of Table 16 with one softmax π head per generating factor (the heads never reach the decoder) on about 38,000 unlabelled Small-NORB stereo pairs plus 0 to 3,000 labelled ones, and scores the latent means with the βVAE metric of Higgins et al. (2017).")
        report.paragraph(dataParagraph())
        report.paragraph(protocolParagraph())
        report.paragraph(weightsParagraph())

        report.heading("Table 12")
        let table = try tableTwelve(folder: folder)
        report.table(table, caption: "βVAE score in % (mean ± std over n seeds, the classifier's accuracy on fresh points). The paper's column is its Small-NORB Table 12; our columns are our runs, per data set and score protocol. Also as CSV: [table-12.csv](table-12.csv).")
        var headlines: [String] = []
        for dataset in datasets where records.contains(where: { $0.configuration.dataset == dataset.rawValue }) {
            for scoreProtocol in Self.protocols {
                let figure = folder.appendingPathComponent("table-12-\(dataset.rawValue)-\(scoreProtocol.replacingOccurrences(of: "_", with: "-")).png")
                try input.gnuplot.paperVersusOurs(rows.map { row in
                    let ours = Summary(scores(dataset, row, scoreProtocol))
                    let paper = paperScore(row)
                    return BarGroup(label: row.description, paperMean: paper.map { $0.mean * 100 }, paperStd: paper?.std.map { $0 * 100 },
                                    oursMean: ours.map { $0.mean * 100 }, oursStd: ours?.standardDeviation.map { $0 * 100 })
                }, title: "βVAE score: paper (Small-NORB) vs ours (\(dataset.title), \(scoreProtocol) protocol)",
                   yLabel: "betaVAE score (%)", output: figure)
                report.image(figure, alt: "Table 12, paper versus ours on \(dataset.title), \(scoreProtocol) protocol", report: reportURL)
            }
        }

        report.heading("The paper's claims")
        let claims = claimTable()
        report.table(claims.table, caption: "Each claim compares two rows of Table 12. \"paper\" is the direction of the paper's own two numbers (Small-NORB); \"holds here\" compares our direction with it, \"yes\" when the same and significant (two-sided Welch t-test over seeds, p < 0.05). A tie is never a win.")
        headlines += claims.headlines
        if let reading = claimsReading(claims.verdicts) { report.paragraph(reading) }

        report.heading("Pictures")
        try pictures(into: &report, folder: folder, reportURL: reportURL)

        report.heading("Not regenerated here")
        report.bulletList(notRegenerated())
        return try input.finish(&report, at: reportURL, section: DisentanglementCells.sectionName, title: Self.title, seeds: input.provenance.seedsPerCell,
                                headlines: headlines, training: " and whose data set is at hand (Small-NORB: `make data` first; `--datasets smallnorb` runs only those cells, `--shard i/n` splits them over machines)", choices: "Choices the paper leaves open: [papers/semisupervised-vae/deviations.md](../../papers/semisupervised-vae/deviations.md) (section \"Disentanglement\").")
    }

    func dataParagraph() -> String {
        var sentences: [String] = []
        let normRuns = records.filter { $0.configuration.dataset == FactorDataName.smallNORB.rawValue }.count
        if datasets.contains(.smallNORB) {
            sentences.append(normRuns == 0
                ? "**Small-NORB rows: not run here, data absent.** The Small-NORB files were not on the machine that made this report; `make figures SECTION=betavae-smallnorb` runs those cells wherever `make data` has installed them."
                : "Small-NORB: \(normRuns) runs, both splits together (48,600 stereo pairs, instance a nuisance factor drawn at random and never held fixed).")
        }
        if datasets.contains(.dSprites) {
            sentences.append("**dSprites rows: our experiment, not the paper's.** So that the protocol runs and the claims get tested at all, the same model and protocol run on dSprites (Matthey et al. 2017) rendered on demand from its published definition (`Datasets/DSprites.swift`: 64×64 binary images, factors shape 3, scale 6, orientation 40, position x 32, position y 32; 737,280 combinations, none stored), with one π head per factor. Its scores are not comparable to the paper's Small-NORB numbers in level, only in the shape of the curve over label counts.")
            sentences.append("Table 16 adapted to 64×64×1: the same layers (four 7×7 stride-2 convolutions with 32, 32, 64, 64 channels and batch norm, dense 256 with batch norm and dropout 0.5, a 32-D latent layer; decoder dense, four 7×7 stride-2 transposed convolutions with 64, 64, 32, 32 channels, a 7×7 output convolution), with one input and output channel instead of two and a 4×4×64 grid (dense 1,024) instead of 6×6×64 (2,304), since four halvings take 64 to 4.")
        }
        return sentences.joined(separator: " ")
    }

    /// The protocol in words, from the cells' configurations.
    func protocolParagraph() -> String {
        let parameters = input.cells.compactMap { try? DisentanglementCellParameters(decoding: $0) }
        func values<T: Hashable & Comparable>(_ key: (DisentanglementCellParameters) -> T) -> String {
            Set(parameters.map(key)).sorted().map { "\($0)" }.joined(separator: "/")
        }
        let seeds = input.provenance.seedsPerCell
        var sentences = ["Profile **\(input.profile.rawValue)**: \(seeds) seed\(seeds == 1 ? "" : "s") per row (each seed draws its own pool, labelled points, initialisation, batches and score points)."]
        let epochs = values(\.epochs)
        sentences.append("Training: \(epochs) epoch\(epochs == "1" ? "" : "s") of \(values(\.stepsPerEpoch)) steps, batch \(values(\.batchSize)) (half labelled, half from the pool when both are used), RMSprop (lr \(values(\.learningRate)), rho \(values(\.rmspropRho))), a pool of \(values { NumberText.grouped($0.poolSize) }) distinct factor combinations drawn per seed; the labelled points are the first of the pool, labelled for every factor; the supervised-only row trains on its labelled points alone, with the decoder.")
        let paper = values { "\($0.scorePointsPaper[0]) + \($0.scorePointsPaper[1])" }
        let lib = values { "\($0.scorePointsDisentanglementLib[0]) + \($0.scorePointsDisentanglementLib[1])" }
        sentences.append("Score: the βVAE metric on the latent means (not π), each point the mean |μ(x₁) − μ(x₂)| over \(values(\.scoreBatch)) pairs sharing one factor; a multinomial logistic regression (scikit-learn's default: lbfgs, L2, C = 1) fitted on the training points and scored on fresh evaluation points. Two protocols: the paper's (\(paper) points; the paper uses 2,048 + 2,048) and disentanglement_lib's (\(lib); it uses 10,000 + 5,000), drawn once from one stream, each protocol using the first points.")
        return sentences.joined(separator: " ")
    }

    /// α and β_norm, and the paper's rule for α checked on our unsupervised and labelled rows.
    func weightsParagraph() -> String {
        var sentences: [String] = []
        let parameters = input.cells.compactMap { try? DisentanglementCellParameters(decoding: $0) }
        let alphas = datasets.map { dataset -> String in
            let decoded = input.cells.filter { $0.dataset == dataset.rawValue }.compactMap { try? DisentanglementCellParameters(decoding: $0) }
            let values = Set(decoded.compactMap(\.classWeight))
            return "\(self.values(values.sorted())) for \(dataset.title)"
        }
        sentences.append("Weights, the same for every row of a data set: β_norm = \(values(Set(parameters.map(\.klWeight)).sorted())) (the KL weight; the paper's optimum on its unsupervised row, taken as is) and α = \(alphas.joined(separator: ", ")) (the weight of each head's cross-entropy; Small-NORB's is dSprites' per input value, × 18,432 / 4,096, until its own unsupervised row has run).")
        sentences.append("α follows the paper's rule (\"its average contribution to the total loss is about of the same order of magnitude as the reconstruction loss\"), applied once on the unsupervised row: α = R / Σₖ ln nₖ, R the unsupervised row's final reconstruction loss (\(DisentanglementSettings.classWeightOrigin)) and Σₖ ln nₖ the heads' cross-entropy before they learn.")
        for dataset in datasets {
            let unsupervised = records.filter { $0.configuration.dataset == dataset.rawValue && $0.configuration.setting == LabelRow(labeled: 0).description }
            let labeled = records.filter { $0.configuration.dataset == dataset.rawValue && ($0.metrics["labeled_points"] ?? 0) > 0 }
            guard let r = Summary(unsupervised.compactMap { $0.metrics["train_reconstruction"] }) else { continue }
            let entropy = dataset.heads.map { log(Double($0.classCount)) }.reduce(0, +)
            let rule = r.mean / entropy
            let used = DisentanglementSettings.classWeight(for: dataset)
            let ratio = used / rule
            let within = ratio >= 1.0 / 3 && ratio <= 3
            sentences.append("\(dataset.title): these runs' unsupervised rows end at R = \(NumberFormat.fixed(r.mean, decimals: 1)) nats, so the rule gives α = \(NumberFormat.fixed(rule, decimals: 1)) (Σₖ ln nₖ = \(NumberFormat.fixed(entropy, decimals: 2))); the α used, \(NumberFormat.fixed(used, decimals: 1)), is \(within ? "within" : "not within") a factor of 3 of it.")
            if let classification = Summary(labeled.compactMap { $0.metrics["train_classification"] }),
               let reconstruction = Summary(labeled.compactMap { $0.metrics["train_reconstruction"] }) {
                let share = classification.mean / reconstruction.mean
                let sameOrder = share >= 0.1 && share <= 10
                sentences.append("In the labelled rows the weighted cross-entropy ends at \(NumberFormat.fixed(classification.mean, decimals: 1)) nats per batch against a reconstruction loss of \(NumberFormat.fixed(reconstruction.mean, decimals: 1)) (ratio \(NumberFormat.fixed(share, decimals: 2))): \(sameOrder ? "the same order of magnitude, as the rule asks" : "not the same order of magnitude, so the rule is not met at the end of training").")
            }
        }
        return sentences.joined(separator: " ")
    }

    func values(_ numbers: [Double]) -> String {
        numbers.isEmpty ? "none" : numbers.map { NumberFormat.exact($0) }.joined(separator: "/")
    }

    func tableTwelve(folder: URL) throws -> MarkdownTable {
        var header = ["# unlabeled", "# labeled", "paper (Small-NORB)"]
        var csv = CSVTable(header: ["dataset", "setting", "protocol", "paper_mean", "paper_std", "ours_mean", "ours_std", "n"])
        for dataset in datasets {
            for scoreProtocol in Self.protocols { header.append("\(dataset.title), \(scoreProtocol)") }
        }
        var table = MarkdownTable(header: header, alignments: [.right, .right] + Array(repeating: .right, count: header.count - 2))
        for row in rows {
            let paper = paperScore(row)
            let pool = input.cells.first { $0.setting == row.description }.flatMap { try? DisentanglementCellParameters(decoding: $0) }
            var line = [row.withUnlabeledPool ? NumberText.grouped(pool?.poolSize ?? 0) : "0", NumberText.grouped(row.labeled),
                        NumberFormat.meanPlusMinus(paper.map { $0.mean * 100 }, paper?.std.map { $0 * 100 }, decimals: 1)]
            for dataset in datasets {
                for scoreProtocol in Self.protocols {
                    let values = scores(dataset, row, scoreProtocol)
                    let summary = Summary(values)
                    if let summary {
                        line.append(NumberFormat.summary(summary, decimals: 1, scale: 100) + " (n = \(summary.n))")
                    } else {
                        line.append(dataset == .smallNORB ? "not run here: data absent" : "not run yet")
                    }
                    csv.append([dataset.rawValue, row.description, scoreProtocol, NumberFormat.exact(paper?.mean),
                                NumberFormat.exact(paper?.std), NumberFormat.exact(summary?.mean),
                                NumberFormat.exact(summary?.standardDeviation), String(summary?.n ?? 0)])
                }
            }
            table.append(line)
        }
        try csv.write(to: folder.appendingPathComponent("table-12.csv"))
        return table
    }

    /// The paper's claims as pairs of Table 12's rows (section 4: labels help from 300 on, the
    /// dip at 100, the supervised-only row below the semi-supervised 1,000 row).
    static let claims: [(name: String, first: LabelRow, second: LabelRow)] = [
        ("labels help from 300 on", LabelRow(labeled: 300), LabelRow(labeled: 0)),
        ("labels help from 300 on", LabelRow(labeled: 1000), LabelRow(labeled: 0)),
        ("labels help from 300 on", LabelRow(labeled: 3000), LabelRow(labeled: 0)),
        ("the dip at 100 labels", LabelRow(labeled: 100), LabelRow(labeled: 0)),
        ("the unlabelled pool helps", LabelRow(labeled: 1000), LabelRow(labeled: 1000, withUnlabeledPool: false)),
    ]

    /// The paper's three claims, per data set and protocol.
    func claimTable() -> (table: MarkdownTable, headlines: [String], verdicts: [ClaimVerdict]) {
        let claims = Self.claims
        var table = MarkdownTable(header: ["claim", "data set", "protocol", "rows compared", "ours", "p (Welch)", "paper", "holds here"],
                                  alignments: [.left, .left, .left, .left, .right, .right, .left, .left])
        var headlines: [String] = []
        var verdicts: [ClaimVerdict] = []
        for dataset in datasets {
            for scoreProtocol in Self.protocols {
                for claim in claims where rows.contains(claim.first) && rows.contains(claim.second) {
                    let a = scores(dataset, claim.first, scoreProtocol), b = scores(dataset, claim.second, scoreProtocol)
                    guard !a.isEmpty || !b.isEmpty else { continue }
                    let verdict = ClaimVerdict(first: claim.first.description, second: claim.second.description,
                                               paperFirst: paperScore(claim.first)?.mean, paperSecond: paperScore(claim.second)?.mean,
                                               oursFirst: a, oursSecond: b, higherIsBetter: true)
                    verdicts.append(verdict)
                    let ours = NumberFormat.summary(Summary(a), decimals: 1, scale: 100) + " vs " + NumberFormat.summary(Summary(b), decimals: 1, scale: 100)
                    table.append([claim.name, dataset.title, scoreProtocol, "\(claim.first) vs \(claim.second)", ours,
                                  NumberFormat.pValue(verdict.pValue), verdict.paperText, verdict.holdsText])
                    if scoreProtocol == BetaVAEProtocol.paper.name {
                        headlines.append("\(dataset.title), \(claim.name): \(claim.first) vs \(claim.second) \(ours) % (paper: \(verdict.paperText)); holds here: \(verdict.holdsText)")
                    }
                }
            }
        }
        return (table, headlines, verdicts)
    }

    /// How many comparisons are significant, and the largest spread over seeds of a row: what
    /// the claims table can and cannot decide with these runs.
    func claimsReading(_ verdicts: [ClaimVerdict]) -> String? {
        let tested = verdicts.filter { $0.pValue != nil }
        guard !tested.isEmpty else { return nil }
        let significant = tested.filter(\.isSignificant)
        let agreeing = significant.filter { $0.paper != nil && $0.paper == $0.ours }
        var spreads: [Double] = []
        for dataset in datasets {
            for scoreProtocol in Self.protocols {
                for row in rows { if let std = Summary(scores(dataset, row, scoreProtocol))?.standardDeviation { spreads.append(std * 100) } }
            }
        }
        let seeds = input.provenance.seedsPerCell
        var text = "\(significant.count) of the \(tested.count) comparisons are significant at p < 0.05"
            + (significant.isEmpty ? "" : " (\(agreeing.count) of them in the paper's direction)") + "."
        let paperGaps = Self.claims.compactMap { claim -> Double? in
            guard let a = paperScore(claim.first)?.mean, let b = paperScore(claim.second)?.mean else { return nil }
            return abs(a - b) * 100
        }
        if let spread = spreads.max(), let low = paperGaps.min(), let high = paperGaps.max() {
            text += " The standard deviation over the \(seeds) seeds of a row reaches \(NumberFormat.fixed(spread, decimals: 1)) points, against differences of \(NumberFormat.fixed(low, decimals: 0)) to \(NumberFormat.fixed(high, decimals: 0)) points between the paper's compared rows."
        }
        if significant.isEmpty {
            text += " These runs therefore neither confirm nor refute the paper's claims; more seeds, score points and training steps (the paper profile) are what would decide them."
        }
        return text
    }

    /// Rendered observations (drawn now, from the renderer), then each stored model's
    /// reconstructions and traversals.
    func pictures(into report: inout MarkdownReport, folder: URL, reportURL: URL) throws {
        if datasets.contains(.dSprites) {
            let dSprites = DSprites()
            var generator = SeededGenerator(seed: 2017)
            let samples = folder.appendingPathComponent("dsprites-samples.png")
            try factorSampleGrid(dataset: dSprites, rows: 4, columns: 12, generator: &generator, separator: 2).write(to: samples)
            report.paragraph("Rendered dSprites observations, 48 factor vectors drawn uniformly (seed 2017), so a reader can judge the renderer:")
            report.image(samples, alt: "a 4 by 12 grid of rendered dSprites images", report: reportURL)
            let traversal = folder.appendingPathComponent("dsprites-factor-traversal.png")
            try factorTraversalGrid(dataset: dSprites, base: [2, 5, 0, 16, 16], columns: 10, separator: 2).write(to: traversal)
            report.paragraph("Each dSprites factor in turn, from its first value to its last (rows: shape, scale, orientation, position x, position y; the others fixed at a heart, scale 1, orientation 0, centre):")
            report.image(traversal, alt: "one row per dSprites factor, ten values each", report: reportURL)
        }
        let pictured = records.filter { $0.arrays?["traversals"] != nil }
            .sorted { ($0.configuration.dataset, $0.metrics["labeled_points"] ?? 0) < ($1.configuration.dataset, $1.metrics["labeled_points"] ?? 0) }
        guard !pictured.isEmpty else {
            report.paragraph("No run kept reconstructions or traversals (the seed-1 runs of the rows with 0, 100 and 3,000 labels do).")
            return
        }
        for record in pictured {
            let name = "\(record.configuration.dataset)-\(record.configuration.setting.replacingOccurrences(of: " ", with: "-").replacingOccurrences(of: ",", with: ""))"
            let dataset = (try? FactorDataName(parsing: record.configuration.dataset))?.title ?? record.configuration.dataset
            let reconstructions = folder.appendingPathComponent("\(name)-reconstructions.png")
            try ModelFigures.drawReconstructions(try input.store.array("reconstructions", of: record), to: reconstructions)
            report.heading("\(dataset), \(record.configuration.setting), seed \(record.configuration.seed)", level: 3)
            report.paragraph("Reconstructions: rendered observations (top row) and the decoder's Bernoulli means from z = μ(x) (bottom row)\(dataset.hasPrefix("Small") ? ", left camera" : "").")
            report.image(reconstructions, alt: "observations and reconstructions, \(record.configuration.setting)", report: reportURL)
            let kl = try input.store.array("latent_kl", of: record).values
            let order = kl.indices.sorted { kl[$0] > kl[$1] }
            let traversals = folder.appendingPathComponent("\(name)-traversals.png")
            try ModelFigures.drawTraversals(try input.store.array("traversals", of: record), order: order, to: traversals)
            let active = kl.filter { $0 > 0.1 }.count
            report.paragraph("Latent traversals at half resolution: one row per latent dimension (all \(kl.count)), ordered by the dimension's mean KL from the prior, largest first; from μ of the first observation above, the row's dimension set to the standard-normal quantiles Φ⁻¹((i + ½)/6), i = 0…5, left to right. KL per row (nats): " + order.map { NumberFormat.fixed(Double(kl[$0]), decimals: 2) }.joined(separator: ", ") + ". \(active) of \(kl.count) dimensions carry more than 0.1 nats" + (active < kl.count ? "; the rows of the others change little or not at all." : ": no dimension has collapsed to the prior yet."))
            report.image(traversals, alt: "latent traversals, one row per latent dimension, \(record.configuration.setting)", report: reportURL)
        }
    }

    func notRegenerated() -> [String] {
        var items: [String] = []
        if datasets.contains(.smallNORB) && !records.contains(where: { $0.configuration.dataset == FactorDataName.smallNORB.rawValue }) {
            items.append("Table 12 on Small-NORB: the data set was absent here (the mirror has no Small-NORB files); the cells run where `make data` installed it.")
        }
        items.append("The search over α and β_norm that the paper ran on its unsupervised row: β_norm = 0.25 is the paper's optimum, taken as is; α is set by the paper's rule from one unsupervised run (above), not searched.")
        items.append("The paper's seed count for Table 12 is not stated; the quick profile runs \(DisentanglementProfilePlan(.quick).seeds.count) seeds per row, the paper profile \(DisentanglementProfilePlan(.paper).seeds.count).")
        return items
    }
}
