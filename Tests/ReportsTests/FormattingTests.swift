import XCTest
@testable import Reports

final class FormattingTests: XCTestCase {
    func testFixedDecimals() {
        XCTAssertEqual(NumberFormat.fixed(0.91234, decimals: 3), "0.912")
        XCTAssertEqual(NumberFormat.fixed(0.9125, decimals: 2), "0.91")
        XCTAssertEqual(NumberFormat.fixed(12, decimals: 1), "12.0")
        XCTAssertEqual(NumberFormat.fixed(-0.0001, decimals: 3), "0.000")
        XCTAssertEqual(NumberFormat.fixed(-0.25, decimals: 2), "-0.25")
        XCTAssertEqual(NumberFormat.fixed(nil, decimals: 3), "n/a")
        XCTAssertEqual(NumberFormat.fixed(.nan, decimals: 3), "n/a")
        XCTAssertEqual(NumberFormat.fixed(.infinity, decimals: 3), "n/a")
    }

    func testMeanPlusMinus() throws {
        XCTAssertEqual(NumberFormat.meanPlusMinus(0.9123, 0.0041, decimals: 3), "0.912 ± 0.004")
        XCTAssertEqual(NumberFormat.meanPlusMinus(0.9123, nil, decimals: 3), "0.912")
        XCTAssertEqual(NumberFormat.meanPlusMinus(nil, 0.1, decimals: 3), "n/a")
        let summary = try XCTUnwrap(Summary([0.90, 0.92, 0.94]))
        XCTAssertEqual(NumberFormat.summary(summary, decimals: 1, scale: 100), "92.0 ± 2.0")
        XCTAssertEqual(NumberFormat.summary(nil, decimals: 1), "n/a")
        XCTAssertEqual(NumberFormat.pValue(0.0019213), "p = 0.0019")
        XCTAssertEqual(NumberFormat.pValue(3.6e-10), "p < 0.0001")
        XCTAssertEqual(NumberFormat.exact(0.0005), "0.0005")
        XCTAssertEqual(NumberFormat.exact(.nan), "")
    }

    func testMarkdownTableIsAligned() {
        var table = MarkdownTable(header: ["model", "accuracy", "n"])
        table.append(["SS_D", "0.912 ± 0.004", "5"])
        table.append(["ES_D|x", "0.9", "10"])
        XCTAssertEqual(table.markdown, """
            | model   |      accuracy |   n |
            |:--------|--------------:|----:|
            | SS_D    | 0.912 ± 0.004 |   5 |
            | ES_D\\|x |           0.9 |  10 |

            """)
        var centered = MarkdownTable(header: ["a", "b"], alignments: [.center, .left])
        centered.append(["x", "yy"])
        XCTAssertEqual(centered.markdown, "|  a  | b   |\n|:---:|:----|\n|  x  | yy  |\n")
    }
}
