import Experiments
import Foundation
import Reports
import StudyKit

/// Figures 6, 7 and 8 from the arrays the figure fold's first seed stored (digit 8, p = 0.2),
/// and the annealing schedules.
struct VABCImageFigures {
    let report: VABCReport
    var input: SectionReportInput { report.input }
    /// Figure 7's threshold filter: a pixel is white when its mean is at least this.
    static let threshold: Float = 0.5

    func write(into markdown: inout MarkdownReport, reportURL: URL, records: [RunRecord]) throws {
        let figureRuns = records.filter { (try? VABCCellParameters(decoding: $0.configuration))?.figureArrays == true }
        func run(_ model: VABCModelName) -> RunRecord? { figureRuns.first { $0.configuration.model == model.rawValue } }
        guard let vae = run(.vae), let vabc = run(.vabc) else {
            markdown.paragraph("Figures 6–8 need the runs of digit \(VABCCells.figureDigit), p = \(VABCCells.figureProportion), first seed; none yet.")
            return
        }
        let folder = input.folder, store = input.store
        let side = DigitsExperiment.manifoldSide

        markdown.heading("Figure 6: the decoded manifold", level: 3)
        var panels: [PNGImage] = []
        for record in [vae, vabc] {
            let manifold = try store.array("manifold", of: record).values
            let tiles = (0..<(side * side)).map { Array(manifold[($0 * 784)..<(($0 + 1) * 784)]) }
            panels.append(try PNGImage.grid(values: tiles, tileWidth: 28, tileHeight: 28, columns: side))
        }
        let manifoldFile = folder.appendingPathComponent("figure-6-manifold.png")
        try PNGImage.grid(panels, columns: 2, separator: 12, separatorValue: 128).write(to: manifoldFile)
        markdown.image(manifoldFile, alt: "Figure 6: decoded manifold, VAE left, V-ABC right", report: reportURL)
        markdown.paragraph("Decoder means over a \(side) × \(side) grid of z in [−\(Int(DigitsExperiment.manifoldRange)), \(Int(DigitsExperiment.manifoldRange))]² (z₁ left to right, z₂ top to bottom), **VAE left, V-ABC right**, digit \(VABCCells.figureDigit) unwanted at p = \(VABCCells.figureProportion), seed \(vae.configuration.seed). The paper: V-ABC's manifold has no 8. The judge's share of 8s among prior samples for these two runs: VAE \(NumberFormat.fixed(vae.metrics["nge"].map { $0 * 100 }, decimals: 2)) %, V-ABC \(NumberFormat.fixed(vabc.metrics["nge"].map { $0 * 100 }, decimals: 2)) %.")

        markdown.heading("Figure 7: reconstructions with the threshold filter", level: 3)
        var reconstructionPanels: [PNGImage] = []
        for record in [vae, vabc] {
            let inputs = try store.array("reconstruction_inputs", of: record).values
            let outputs = try store.array("reconstructions", of: record).values.map { $0 >= Self.threshold ? Float(1) : 0 }
            let count = inputs.count / 784
            let others = count - DigitsExperiment.negativeShown
            let rows = DigitsExperiment.negativeShown
            func tile(_ values: [Float], _ index: Int) -> [Float] { Array(values[(index * 784)..<((index + 1) * 784)]) }
            var tiles: [[Float]] = []
            for row in 0..<rows {
                // Columns: two pairs of other digits, then a pair of the negative digit.
                for index in [row, rows + row, others + row] where index < count {
                    tiles += [tile(inputs, index), tile(outputs, index)]
                }
            }
            reconstructionPanels.append(try PNGImage.grid(values: tiles, tileWidth: 28, tileHeight: 28, columns: 6))
        }
        let reconstructionFile = folder.appendingPathComponent("figure-7-reconstructions.png")
        try PNGImage.grid(reconstructionPanels, columns: 2, separator: 12, separatorValue: 128).write(to: reconstructionFile)
        markdown.image(reconstructionFile, alt: "Figure 7: reconstructions, VAE left, V-ABC right", report: reportURL)
        markdown.paragraph("Test images and their reconstructions (z = μ(x), decoder means thresholded at \(Self.threshold)), **VAE left, V-ABC right**. In each panel columns 1, 3, 5 are originals and 2, 4, 6 reconstructions; columns 5–6 are test images of the unwanted digit \(VABCCells.figureDigit). The paper: only the VAE reconstructs the 8 as an 8.")

        markdown.heading("Figure 8: the encoder's posteriors", level: 3)
        let ellipses = try store.array("ellipses", of: vabc).values
        var series: [(name: String, ellipses: [(x: Double, y: Double, width: Double, height: Double)])] = []
        for digit in 0..<10 {
            var items: [(x: Double, y: Double, width: Double, height: Double)] = []
            for row in stride(from: 0, to: ellipses.count, by: 5) where Int(ellipses[row + 4]) == digit {
                // μ ± 2σ: full axes 4σ, σ = exp(log σ² / 2).
                items.append((Double(ellipses[row]), Double(ellipses[row + 1]),
                              4 * Double(exp(ellipses[row + 2] / 2)), 4 * Double(exp(ellipses[row + 3] / 2))))
            }
            if !items.isEmpty { series.append((digit == VABCCells.figureDigit ? "digit \(digit) (unwanted)" : "digit \(digit)", items)) }
        }
        let ellipseFile = folder.appendingPathComponent("figure-8-ellipses.png")
        try input.gnuplot.ellipses(series, title: "Figure 8: V-ABC's q(z|x), μ ± 2σ (digit \(VABCCells.figureDigit) unwanted, p = \(VABCCells.figureProportion))",
                                   xLabel: "z1", yLabel: "z2", output: ellipseFile)
        markdown.image(ellipseFile, alt: "Figure 8: posterior ellipses per digit", report: reportURL)
        markdown.paragraph("One ellipse per training image (the first \(ellipses.count / 5) of the training images, unlabeled and unwanted alike, coloured by their true digit): centre μ(x), axes ±2σ(x). The paper: the unwanted digit's posteriors are close to the prior, spread over the whole latent space.")

        try schedules(vabc, markdown: &markdown, reportURL: reportURL)
    }

