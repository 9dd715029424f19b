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

    /// A scratch repository: results/ does not make the tree dirty, a changed source does,
    /// wherever in the tree the question is asked from.
    func testDirtyFlagIgnoresResults() throws {
        let git = try XCTUnwrap(ExternalCommand.locate("git"), "git is not installed")
        let repository = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: repository) }
        let sources = repository.appendingPathComponent("Sources")
        try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
        try "let a = 1\n".write(to: repository.appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
        try "let b = 1\n".write(to: sources.appendingPathComponent("b.swift"), atomically: true, encoding: .utf8)
        for arguments in [["init", "-q"], ["add", "."],
                          ["-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "start"]] {
            let result = try ExternalCommand.run(git, arguments: arguments, in: repository)
            XCTAssertEqual(result.status, 0, result.standardError)
        }
        let clean = Provenance.gitState(of: sources)
        XCTAssertEqual(clean.commit.count, 40)
        XCTAssertFalse(clean.dirty)
        try AtomicFile.write("{}", to: repository.appendingPathComponent("results/runs/s/abc.json"))
        XCTAssertFalse(Provenance.gitState(of: sources).dirty, "run files made the tree dirty")
        try "let a = 2\n".write(to: repository.appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
        XCTAssertTrue(Provenance.gitState(of: sources).dirty, "a change outside the asking folder was missed")
    }

    func testCurrentMachine() {
        let provenance = Provenance.current(openBLASCore: "Zen", blasThreads: 3)
        XCTAssertEqual(provenance.machine.openBLASCore, "Zen")
        XCTAssertEqual(provenance.machine.blasThreads, 3)
        XCTAssertGreaterThan(provenance.machine.coreCount, 0)
        XCTAssertFalse(provenance.machine.hostname.isEmpty)
    }

    func testISODate() {
        XCTAssertEqual(Provenance.isoDate(Date(timeIntervalSince1970: 1_795_000_000)), "2026-11-18T11:06:40Z")
    }
}
