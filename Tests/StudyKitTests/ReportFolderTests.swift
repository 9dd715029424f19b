import Foundation
import XCTest
@testable import StudyKit

/// A report is all old or all new, whatever happens while it is drawn.
final class ReportFolderTests: XCTestCase {
    private var parent: URL!

    override func setUpWithError() throws {
        parent = FileManager.default.temporaryDirectory.appendingPathComponent("report-folder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: parent) }

    private func contents(_ folder: URL) throws -> [String: String] {
        var out: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            out[name] = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        }
        return out
    }

    func testACommittedReportReplacesTheOldOneAndKeepsWhatItDidNotRedraw() throws {
        let destination = parent.appendingPathComponent("section")
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        try "old report".write(to: destination.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        try "figure drawn while training".write(to: destination.appendingPathComponent("figure.png"), atomically: true, encoding: .utf8)
        let folder = try ReportFolder.begin(destination)
        try "new report".write(to: folder.staging.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try contents(destination)["README.md"], "old report", "nothing changes before the commit")
        try folder.commit()
        XCTAssertEqual(try contents(destination), ["README.md": "new report", "figure.png": "figure drawn while training"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent.path), ["section"], "no staging folder left")
    }

    func testAKillWhileDrawingLeavesThePreviousReportAndIsCleanedUpNextTime() throws {
        let destination = parent.appendingPathComponent("section")
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        try "old report".write(to: destination.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        // A process (pid 999999, not running) died halfway through drawing: new CSVs, no README.
        let dead = parent.appendingPathComponent(".section.staging-\(ReportFolder.hostName)-999999")
        try FileManager.default.createDirectory(at: dead, withIntermediateDirectories: true)
        try "half".write(to: dead.appendingPathComponent("table-3.csv"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try contents(destination), ["README.md": "old report"], "the published report is intact")
        let folder = try ReportFolder.begin(destination)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dead.path), "the dead process's staging folder is removed")
        folder.abandon()
        XCTAssertEqual(try contents(destination), ["README.md": "old report"])
    }

    func testAnotherHostsFreshStagingFolderIsLeftAlone() throws {
        // A shard on another node is drawing the same report right now: its pid means nothing here.
        let destination = parent.appendingPathComponent("section")
        let other = parent.appendingPathComponent(".section.staging-othernode-1")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let folder = try ReportFolder.begin(destination)
        XCTAssertTrue(FileManager.default.fileExists(atPath: other.path))
        try folder.commit()
        XCTAssertTrue(FileManager.default.fileExists(atPath: other.path))
    }

    func testTwoReportsCommittedOneAfterTheOtherLeaveTheLast() throws {
        let destination = parent.appendingPathComponent("section")
        let first = try ReportFolder.begin(destination)
        let second = ReportFolder(destination: destination,
                                  staging: parent.appendingPathComponent(".section.staging-\(ReportFolder.hostName)-second"))
        try FileManager.default.createDirectory(at: second.staging, withIntermediateDirectories: true)
        try "first".write(to: first.staging.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        try "second".write(to: second.staging.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        try first.commit()
        try second.commit()
        XCTAssertEqual(try contents(destination), ["README.md": "second"])
    }

    func testAKillBetweenTheTwoRenamesIsRecovered() throws {
        // The old report was retired by a process that died before moving the new one in.
        let destination = parent.appendingPathComponent("section")
        let retired = parent.appendingPathComponent(".section.retired-\(ReportFolder.hostName)-999999")
        try FileManager.default.createDirectory(at: retired, withIntermediateDirectories: true)
        try "old report".write(to: retired.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let folder = try ReportFolder.begin(destination)
        XCTAssertEqual(try contents(destination), ["README.md": "old report"], "put back before anything else")
        XCTAssertEqual(try contents(folder.staging), ["README.md": "old report"])
        folder.abandon()
    }
}