    /// The KL weight and γ over the epochs, from the figure run's own settings.
    func schedules(_ record: RunRecord, markdown: inout MarkdownReport, reportURL: URL) throws {
        guard let parameters = try? VABCCellParameters(decoding: record.configuration) else { return }
        let settings = parameters.settings
        let epochs = Double(parameters.epochs)
        let xs = stride(from: 0.0, through: epochs, by: epochs / 120).map { $0 }
        let kl = LineSeries(name: "KL weight", points: xs.map { ($0, Double(settings.klSchedule($0))) })
        let gamma = LineSeries(name: "γ / γ start (γ from \(NumberText.compact(Float(parameters.gammaStart))) to \(NumberText.compact(Float(parameters.gammaFinal))))",
                               points: xs.map { ($0, Double(settings.gammaSchedule($0)) / Double(settings.gammaOnL(settings.gammaStart))) })
        let file = input.folder.appendingPathComponent("schedules.png")
        try input.gnuplot.learningCurve([kl, gamma], title: "Annealing of the KL weight and γ (MNIST, E' = \(parameters.annealingEpochs))",
                                        xLabel: "epoch", yLabel: "value", output: file)
        markdown.heading("The annealing schedules", level: 3)
        markdown.image(file, alt: "Annealing schedules of the KL weight and gamma", report: reportURL)
        markdown.paragraph("Bowman et al.'s sigmoid, set before every step (fractional epochs): the KL weight rises from 0 to 1 and γ falls from its start to its final value over the first E' epochs (`SigmoidalSchedule`, steepness 10). The public code has the γ annealing switched off; here it runs in every V-ABC cell.")
    }
}
