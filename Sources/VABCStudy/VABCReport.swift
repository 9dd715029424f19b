import Experiments
import Foundation
import Reports
import StudyKit

/// Turns the section's run files into `results/vabc-negative-generation/README.md`, its CSV and
/// figures. Every number comes from the run files; the paper's from papers/vabc/numbers.csv.
public struct VABCReport {
    public static let title = "V-ABC: generating without the unwanted (vabc Table I, Figures 2–9)"

    public let input: SectionReportInput
    let plan: VABCProfilePlan
    var records: [RunRecord] { input.records }
    var paper: PaperNumbers { input.paper }

    public init(input: SectionReportInput) {
        self.input = input
        plan = VABCProfilePlan(input.profile)
    }

    func records(_ experiment: VABCExperiment) -> [RunRecord] {
        records.filter { $0.configuration.hyperparameters["experiment"]?.stringValue == experiment.rawValue && $0.status == .completed }
    }

    @discardableResult
    public func write() throws -> SectionSummary {
        let folder = input.folder
        let reportURL = folder.appendingPathComponent("README.md")
        var report = MarkdownReport(title: Self.title)
        report.paragraph("Can a VAE learn from a negative-unlabeled data set to avoid generating the unwanted? V-ABC (Bergamin et al., IJCNN 2022) adds to the VAE loss a penalty −log(1 − e^{−γ·L}) on the reconstruction of a few examples labelled unwanted (y = 0), so the decoder learns to reconstruct them badly and, the paper finds, rarely generates them: on MNIST (p = 0.2) its negative generation error is 0.14 % against the VAE's 8.31 %.")
        var headlines: [String] = []
        tableOne(&report)
        headlines += try VABCDigitsReport(report: self).write(into: &report, reportURL: reportURL)
        headlines += try VABCMoonsReport(report: self).write(into: &report, reportURL: reportURL)
        report.heading("Speed")
        report.paragraph(speedParagraph())
        return try input.finish(&report, at: reportURL, section: VABCCells.sectionName, title: Self.title, seeds: plan.mnistSeeds.count,
                                headlines: headlines, choices: "Choices the paper leaves open and where we depart from it: [papers/vabc/deviations.md](../../papers/vabc/deviations.md).")
    }

    /// Wall time per cell and per training step (cell time over its steps, so it includes the
    /// per-epoch validation and the final sampling), measured on this machine under its load.
    func speedParagraph() -> String {
        var parts: [String] = []
        for (name, experiments) in [("moons", [VABCExperiment.moons, .moonsWithoutAnnealing]), ("MNIST", [.mnist, .gammaSweep])] {
            for model in VABCModelName.allCases {
                let runs = experiments.flatMap { records($0) }.filter { $0.configuration.model == model.rawValue }
                let perStep = runs.compactMap { record -> Double? in
                    guard let parameters = try? VABCCellParameters(decoding: record.configuration),
                          let unlabeled = record.metrics["unlabeled_points"] else { return nil }
                    let training = unlabeled - (unlabeled * (parameters.validationShare ?? 0)).rounded()
                    let perBatch = Double(model == .vabc ? parameters.batchSize / 2 : parameters.batchSize)
                    let steps = Double(record.epochs) * (training / perBatch).rounded(.up)
                    return steps > 0 ? record.seconds / steps * 1000 : nil
                }.sorted()
                let seconds = runs.map(\.seconds).sorted()
                guard !perStep.isEmpty, !seconds.isEmpty else { continue }
                parts.append("\(name) \(model.rawValue): median \(NumberFormat.fixed(seconds[seconds.count / 2], decimals: 1)) s per cell, \(NumberFormat.fixed(perStep[perStep.count / 2], decimals: 2)) ms per step (\(runs.count) runs)")
            }
        }
        let total = records.map(\.seconds).reduce(0, +)
        return "Wall time of the runs of this report, measured on the machine in Provenance while other jobs shared its cores (so an upper bound): " + parts.joined(separator: "; ") + ". The per-step figure divides each cell's time by its training steps, so it includes the per-epoch validation and the final sampling and judging. All runs together: \(NumberFormat.fixed(total / 60, decimals: 1)) minutes. The bare V-ABC step (MNIST MLP, batch 80, Adam) is timed by `make bench` (`vabc_step_ms`)."
    }

    /// Table I: ours (counted by the `folds` cell on the full data) next to the paper's.
    func tableOne(_ report: inout MarkdownReport) {
        report.heading("Table I: the data sets")
        guard let counts = records(.folds).first else {
            report.paragraph("No run of the Table I cell yet.")
            return
        }
        var table = MarkdownTable(header: ["data set", "setting", "# ⊕ paper / ours", "# ⊖ paper / ours",
                                           "# unlabeled paper / ours", "# unwanted paper / ours"],
                                  alignments: [.left, .left, .right, .right, .right, .right])
        var rows: [(String, String)] = [("Moons1", "p 1.0"), ("Moons2", "p 0.8")]
        for digit in [1, 7, 8] { for p in [0.1, 0.2, 0.3] { rows.append(("MNIST", VABCCells.mnistSetting(digit: digit, p: p))) } }
        for (dataset, setting) in rows {
            let paperSetting = setting == "p 1.0" ? "p 1" : setting
            let key = FoldCounts.rowKey(dataset: dataset, setting: setting)
            table.append([dataset, setting] + FoldCounts.counts.map { name in
                let theirs = paper.numbers.first { $0.table == "Table I" && $0.dataset == dataset && $0.setting == paperSetting && $0.metric == name }
                let ours = counts.metrics["\(key)/\(name)"]
                return "\(theirs.map { String(Int($0.mean)) } ?? "–") / \(ours.map { String(Int($0)) } ?? "–")"
            })
        }
        report.table(table, caption: "Fold counts, the paper's and ours. The unwanted fold is exactly round(p·n) of the negative class (n = 5,000 upper-moon points, or the digit's MNIST training images), drawn at random; the paper's counts (672 for digit 1 at p = 0.1, where p·n = 674.2; 4,017 on Moons2 where p·n = 4,000) match no rounding and look like independent Bernoulli(p) draws, which `Splits.UnwantedSelection.bernoulli` would reproduce. The negative and positive counts agree exactly.")
    }
}
