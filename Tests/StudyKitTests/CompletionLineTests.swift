import Experiments
import Foundation
import XCTest
@testable import StudyKit

/// The last line a section prints counts cells as the runner and the run store do: by id.
final class CompletionLineTests: XCTestCase {
    func cell(_ model: String, seed: UInt64) -> CellConfiguration {
        CellConfiguration(section: "s", dataset: "mnist", model: model, setting: "β 0.01", seed: seed, profile: .quick)
    }

    func testACellListedTwiceCountsOnce() {
        // A section may list a cell for two figures; the runner trains it once.
        let table = [cell("A", seed: 1), cell("A", seed: 2)]
        let grid = [cell("A", seed: 1), cell("A", seed: 2), cell("B", seed: 1)]
        let line = SectionDriver.completionLine(commandName: "anodm-heatmaps", finishedCells: 2, selected: table + grid,
                                                profile: .quick, paperRuns: 0,
                                                report: URL(fileURLWithPath: "/r/anodm-heatmaps"), seconds: 7.2)
        XCTAssertEqual(line, "anodm-heatmaps: 2 of 3 quick cells have results; report in /r/anodm-heatmaps/README.md (7 s)")
    }

    func testPaperRunsInAQuickReportAreNamed() {
        let line = SectionDriver.completionLine(commandName: "semisupervised-tables", finishedCells: 48,
                                                selected: (1...60).map { cell("A", seed: UInt64($0)) },
                                                profile: .quick, paperRuns: 20,
                                                report: URL(fileURLWithPath: "/r/t"), seconds: 3)
        XCTAssertEqual(line, "semisupervised-tables: 48 of 60 quick cells have results (the report takes 20 "
                       + "paper-profile runs for the groups whose paper seeds are all done); report in /r/t/README.md (3 s)")
    }
}
