import XCTest
@testable import Reports

final class CSVTests: XCTestCase {
    func testQuoting() {
        XCTAssertEqual(CSV.quote("plain"), "plain")
        XCTAssertEqual(CSV.quote("a,b"), "\"a,b\"")
        XCTAssertEqual(CSV.quote("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(CSV.quote("two\nlines"), "\"two\nlines\"")
        XCTAssertEqual(CSV.quote("cr\r\nlf"), "\"cr\r\nlf\"")
        XCTAssertEqual(CSV.quote(""), "")
    }

    func testParseRoundTrip() throws {
        var table = CSVTable(header: ["a", "b", "c"])
        table.append(["1", "x, y", "he said \"no\""])
        table.append(["", "multi\nline", "end"])
        XCTAssertEqual(table.text, "a,b,c\n1,\"x, y\",\"he said \"\"no\"\"\"\n,\"multi\nline\",end\n")
        let records = try CSV.parse(table.text, file: "t.csv")
        XCTAssertEqual(records.map(\.fields), [table.header] + table.rows)
        XCTAssertEqual(records.map(\.line), [1, 2, 3])
    }

    func testParseCRLFBlankLinesAndEmptyQuotedField() throws {
        let records = try CSV.parse("a,b\r\n\r\n1,\"\"\r\n\"\"\r\n", file: "t.csv")
        XCTAssertEqual(records, [CSV.Record(fields: ["a", "b"], line: 1),
                                 CSV.Record(fields: ["1", ""], line: 3),
                                 CSV.Record(fields: [""], line: 4)])
        XCTAssertEqual(try CSV.parse("x,y", file: "t.csv").map(\.fields), [["x", "y"]])
    }

    func testParseErrorsNameFileAndLine() {
        XCTAssertThrowsError(try CSV.parse("a,b\n1,\"open\n2,3\n", file: "p.csv")) {
            XCTAssertEqual("\($0)", "p.csv:2: a quoted field is never closed")
        }
        XCTAssertThrowsError(try CSV.parse("a,b\n\"x\"y,2\n", file: "p.csv")) {
            XCTAssertEqual("\($0)", "p.csv:2: text after a closing quote")
        }
        XCTAssertThrowsError(try CSV.parse("a,b\n\n1,x\"y\n", file: "p.csv")) {
            XCTAssertEqual("\($0)", "p.csv:3: a quote inside an unquoted field (quote the whole field and double the quote)")
        }
    }

    func testComparisonRowCSV() throws {
        let rows = [
            ComparisonRow(table: "Table 2", dataset: "MNIST", model: "SS_D", setting: "100 labels",
                          metric: "error (%)", paperMean: 2.59, paperStd: 0.05, oursMean: 2.7125,
                          oursStd: 0.11, n: 4),
            ComparisonRow(table: "Table 2", dataset: "MNIST", model: "M1+M2, stacked", setting: "100 labels",
                          metric: "error (%)", paperMean: 3.33, paperStd: nil, oursMean: nil,
                          oursStd: nil, n: 0),
        ]
        XCTAssertEqual(ComparisonRow.csvTable(rows).text, """
            table,dataset,model,setting,metric,paper_mean,paper_std,ours_mean,ours_std,n
            Table 2,MNIST,SS_D,100 labels,error (%),2.59,0.05,2.7125,0.11,4
            Table 2,MNIST,"M1+M2, stacked",100 labels,error (%),3.33,,,,0

            """)
        XCTAssertEqual(ComparisonRow.markdownTable(rows, decimals: 2).markdown, """
            | dataset | model          | setting    | metric    |       paper |        ours |   n |
            |:--------|:---------------|:-----------|:----------|------------:|------------:|----:|
            | MNIST   | SS_D           | 100 labels | error (%) | 2.59 ± 0.05 | 2.71 ± 0.11 |   4 |
            | MNIST   | M1+M2, stacked | 100 labels | error (%) |        3.33 |     not run |   0 |

            """)
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("comparison.csv")
        try ComparisonRow.write(rows, to: file)
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), ComparisonRow.csvTable(rows).text)
    }
}
