import Experiments
import Foundation
import Reports
import StudyKit

/// The moons half of the report: Figures 3, 4 and 5, the distance of the generated points from
/// the negative moon (our number for the paper's qualitative claim), and the run without annealing.
struct VABCMoonsReport {
    let report: VABCReport
    var input: SectionReportInput { report.input }
    static let xRange = -1.6...2.6
    static let yRange = -1.1...1.6

    func write(into markdown: inout MarkdownReport, reportURL: URL) throws -> [String] {
        let moons = report.records(.moons), ablation = report.records(.moonsWithoutAnnealing)
        markdown.heading("Moons: Figures 3, 4 and 5")
        guard !moons.isEmpty else {
            markdown.paragraph("No moons run yet.")
            return []
        }
        if let first = try? VABCCellParameters(decoding: moons[0].configuration) {
            markdown.paragraph("\(report.plan.moonsSeeds.count) seeds per cell (each its own moons, folds, initialisation and batches); \(NumberText.grouped(first.moonsPoints ?? 0)) points, noise \(NumberText.compact(Float(first.moonsNoise ?? 0))); MLP 2-20-20, latent 1, decoder 20-20-2 with a linear output; \(first.epochs) epochs, E' = \(first.annealingEpochs), γ from \(NumberText.compact(Float(first.gammaStart))) to \(NumberText.compact(Float(first.gammaFinal))) on the squared error, effective σ² = \(NumberText.compact(Float(first.effectiveVariance))); batches of \(first.batchSize). The VAE trains on the unlabeled fold only. Our number for the paper's qualitative claim \"V-ABC increases the distance of the generated samples from the negative distribution\": the mean distance of \(first.samples) decoded prior means to the noise-free upper (negative) moon, and the share within \(MoonsExperiment.nearDistance) of it.")
        }
        var headlines: [String] = []
        var table = MarkdownTable(header: ["data set", "model", "mean distance to negative moon", "share within \(MoonsExperiment.nearDistance) %", "n", "one-sided Welch p (V-ABC farther)", "V-ABC farther"],
                                  alignments: [.left, .left, .right, .right, .right, .right, .left])
        var rows: [ComparisonRow] = []
        for dataset in ["Moons1", "Moons2"] {
            func values(_ records: [RunRecord], _ model: VABCModelName, _ metric: String) -> [Double] {
                records.filter { $0.configuration.dataset == dataset && $0.configuration.model == model.rawValue }
                    .compactMap { $0.metrics[metric] }.filter(\.isFinite)
            }
            let vae = values(moons, .vae, "mean_distance_to_negative_moon")
            let vabc = values(moons, .vabc, "mean_distance_to_negative_moon")
            let plain = values(ablation, .vabc, "mean_distance_to_negative_moon")
            let pFarther = VABCClaims.oneSidedWelch(lower: vae, higher: vabc)
            let farther = (Summary(vabc)?.mean ?? -1) > (Summary(vae)?.mean ?? .infinity)
            for (name, distances, near, p, verdict) in [
                ("VAE", vae, values(moons, .vae, "share_near_negative_moon"), nil as Double?, ""),
                ("V-ABC", vabc, values(moons, .vabc, "share_near_negative_moon"), pFarther, farther ? "yes" : "no"),
                ("V-ABC without annealing", plain, values(ablation, .vabc, "share_near_negative_moon"),
                 VABCClaims.oneSidedWelch(lower: vae, higher: plain),
                 plain.isEmpty ? "n/a" : ((Summary(plain)?.mean ?? -1) > (Summary(vae)?.mean ?? .infinity) ? "yes" : "no")),
            ] where !distances.isEmpty {
                table.append([dataset, name, NumberFormat.summary(Summary(distances), decimals: 3),
                              NumberFormat.summary(Summary(near), decimals: 1, scale: 100), "\(distances.count)",
                              NumberFormat.pValue(p), verdict])
                for (metric, series) in [("mean_distance_to_negative_moon", distances), ("share_near_negative_moon", near)] {
                    let summary = Summary(series)
                    rows.append(ComparisonRow(table: "Figures 3-4", dataset: dataset, model: name, setting: dataset == "Moons1" ? "p 1.0" : "p 0.8",
                                              metric: metric, paperMean: nil, paperStd: nil, oursMean: summary?.mean,
                                              oursStd: summary?.standardDeviation, n: summary?.n ?? 0))
                }
            }
            headlines.append("\(dataset): V-ABC's samples \(farther ? "farther from" : "not farther from") the negative moon than the VAE's (\(NumberFormat.summary(Summary(vabc), decimals: 3)) vs \(NumberFormat.summary(Summary(vae), decimals: 3)), \(NumberFormat.pValue(pFarther)))")
        }
        markdown.table(table, caption: "Mean ± std over seeds. \"V-ABC farther\": V-ABC's mean distance above the VAE's (one-sided Welch test beside it). The row without annealing (beyond the paper) keeps γ at its final value and the KL weight at 1 from the first step.")
        try ComparisonRow.write(rows, to: input.folder.appendingPathComponent("moons.csv"))
        markdown.paragraph("As CSV: [moons.csv](moons.csv).")

        for (figure, dataset) in [(3, "Moons1"), (4, "Moons2")] {
            let runs = moons.filter { $0.configuration.dataset == dataset && $0.configuration.seed == report.plan.moonsSeeds[0] }
            guard let vae = runs.first(where: { $0.configuration.model == "VAE" }),
                  let vabc = runs.first(where: { $0.configuration.model == "V-ABC" }) else { continue }
            markdown.heading("Figure \(figure): \(dataset) samples, VAE and V-ABC", level: 3)
            var files: [String] = []
            for record in [vae, vabc] {
                let file = input.folder.appendingPathComponent("figure-\(figure)-\(dataset.lowercased())-\(record.configuration.model.lowercased()).png")
                try samplesFigure(record, title: "Figure \(figure): \(record.configuration.model) on \(dataset), seed \(record.configuration.seed)", output: file)
                files.append(MarkdownReport.relativePath(from: input.folder, to: file))
            }
            markdown.paragraph(files.map { "![\(dataset) samples](\($0))" }.joined(separator: " "))
            markdown.paragraph("VAE left, V-ABC right: 100 points of each fold (red unwanted y = 0, blue unlabeled y = 1), \(vae.metrics["share_near_negative_moon"].map { _ in "" } ?? "")the decoded means of 1,000 prior samples (black +) and one sample from each decoded Gaussian (green ×, variance \(VABCDatasetSettings.moons().effectiveVariance), the effective variance we train with; the paper draws with variance 1). Shares of means within \(MoonsExperiment.nearDistance) of the negative moon in these runs: VAE \(NumberFormat.fixed(vae.metrics["share_near_negative_moon"].map { $0 * 100 }, decimals: 1)) %, V-ABC \(NumberFormat.fixed(vabc.metrics["share_near_negative_moon"].map { $0 * 100 }, decimals: 1)) %.")
        }
        try gradientFigure(moons, markdown: &markdown, reportURL: reportURL)
        return headlines
    }

