import Experiments
import Foundation

/// The kinds of figure, one gnuplot script each under `figures/`.
public enum FigureKind: String, CaseIterable, Sendable {
    case learningCurve = "learning-curve"
    case lineWithErrorBars = "line-with-errorbars"
    case roc = "roc"
    case paperVersusOursBars = "paper-vs-ours-bars"
    case heatmap = "heatmap"
    case boxPlot = "box-plot"
    case scatter = "scatter"
    case vectorField = "vector-field"
    case ellipses = "ellipses"
    case classScatter = "class-scatter"
    case groupedBars = "grouped-bars"

    public var scriptName: String { rawValue + ".gp" }
}

/// A named series of (x, y) points.
public struct LineSeries: Sendable {
    public var name: String
    public var points: [(x: Double, y: Double)]

    public init(name: String, points: [(x: Double, y: Double)]) {
        self.name = name
        self.points = points
    }

    /// Values per epoch, x = 1, 2, ….
    public init(name: String, perEpoch values: [Double]) {
        self.init(name: name, points: values.enumerated().map { (Double($0.offset + 1), $0.element) })
    }
}

/// A named series of (x, mean, standard deviation) points.
public struct ErrorBarSeries: Sendable {
    public var name: String
    public var points: [(x: Double, mean: Double, std: Double)]

    public init(name: String, points: [(x: Double, mean: Double, std: Double)]) {
        self.name = name
        self.points = points
    }
}

/// One bar group of a paper-versus-ours chart.
public struct BarGroup: Sendable {
    public var label: String
    public var paperMean: Double?
    public var paperStd: Double?
    public var oursMean: Double?
    public var oursStd: Double?

    public init(label: String, paperMean: Double?, paperStd: Double?, oursMean: Double?, oursStd: Double?) {
        self.label = label
        self.paperMean = paperMean
        self.paperStd = paperStd
        self.oursMean = oursMean
        self.oursStd = oursStd
    }

    /// Labelled `model setting` (the dataset and metric are usually the figure's).
    public init(_ row: ComparisonRow) {
        self.init(label: [row.model, row.setting].filter { !$0.isEmpty }.joined(separator: " "),
                  paperMean: row.paperMean, paperStd: row.paperStd,
                  oursMean: row.n > 0 ? row.oursMean : nil, oursStd: row.oursStd)
    }
}

/// Draws figures by running the scripts in `figures/` with gnuplot's `pngcairo` terminal.
/// Each figure's data is kept next to its PNG (`<name>.dat`) so it can be redrawn by hand;
/// both files are written atomically.
public struct Gnuplot: Sendable {
    /// The folder of the figure scripts (`figures`, relative to the repository root).
    public var scriptsFolder: URL
    /// The gnuplot program; nil when it is not installed.
    public var executable: URL?

    public init(scriptsFolder: URL = URL(fileURLWithPath: "figures"),
                executable: URL? = ExternalCommand.locate("gnuplot")) {
        self.scriptsFolder = scriptsFolder
        self.executable = executable
    }

