import Foundation
import XCTest
@testable import Reports

/// The grouped bar chart of AnoDM Figure 5 (an AUROC per held-out class and encoder).
final class GnuplotGroupedBarsTests: XCTestCase {
    func testGroupedBarsWriteTheirDataAndAPNG() throws {
        let gnuplot = Gnuplot(scriptsFolder: repositoryRoot.appendingPathComponent("figures"))
        try XCTSkipIf(gnuplot.executable == nil, "gnuplot is not installed")
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("bars.png")
        try gnuplot.groupedBars([BarCluster(label: "N", values: [(0.8, 0.01), nil]), BarCluster(label: "Q", values: [(0.95, 0), (0.9, 0.02)])],
                                seriesNames: ["TCN", "CNN"], title: "AUROC", xLabel: "held-out class", yLabel: "AUROC",
                                yRange: 0...1, reference: 0.5, output: output)
        let size = try XCTUnwrap(pngSize(try Data(contentsOf: output)), "not a PNG")
        XCTAssertEqual(size.width, 900)
        XCTAssertEqual(size.height, 500)
        XCTAssertGreaterThan(Set(try PNGImage.read(from: output).pixels).count, 10, "a drawn figure")
        let data = try String(contentsOf: folder.appendingPathComponent("bars.dat"), encoding: .utf8)
        XCTAssertEqual(data, "\"group\" \"TCN\" \"std\" \"CNN\" \"std\"\n\"N\" 0.8 0.01 ? ?\n\"Q\" 0.95 0.0 0.9 0.02\n")
        XCTAssertThrowsError(try gnuplot.groupedBars([BarCluster(label: "N", values: [(0.8, 0)])], seriesNames: ["TCN", "CNN"],
                                                     yLabel: "AUROC", output: output)) {
            XCTAssertTrue("\($0)".contains("one value per series (2)"))
        }
    }
}
