import XCTest
@testable import Experiments

final class ProvenanceTests: XCTestCase {
    func testCPUModelFromCpuinfo() {
        let cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz\nflags\t\t: fpu\n"
        XCTAssertEqual(Provenance.cpuModel(cpuinfo: cpuinfo), "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz")
        XCTAssertEqual(Provenance.cpuModel(cpuinfo: "processor : 0\n"), "unknown")
        XCTAssertEqual(Provenance.cpuModel(cpuinfo: nil), "unknown")
    }

    func testGitStateOutsideARepositoryIsUnknown() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // /tmp is not inside a repository on the machines we test on.
        XCTAssertEqual(Provenance.gitState(of: folder), GitState(commit: "unknown", dirty: false))
    }

    func testGitStateOfThisRepository() throws {
        try XCTSkipIf(ExternalCommand.locate("git") == nil, "git is not installed")
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let state = Provenance.gitState(of: repository)
        try XCTSkipIf(state.commit == "unknown", "the sources are not in a git checkout")
        XCTAssertEqual(state.commit.count, 40)
        XCTAssertTrue(state.commit.allSatisfy(\.isHexDigit))
    }

    func testCurrentMachine() {
        let provenance = Provenance.current(openBLASCore: "Zen")
        XCTAssertEqual(provenance.machine.openBLASCore, "Zen")
        XCTAssertGreaterThan(provenance.machine.coreCount, 0)
        XCTAssertFalse(provenance.machine.hostname.isEmpty)
    }

    func testISODate() {
        XCTAssertEqual(Provenance.isoDate(Date(timeIntervalSince1970: 1_795_000_000)), "2026-11-18T11:06:40Z")
    }
}
