import Foundation

/// One group of a grouped bar chart: a label and one (mean, standard deviation) per series,
/// nil where the series has no number.
public struct BarCluster: Sendable {
    public var label: String
    public var values: [(mean: Double, std: Double)?]

    public init(label: String, values: [(mean: Double, std: Double)?]) {
        self.label = label
        self.values = values
    }
}

extension Gnuplot {
    /// Grouped bars (`figures/grouped-bars.gp`): one cluster per group, one bar per series with
    /// its standard deviation as an error bar; `reference` draws a dashed line (e.g. chance).
    public func groupedBars(_ clusters: [BarCluster], seriesNames: [String], title: String = "", xLabel: String = "",
                            yLabel: String, yRange: ClosedRange<Double>? = nil, reference: Double? = nil,
                            output: URL) throws {
        guard !clusters.isEmpty, !seriesNames.isEmpty else { throw GnuplotError.noData("a bar chart needs at least one group and one series") }
        guard clusters.allSatisfy({ $0.values.count == seriesNames.count }) else {
            throw GnuplotError.noData("every bar group needs one value per series (\(seriesNames.count))")
        }
        func number(_ value: Double?) -> String {
            guard let value, value.isFinite else { return "?" }
            return value.description
        }
        var data = ([Gnuplot.dataString("group")] + seriesNames.flatMap { [Gnuplot.dataString($0), Gnuplot.dataString("std")] })
            .joined(separator: " ") + "\n"
        for cluster in clusters {
            data += ([Gnuplot.dataString(cluster.label)] + cluster.values.flatMap { [number($0?.mean), number($0?.std)] })
                .joined(separator: " ") + "\n"
        }
        var variables = ["nseries": String(seriesNames.count), "plottitle": Gnuplot.quote(title),
                         "xlabel": Gnuplot.quote(xLabel), "ylabel": Gnuplot.quote(yLabel)]
        if let yRange {
            variables["ymin"] = yRange.lowerBound.description
            variables["ymax"] = yRange.upperBound.description
        }
        if let reference { variables["reference"] = reference.description }
        try render(.groupedBars, data: data, variables: variables, output: output)
    }
}