    /// A gnuplot string literal: single-quoted, with `'` doubled.
    public static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// Runs the script of `kind` on `data` and writes the PNG to `output` (and the data to
    /// `output` with extension `.dat`). `variables` are gnuplot expressions (quote strings
    /// with `Gnuplot.quote`); `datafile` and `outfile` are set here.
    public func render(_ kind: FigureKind, data: String, variables: [String: String],
                       output: URL) throws {
        guard let executable else { throw GnuplotError.notInstalled }
        let script = scriptsFolder.appendingPathComponent(kind.scriptName)
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw GnuplotError.missingScript(script.path)
        }
        let dataFile = output.deletingPathExtension().appendingPathExtension("dat")
        try AtomicFile.write(data, to: dataFile)
        // gnuplot writes a hidden temporary file; its bytes then replace `output` atomically.
        let temporary = AtomicFile.temporaryURL(for: output)
        defer { try? FileManager.default.removeItem(at: temporary) }
        var settings = variables
        settings["datafile"] = Gnuplot.quote(dataFile.path)
        settings["outfile"] = Gnuplot.quote(temporary.path)
        let assignments = settings.keys.sorted().map { "\($0)=\(settings[$0]!)" }.joined(separator: "; ")
        let result = try ExternalCommand.run(executable, arguments: ["-e", assignments, script.path])
        let produced = (try? Data(contentsOf: temporary)) ?? Data()
        guard result.status == 0, !produced.isEmpty else {
            throw GnuplotError.failed(script: script.path, status: result.status,
                                      standardError: result.standardError.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        try AtomicFile.write(produced, to: output)
    }

    /// Learning curves: one line per series, against epoch.
    public func learningCurve(_ series: [LineSeries], title: String = "", xLabel: String = "epoch",
                              yLabel: String, logY: Bool = false, output: URL) throws {
        let data = try Gnuplot.blocks(series.map { ($0.name, $0.points.map { [$0.x, $0.y] }) },
                                      xHeader: "epoch")
        try render(.learningCurve, data: data,
                   variables: ["nseries": String(series.count), "plottitle": Gnuplot.quote(title),
                               "xlabel": Gnuplot.quote(xLabel), "ylabel": Gnuplot.quote(yLabel),
                               "logy": logY ? "1" : "0"],
                   output: output)
    }

    /// Lines with error bars (mean ± std per point), one line per series.
    public func linesWithErrorBars(_ series: [ErrorBarSeries], title: String = "", xLabel: String,
                                   yLabel: String, logX: Bool = false, output: URL) throws {
        let data = try Gnuplot.blocks(series.map { ($0.name, $0.points.map { [$0.x, $0.mean, $0.std] }) },
                                      xHeader: "x", extraHeaders: ["std"])
        try render(.lineWithErrorBars, data: data,
                   variables: ["nseries": String(series.count), "plottitle": Gnuplot.quote(title),
                               "xlabel": Gnuplot.quote(xLabel), "ylabel": Gnuplot.quote(yLabel),
                               "logx": logX ? "1" : "0"],
                   output: output)
    }

    /// ROC curves: each series' points are (false positive rate, true positive rate).
    public func roc(_ curves: [LineSeries], title: String = "", output: URL) throws {
        let data = try Gnuplot.blocks(curves.map { ($0.name, $0.points.map { [$0.x, $0.y] }) },
                                      xHeader: "false positive rate")
        try render(.roc, data: data,
                   variables: ["ncurves": String(curves.count), "plottitle": Gnuplot.quote(title)],
                   output: output)
    }

    /// Paper versus ours as grouped bars with error bars.
    public func paperVersusOurs(_ groups: [BarGroup], title: String = "", yLabel: String,
                                output: URL) throws {
        guard !groups.isEmpty else { throw GnuplotError.noData("a bar chart needs at least one group") }
        func number(_ value: Double?) -> String {
            guard let value, value.isFinite else { return "?" }
            return value.description
        }
        var data = "# label paper_mean paper_std ours_mean ours_std (? = missing)\n"
        for group in groups {
            // A mean without a spread gets a zero-length bar, so the mean still shows.
            let paperStd = group.paperMean == nil ? nil : (group.paperStd ?? 0)
            let oursStd = group.oursMean == nil ? nil : (group.oursStd ?? 0)
            data += [Gnuplot.dataString(group.label), number(group.paperMean), number(paperStd),
                     number(group.oursMean), number(oursStd)].joined(separator: " ") + "\n"
        }
        try render(.paperVersusOursBars, data: data,
                   variables: ["plottitle": Gnuplot.quote(title), "ylabel": Gnuplot.quote(yLabel)],
                   output: output)
    }

    /// A heatmap of `values[row][column]` with each cell's value printed in it (`digits`
    /// decimals); rows are drawn bottom to top in the order given. Non-finite values leave their
    /// cell blank. The colour scale spans `colourRange` when given, else the data's range.
    public func heatmap(values: [[Double]], rowLabels: [String], columnLabels: [String], title: String = "",
                        xLabel: String, yLabel: String, valueLabel: String, digits: Int = 2,
                        colourRange: ClosedRange<Double>? = nil, output: URL) throws {
        guard !rowLabels.isEmpty, !columnLabels.isEmpty else {
            throw GnuplotError.noData("a heatmap needs at least one row and one column")
        }
        guard values.count == rowLabels.count, values.allSatisfy({ $0.count == columnLabels.count }) else {
            throw GnuplotError.noData("heatmap values are not \(rowLabels.count) rows of \(columnLabels.count)")
        }
        guard values.joined().contains(where: \.isFinite) else {
            throw GnuplotError.noData("every heatmap cell is missing")
        }
        var data = Gnuplot.dataString("rows " + yLabel + ", columns " + xLabel) + " "
            + columnLabels.map(Gnuplot.dataString).joined(separator: " ") + "\n"
        for (label, row) in zip(rowLabels, values) {
            data += Gnuplot.dataString(label) + " "
                + row.map { $0.isFinite ? $0.description : "NaN" }.joined(separator: " ") + "\n"
        }
        var variables = ["nrows": String(rowLabels.count), "ncolumns": String(columnLabels.count),
                         "plottitle": Gnuplot.quote(title), "xlabel": Gnuplot.quote(xLabel),
                         "ylabel": Gnuplot.quote(yLabel), "cblabel": Gnuplot.quote(valueLabel),
                         "digits": String(max(0, digits))]
        if let colourRange {
            variables["cbmin"] = colourRange.lowerBound.description
            variables["cbmax"] = colourRange.upperBound.description
        }
        try render(.heatmap, data: data, variables: variables, output: output)
    }

    /// 2-D points coloured by group (at most 10 colours), with group `highlighted` drawn on
    /// top in black crosses: a t-SNE map coloured by class with the anomalous class marked.
    public func classScatter(_ groups: [LineSeries], highlighted: Int? = nil, title: String = "",
                             output: URL) throws {
        if let highlighted, !groups.indices.contains(highlighted) {
            throw GnuplotError.noData("highlighted group \(highlighted) is not one of the \(groups.count) groups")
        }
        let data = try Gnuplot.blocks(groups.map { ($0.name, $0.points.map { [$0.x, $0.y] }) }, xHeader: "x")
        try render(.classScatter, data: data,
                   variables: ["ngroups": String(groups.count), "highlight": String(highlighted ?? -1),
                               "plottitle": Gnuplot.quote(title)],
                   output: output)
    }

    /// Series as data blocks separated by two blank lines, each headed by
    /// `"<xHeader>" "<name>" "<extra>"…` so scripts can title lines with `columnheader(2)`.
    static func blocks(_ series: [(name: String, rows: [[Double]])], xHeader: String,
                       extraHeaders: [String] = []) throws -> String {
        guard !series.isEmpty else { throw GnuplotError.noData("a figure needs at least one series") }
        var text = ""
        for (index, entry) in series.enumerated() {
            guard !entry.rows.isEmpty else { throw GnuplotError.noData("series '\(entry.name)' has no points") }
            if index > 0 { text += "\n\n" }
            text += ([xHeader, entry.name] + extraHeaders).map(dataString).joined(separator: " ") + "\n"
            for row in entry.rows {
                text += row.map { $0.isFinite ? $0.description : "NaN" }.joined(separator: " ") + "\n"
            }
        }
        return text
    }

    /// A string in a gnuplot data file: double-quoted; gnuplot has no escape for `"` there,
    /// so it becomes `'`.
    static func dataString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "'").replacingOccurrences(of: "\n", with: " ") + "\""
    }
}

public enum GnuplotError: Error, CustomStringConvertible, Equatable {
    case notInstalled
    case missingScript(String)
    case noData(String)
    case failed(script: String, status: Int32, standardError: String)

    public var description: String {
        switch self {
        case .notInstalled:
            return "gnuplot is not installed (or not on PATH); install gnuplot-nox (make setup)"
        case .missingScript(let path):
            return "figure script \(path) not found (run from the repository root)"
        case .noData(let message):
            return "nothing to plot: \(message)"
        case .failed(let script, let status, let standardError):
            return "gnuplot failed on \(script) (exit status \(status)): "
                + (standardError.isEmpty ? "no output was produced" : standardError)
        }
    }
}
