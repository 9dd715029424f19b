import XCTest
@testable import Reports

final class GnuplotTests: XCTestCase {
    var folder: URL!
    var gnuplot: Gnuplot!

    override func setUpWithError() throws {
        let plotter = Gnuplot(scriptsFolder: repositoryRoot.appendingPathComponent("figures"))
        try XCTSkipIf(plotter.executable == nil, "gnuplot is not installed")
        gnuplot = plotter
        folder = try makeTemporaryFolder()
    }

    override func tearDownWithError() throws {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    func assertPNG(_ url: URL, width: Int, height: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let data = try Data(contentsOf: url)
        let size = try XCTUnwrap(pngSize(data), "not a PNG", file: file, line: line)
        XCTAssertEqual(size.width, width, file: file, line: line)
        XCTAssertEqual(size.height, height, file: file, line: line)
        // The image is not blank: a drawn figure has many gray levels.
        let image = try PNGImage.read(from: url)
        XCTAssertGreaterThan(Set(image.pixels).count, 10, file: file, line: line)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
            .filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], file: file, line: line)
    }

    func testLearningCurve() throws {
        let output = folder.appendingPathComponent("curve.png")
        try gnuplot.learningCurve([LineSeries(name: "train loss", perEpoch: [3, 2, 1.5, 1.2]),
                                   LineSeries(name: "validation loss (SS_D)", perEpoch: [3.2, 2.4, 2.0])],
                                  title: "MNIST, 100 labels", yLabel: "loss", output: output)
        try assertPNG(output, width: 800, height: 500)
        let data = try String(contentsOf: folder.appendingPathComponent("curve.dat"), encoding: .utf8)
        XCTAssertEqual(data, "\"epoch\" \"train loss\"\n1.0 3.0\n2.0 2.0\n3.0 1.5\n4.0 1.2\n\n\n\"epoch\" \"validation loss (SS_D)\"\n1.0 3.2\n2.0 2.4\n3.0 2.0\n")
    }

    func testLinesWithErrorBars() throws {
        let output = folder.appendingPathComponent("labels.png")
        try gnuplot.linesWithErrorBars(
            [ErrorBarSeries(name: "SS_D", points: [(100, 0.90, 0.02), (600, 0.95, 0.01), (1000, 0.97, 0.005)]),
             ErrorBarSeries(name: "ES_D", points: [(100, 0.85, 0.03), (600, 0.93, 0.02), (1000, 0.96, 0.01)])],
            title: "accuracy", xLabel: "labels", yLabel: "accuracy", logX: true, output: output)
        // Wider than the other plots: the key stands outside, to the right.
        try assertPNG(output, width: 900, height: 500)
    }

    func testROC() throws {
        let output = folder.appendingPathComponent("roc.png")
        try gnuplot.roc([LineSeries(name: "V-ABC (AUC 0.93)", points: [(0, 0), (0.05, 0.7), (0.2, 0.9), (1, 1)]),
                         LineSeries(name: "VAE (AUC 0.85)", points: [(0, 0), (0.1, 0.6), (0.4, 0.9), (1, 1)])],
                        title: "ECG anomalies", output: output)
        try assertPNG(output, width: 600, height: 600)
    }

    func testPaperVersusOursBars() throws {
        let output = folder.appendingPathComponent("bars.png")
        let rows = [
            ComparisonRow(table: "T2", dataset: "MNIST", model: "SS_D", setting: "100 labels", metric: "error",
                          paperMean: 2.59, paperStd: 0.05, oursMean: 2.7, oursStd: 0.1, n: 3),
            ComparisonRow(table: "T2", dataset: "MNIST", model: "ES_D", setting: "100 labels", metric: "error",
                          paperMean: 3.1, paperStd: nil, oursMean: nil, oursStd: nil, n: 0),
        ]
        try gnuplot.paperVersusOurs(rows.map(BarGroup.init), title: "Table 2", yLabel: "error (%)", output: output)
        try assertPNG(output, width: 900, height: 500)
        let data = try String(contentsOf: folder.appendingPathComponent("bars.dat"), encoding: .utf8)
        XCTAssertEqual(data, "# label paper_mean paper_std ours_mean ours_std (? = missing)\n\"SS_D 100 labels\" 2.59 0.05 2.7 0.1\n\"ES_D 100 labels\" 3.1 0.0 ? ?\n")
    }

    func testHeatmap() throws {
        let output = folder.appendingPathComponent("heatmap.png")
        try gnuplot.heatmap(values: [[0.6, 0.9, .nan], [0.75, 0.8, 0.95]], rowLabels: ["0.1", "1"],
                            columnLabels: ["0", "0.5", "1"], title: "AUROC, MNIST digit 7", xLabel: "α",
                            yLabel: "β", valueLabel: "AUROC", colourRange: 0.5...1, output: output)
        // 160 + 52 per column wide, 150 + 30 per row high.
        try assertPNG(output, width: 316, height: 210)
        let data = try String(contentsOf: folder.appendingPathComponent("heatmap.dat"), encoding: .utf8)
        XCTAssertEqual(data, "\"rows β, columns α\" \"0\" \"0.5\" \"1\"\n\"0.1\" 0.6 0.9 NaN\n\"1\" 0.75 0.8 0.95\n")
        XCTAssertThrowsError(try gnuplot.heatmap(values: [[0.5, 0.6]], rowLabels: ["a"], columnLabels: ["x"],
                                                 xLabel: "x", yLabel: "y", valueLabel: "v", output: output)) {
            XCTAssertTrue("\($0)".contains("not 1 rows of 1"))
        }
        XCTAssertThrowsError(try gnuplot.heatmap(values: [[.nan]], rowLabels: ["a"], columnLabels: ["x"],
                                                 xLabel: "x", yLabel: "y", valueLabel: "v", output: output))
    }

    func testFailuresAreClearErrors() throws {
        let missing = Gnuplot(scriptsFolder: repositoryRoot.appendingPathComponent("figures"), executable: nil)
        XCTAssertThrowsError(try missing.roc([LineSeries(name: "a", points: [(0, 0)])], output: folder.appendingPathComponent("x.png"))) {
            XCTAssertEqual($0 as? GnuplotError, .notInstalled)
            XCTAssertTrue("\($0)".contains("gnuplot-nox"))
        }
        let scripts = folder.appendingPathComponent("scripts")
        try FileManager.default.createDirectory(at: scripts, withIntermediateDirectories: true)
        try "set terminal pngcairo\nset output outfile\nplot datafile using 1:2 with nonsense\n"
            .write(to: scripts.appendingPathComponent("roc.gp"), atomically: true, encoding: .utf8)
        let broken = Gnuplot(scriptsFolder: scripts, executable: gnuplot.executable)
        let output = folder.appendingPathComponent("broken.png")
        XCTAssertThrowsError(try broken.roc([LineSeries(name: "a", points: [(0, 0), (1, 1)])], output: output)) { error in
            guard case GnuplotError.failed(_, _, let standardError) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(standardError.contains("nonsense") || standardError.lowercased().contains("expecting"), standardError)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))
        XCTAssertThrowsError(try broken.learningCurve([LineSeries(name: "a", perEpoch: [1])], yLabel: "", output: output)) {
            XCTAssertEqual("\($0)", "figure script \(scripts.path)/learning-curve.gp not found (run from the repository root)")
        }
        XCTAssertThrowsError(try gnuplot.learningCurve([], yLabel: "", output: output)) {
            XCTAssertEqual($0 as? GnuplotError, .noData("a figure needs at least one series"))
        }
    }

    func testQuoting() {
        XCTAssertEqual(Gnuplot.quote("it's"), "'it''s'")
        XCTAssertEqual(Gnuplot.dataString("say \"x\""), "\"say 'x'\"")
    }
}
