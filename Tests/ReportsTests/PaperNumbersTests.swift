import XCTest
import Experiments
@testable import Reports

final class PaperNumbersTests: XCTestCase {
    let valid = """
        table,dataset,model,setting,metric,mean,std
        Table 2,MNIST,SS_D,100 labels,error (%),2.59,0.05
        Table 2,MNIST,"M1+M2, stacked",100 labels,error (%),3.33,
        Table 3,SVHN,SS_D,1000 labels,error (%),22.86, 1.2

        """

    func testParse() throws {
        let numbers = try PaperNumbers.parse(valid, file: "papers/x/t.csv")
        XCTAssertEqual(numbers.count, 3)
        XCTAssertEqual(numbers[1], PaperNumber(table: "Table 2", dataset: "MNIST", model: "M1+M2, stacked",
                                               setting: "100 labels", metric: "error (%)", mean: 3.33,
                                               std: nil, source: "papers/x/t.csv:3"))
        XCTAssertEqual(numbers[2].std, 1.2)
        let paper = PaperNumbers(numbers)
        XCTAssertEqual(paper.number(table: "Table 2", dataset: "MNIST", model: "SS_D",
                                    setting: "100 labels", metric: "error (%)")?.mean, 2.59)
        XCTAssertNil(paper.number(table: "Table 2", dataset: "SVHN", model: "SS_D",
                                  setting: "100 labels", metric: "error (%)"))
        XCTAssertEqual(paper.table("Table 3").map(\.model), ["SS_D"])
    }

    func testErrorsNameFileAndLine() {
        let cases: [(String, String)] = [
            ("table,dataset,model,setting,metric,mean\n", "f.csv:1: expected the header table,dataset,model,setting,metric,mean,std, found table,dataset,model,setting,metric,mean"),
            ("", "f.csv:1: empty file; expected the header table,dataset,model,setting,metric,mean,std"),
            ("table,dataset,model,setting,metric,mean,std\nT,D,M,S,acc,0.9\n", "f.csv:2: expected 7 fields, found 6"),
            ("table,dataset,model,setting,metric,mean,std\nT,D,M,S,acc,0.9,0.1\nT,D,M,S,auc,high,\n", "f.csv:3: mean 'high' is not a number"),
            ("table,dataset,model,setting,metric,mean,std\nT,D,M,S,acc,0.9,-1\n", "f.csv:2: std '-1' is not a non-negative number (leave it empty when the paper gives none)"),
            ("table,dataset,model,setting,metric,mean,std\n,D,M,S,acc,0.9,\n", "f.csv:2: empty table"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try PaperNumbers.parse(text, file: "f.csv")) { XCTAssertEqual("\($0)", message) }
        }
    }

    func testLoadReadsEveryFileAndRejectsDuplicates() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("semisupervised-vae")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try valid.write(to: folder.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        try "table,dataset,model,setting,metric,mean,std\nTable 4,MNIST,SS_D,all,error (%),0.9,\n"
            .write(to: folder.appendingPathComponent("b.csv"), atomically: true, encoding: .utf8)
        try "not,a,paper,file".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let paper = try PaperNumbers.load(paper: "semisupervised-vae", root: root)
        XCTAssertEqual(paper.numbers.map(\.table), ["Table 2", "Table 2", "Table 3", "Table 4"])

        let duplicate = folder.appendingPathComponent("c.csv")
        try "table,dataset,model,setting,metric,mean,std\nTable 2,MNIST,SS_D,100 labels,error (%),2.6,\n"
            .write(to: duplicate, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PaperNumbers.load(paper: "semisupervised-vae", root: root)) { error in
            XCTAssertEqual("\(error)", "\(duplicate.path):2: duplicates the number at \(folder.appendingPathComponent("a.csv").path):2")
        }
        XCTAssertThrowsError(try PaperNumbers.load(paper: "missing", root: root)) { error in
            XCTAssertTrue("\(error)".contains("cannot list the folder"), "\(error)")
        }
    }

    func testCollectorComparesWithThePaper() throws {
        let paper = PaperNumbers(try PaperNumbers.parse(valid, file: "t.csv"))
        func record(model: String, seed: UInt64, accuracy: Double, status: RunStatus = .completed) -> RunRecord {
            let configuration = CellConfiguration(section: "s", dataset: "MNIST", model: model,
                                                  setting: "100 labels", seed: seed, profile: .quick)
            return RunRecord(configuration: configuration,
                             result: CellResult(status: status, metrics: ["accuracy": accuracy], epochs: 1),
                             seconds: 1, provenance: reportsTestProvenance, date: "2026-01-01T00:00:00Z")
        }
        let records = [record(model: "SS_D", seed: 1, accuracy: 0.97), record(model: "SS_D", seed: 2, accuracy: 0.98),
                       record(model: "SS_D", seed: 3, accuracy: 0.10, status: .diverged),
                       record(model: "ES_D", seed: 1, accuracy: 0.96)]
        let rows = Collector.comparisonRows(table: "Table 2", metric: "error (%)", records: records,
                                            paper: paper) { record in
            record.metrics["accuracy"].map { (1 - $0) * 100 }
        }
        XCTAssertEqual(rows.map(\.model), ["SS_D", "M1+M2, stacked", "ES_D"])
        XCTAssertEqual(rows.map(\.n), [2, 0, 1])
        XCTAssertEqual(rows[0].oursMean!, 2.5, accuracy: 1e-12)
        XCTAssertEqual(rows[0].oursStd!, 0.5.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(rows[0].paperMean, 2.59)
        XCTAssertNil(rows[1].oursMean)
        XCTAssertNil(rows[2].paperMean)
        XCTAssertNil(rows[2].oursStd)
        let summaries = Collector.summaries(records, metric: "accuracy", includeDiverged: true)
        XCTAssertEqual(summaries[CellGroup(dataset: "MNIST", model: "SS_D", setting: "100 labels")]?.n, 3)
    }
}