    func points(_ values: [Float], columns: Int, where keep: (ArraySlice<Float>) -> Bool = { _ in true }) -> [(Double, Double)] {
        stride(from: 0, to: values.count, by: columns).compactMap { start in
            let row = values[start..<(start + columns)]
            return keep(row) ? (Double(row[start]), Double(row[start + 1])) : nil
        }
    }

    func samplesFigure(_ record: RunRecord, title: String, output: URL) throws {
        let data = try input.store.array("data", of: record).values
        let means = try input.store.array("sample_means", of: record).values
        let samples = try input.store.array("samples", of: record).values
        try input.gnuplot.scatter([
            ("unwanted (y = 0)", points(data, columns: 3) { $0[$0.startIndex + 2] == 0 }, "#d62728", 7, 0.5),
            ("unlabeled (y = 1)", points(data, columns: 3) { $0[$0.startIndex + 2] == 1 }, "#1f77b4", 7, 0.5),
            ("samples", points(samples, columns: 2), "#2ca02c", 2, 0.5),
            ("means of the sampling distributions", points(means, columns: 2), "#000000", 1, 0.7),
        ], title: title, xRange: Self.xRange, yRange: Self.yRange, output: output)
    }

    func gradientFigure(_ moons: [RunRecord], markdown: inout MarkdownReport, reportURL: URL) throws {
        guard let record = moons.first(where: { $0.configuration.dataset == "Moons1" && $0.configuration.model == "V-ABC"
                                                && $0.configuration.seed == report.plan.moonsSeeds[0] }) else { return }
        markdown.heading("Figure 5: the gradient field of the V-ABC loss", level: 3)
        let data = try input.store.array("data", of: record).values
        let shown = [("unwanted (y = 0)", points(data, columns: 3) { $0[$0.startIndex + 2] == 0 }),
                     ("unlabeled (y = 1)", points(data, columns: 3) { $0[$0.startIndex + 2] == 1 })]
        var files: [String] = []
        for y in [1, 0] {
            let field = try input.store.array("gradient_field_y\(y)", of: record).values
            var arrows: [(x: Double, y: Double, dx: Double, dy: Double)] = []
            for start in stride(from: 0, to: field.count, by: 4) {
                let row = field[start..<(start + 4)].map { Double($0) }
                arrows.append((x: row[0], y: row[1], dx: row[2], dy: row[3]))
            }
            let file = input.folder.appendingPathComponent("figure-5-gradient-y\(y).png")
            try input.gnuplot.vectorField(arrows, arrowsName: "−∂L/∂x (scaled)", points: shown,
                                          title: "Figure 5: −∂L_V-ABC/∂x for an input with y = \(y), Moons1, seed \(record.configuration.seed)",
                                          output: file)
            files.append(MarkdownReport.relativePath(from: input.folder, to: file))
        }
        markdown.paragraph(files.map { "![gradient field](\($0))" }.joined(separator: " "))
        markdown.paragraph("Left y = 1 (the input treated as unlabeled), right y = 0 (as unwanted): the steepest-descent direction of the per-point loss at the final weights with z = μ(x), by central differences through the whole model, arrows scaled so the longest is 0.25 long in each panel. The paper: unlabeled inputs are pushed towards the lower moon; unwanted inputs have large gradients only where the model is confident they belong to the positive distribution.")
    }
}
