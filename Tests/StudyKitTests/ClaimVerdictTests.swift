import XCTest
@testable import StudyKit

/// The verdict compares our direction with the paper's own direction for the row.
final class ClaimVerdictTests: XCTestCase {
    func testTheSemisupervisedTablesLogLossRowsWhereThePaperHasESAhead() {
        // results/semisupervised-tables, Table 3, 100 labels, D, log loss: the paper's ES is
        // lower (better) than its SS, ours has SS lower. That is a disagreement, not "same direction".
        let verdict = ClaimVerdict(first: "SS", second: "ES", paperFirst: 1.48, paperSecond: 1.21,
                                   oursFirst: [1.2423, 1.2494], oursSecond: [3.1622, 3.8660], higherIsBetter: false)
        XCTAssertEqual(verdict.paper, .second)
        XCTAssertEqual(verdict.ours, .first)
        XCTAssertEqual(verdict.paperText, "ES better")
        XCTAssertEqual(verdict.holdsText, "no: SS better here (not significant)")
    }

    func testAgreementWithAndWithoutSignificance() {
        let strong = ClaimVerdict(first: "SS", second: "ES", paperFirst: 0.9, paperSecond: 0.8,
                                  oursFirst: [0.91, 0.92, 0.93], oursSecond: [0.80, 0.81, 0.82], higherIsBetter: true)
        XCTAssertEqual(strong.holdsText, "yes")
        XCTAssertTrue(strong.isSignificant)
        let weak = ClaimVerdict(first: "SS", second: "ES", paperFirst: 0.9, paperSecond: 0.8,
                                oursFirst: [0.90, 0.80], oursSecond: [0.84, 0.83], higherIsBetter: true)
        XCTAssertEqual(weak.holdsText, "same direction, not significant")
        let single = ClaimVerdict(first: "SS", second: "ES", paperFirst: 0.9, paperSecond: 0.8,
                                  oursFirst: [0.9], oursSecond: [0.8], higherIsBetter: true)
        XCTAssertEqual(single.holdsText, "same direction, n < 2, no test")
        let against = ClaimVerdict(first: "SS", second: "EU", paperFirst: 0.9, paperSecond: 0.8,
                                   oursFirst: [0.60, 0.61, 0.62], oursSecond: [0.80, 0.81, 0.82], higherIsBetter: true)
        XCTAssertEqual(against.holdsText, "no: EU better here (significant)")
    }

    func testTiesAreNeverReportedAsAWin() {
        let oursTied = ClaimVerdict(first: "SS", second: "ES", paperFirst: 0.9, paperSecond: 0.8,
                                    oursFirst: [0.5, 0.7], oursSecond: [0.6, 0.6], higherIsBetter: true)
        XCTAssertEqual(oursTied.ours, .tie)
        XCTAssertEqual(oursTied.holdsText, "no: tied here (not significant)")
        let paperTied = ClaimVerdict(first: "SS", second: "ES", paperFirst: 0.8, paperSecond: 0.8,
                                     oursFirst: [0.9, 0.91], oursSecond: [0.8, 0.81], higherIsBetter: true)
        XCTAssertEqual(paperTied.paperText, "tie")
        XCTAssertTrue(paperTied.holdsText.hasPrefix("paper tied; SS better here"), paperTied.holdsText)
    }

    func testMissingAndDivergedNumbers() {
        let noPaper = ClaimVerdict(first: "SS", second: "ES", paperFirst: nil, paperSecond: 0.8,
                                   oursFirst: [0.9, 0.91], oursSecond: [0.8, 0.81], higherIsBetter: true)
        XCTAssertEqual(noPaper.paperText, "n/a")
        XCTAssertTrue(noPaper.holdsText.hasSuffix("paper n/a"), noPaper.holdsText)
        let notRun = ClaimVerdict(first: "SS", second: "ES", paperFirst: 0.9, paperSecond: 0.8,
                                  oursFirst: [], oursSecond: [0.8], higherIsBetter: true)
        XCTAssertEqual(notRun.holdsText, "not run")
        // A diverged (non-finite) value is left out rather than poisoning the mean and the test.
        let diverged = ClaimVerdict(first: "SS", second: "ES", paperFirst: 0.9, paperSecond: 0.8,
                                    oursFirst: [0.91, .nan, 0.93], oursSecond: [0.80, 0.81, .infinity], higherIsBetter: true)
        XCTAssertEqual(diverged.ours, .first)
        XCTAssertNotNil(diverged.pValue)
    }
}
