import Foundation

/// Figures of points in a plane and box plots (the V-ABC section's moons, encoder ellipses and
/// negative generation errors). Scripts: figures/box-plot.gp, scatter.gp, vector-field.gp, ellipses.gp.
extension Gnuplot {
    /// One box per entry (its values), labelled on the x axis; `colours` gives each box a
    /// palette index (1 blue, 2 red, ...), and `legend` names colours 1 and 2.
    public func boxPlot(_ boxes: [(label: String, values: [Double])], colours: [Int], legend: (String, String)? = nil,
                        title: String = "", xLabel: String = "", yLabel: String, output: URL) throws {
        guard !boxes.isEmpty else { throw GnuplotError.noData("a box plot needs at least one box") }
        let data = try Gnuplot.blocks(boxes.map { ($0.label, $0.values.map { [$0] }) }, xHeader: "value")
            .replacingOccurrences(of: "\"value\" ", with: "")
        let tics = boxes.enumerated().map { "\(Gnuplot.quote($0.element.label)) \($0.offset + 1)" }.joined(separator: ", ")
        try render(.boxPlot, data: data, variables: [
            "nboxes": String(boxes.count), "xticsdef": Gnuplot.quote("set xtics (\(tics))"),
            "colours": Gnuplot.quote(colours.map(String.init).joined(separator: " ")),
            "legendone": Gnuplot.quote(legend?.0 ?? ""), "legendtwo": Gnuplot.quote(legend?.1 ?? ""),
            "plottitle": Gnuplot.quote(title), "xlabel": Gnuplot.quote(xLabel), "ylabel": Gnuplot.quote(yLabel)],
            output: output)
    }

    /// Series of points with a colour, a gnuplot point type and a size each.
    public func scatter(_ series: [(name: String, points: [(Double, Double)], colour: String, marker: Int, size: Double)],
                        title: String, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, output: URL) throws {
        let data = try Gnuplot.blocks(series.map { ($0.name, $0.points.map { [$0.0, $0.1] }) }, xHeader: "x")
        try render(.scatter, data: data, variables: [
            "nseries": String(series.count), "plottitle": Gnuplot.quote(title),
            "colours": Gnuplot.quote(series.map(\.colour).joined(separator: " ")),
            "markers": Gnuplot.quote(series.map { String($0.marker) }.joined(separator: " ")),
            "sizes": Gnuplot.quote(series.map { String($0.size) }.joined(separator: " ")),
            "xmin": String(xRange.lowerBound), "xmax": String(xRange.upperBound),
            "ymin": String(yRange.lowerBound), "ymax": String(yRange.upperBound)], output: output)
    }

    /// Arrows (x, y, dx, dy) over two named point sets; the arrows are scaled so the longest
    /// is `longest` long (their relative lengths are kept).
    public func vectorField(_ arrows: [(x: Double, y: Double, dx: Double, dy: Double)], arrowsName: String,
                            points: [(name: String, points: [(Double, Double)])], longest: Double = 0.25,
                            title: String, output: URL) throws {
        guard points.count == 2 else { throw GnuplotError.noData("a vector field draws exactly two point sets") }
        let maximum = arrows.map { ($0.dx * $0.dx + $0.dy * $0.dy).squareRoot() }.max() ?? 0
        let scale = maximum > 0 ? longest / maximum : 0
        let data = try Gnuplot.blocks([(arrowsName, arrows.map { [$0.x, $0.y, $0.dx * scale, $0.dy * scale] })]
                                      + points.map { ($0.name, $0.points.map { [$0.0, $0.1] }) }, xHeader: "x")
        try render(.vectorField, data: data, variables: ["plottitle": Gnuplot.quote(title)], output: output)
    }

    /// Axis-aligned ellipses (centre, full width, full height), one colour per series.
    public func ellipses(_ series: [(name: String, ellipses: [(x: Double, y: Double, width: Double, height: Double)])],
                         title: String, xLabel: String, yLabel: String, output: URL) throws {
        let data = try Gnuplot.blocks(series.map { ($0.name, $0.ellipses.map { [$0.x, $0.y, $0.width, $0.height] }) },
                                      xHeader: "x", extraHeaders: ["width", "height"])
        try render(.ellipses, data: data, variables: [
            "nseries": String(series.count), "plottitle": Gnuplot.quote(title), "xlabel": Gnuplot.quote(xLabel),
            "ylabel": Gnuplot.quote(yLabel)], output: output)
    }
}
