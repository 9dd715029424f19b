import XCTest
import Experiments
@testable import Reports

final class MarkdownReportTests: XCTestCase {
    func testProvenanceSaysWhereTheRunsWereTrained() {
        func run(seed: UInt64, commit: String, dirty: Bool = false, core: String, threads: Int? = 2,
                 seconds: Double) -> RunRecord {
            RunRecord(configuration: CellConfiguration(section: "s", dataset: "mnist", model: "SS_D", setting: "x",
                                                       seed: seed, profile: .quick),
                      status: .completed, metrics: [:], history: [:], epochs: 1, seconds: seconds,
                      git: GitState(commit: commit, dirty: dirty),
                      machine: MachineDescription(hostname: "vm", cpuModel: "EPYC", coreCount: 2, openBLASCore: core,
                                                  blasThreads: threads),
                      date: "2026-11-21T12:00:00Z", seeds: [:])
        }
        let runs = [run(seed: 1, commit: "aaaaaaaaaaaa", core: "Cooperlake", seconds: 60),
                    run(seed: 2, commit: "aaaaaaaaaaaa", core: "Cooperlake", seconds: 60),
                    run(seed: 3, commit: "bbbbbbbbbbbb", dirty: true, core: "Zen", threads: nil, seconds: 5)]
        var report = MarkdownReport(title: "t")
        report.provenance(ReportProvenance(profile: .quick, seedsPerCell: 3, provenance: reportsTestProvenance,
                                           date: "2026-11-29T00:00:00Z", runs: runs, command: "make figures"))
        XCTAssertTrue(report.markdown.contains("""
            - Machine: node7, Test CPU @ 2.0GHz, 16 cores, OpenBLAS core Haswell on 16 threads
            - Runs: 3 runs, trained at commit aaaaaaaaaa (2), bbbbbbbbbb+dirty (1); OpenBLAS core Cooperlake (2), Zen (1); OpenBLAS threads 2 (2), not recorded (1)
            - Training time: 2m 05s
            """), report.markdown)
        XCTAssertEqual(RunOrigins(Array(runs.prefix(1))).text,
                       "1 run, trained at commit aaaaaaaaaa; OpenBLAS core Cooperlake; OpenBLAS threads 2")
    }

    func testProvenanceNamesTheDenseProductKernelsWhereSomeRunDidNotUseOpenBLAS() {
        func run(seed: UInt64, denseProducts: String?) -> RunRecord {
            RunRecord(configuration: CellConfiguration(section: "s", dataset: "mnist", model: "SS_D", setting: "x",
                                                       seed: seed, profile: .quick),
                      status: .completed, metrics: [:], history: [:], epochs: 1, seconds: 1,
                      git: GitState(commit: "aaaaaaaaaaaa", dirty: false),
                      machine: MachineDescription(hostname: "vm", cpuModel: "EPYC", coreCount: 2, openBLASCore: "Cooperlake",
                                                  blasThreads: 2, denseProducts: denseProducts),
                      date: "2026-12-02T12:00:00Z", seeds: [:])
        }
        let mixed = [run(seed: 1, denseProducts: "AVX-512 tiles"), run(seed: 2, denseProducts: nil),
                     run(seed: 3, denseProducts: "OpenBLAS")]
        XCTAssertEqual(RunOrigins(mixed).text,
                       "3 runs, trained at commit aaaaaaaaaa; OpenBLAS core Cooperlake; OpenBLAS threads 2; "
                       + "dense-layer products OpenBLAS (2), AVX-512 tiles (1)")
        // Runs from before the record and runs told to use OpenBLAS read as before.
        XCTAssertEqual(RunOrigins(Array(mixed.dropFirst())).text,
                       "2 runs, trained at commit aaaaaaaaaa; OpenBLAS core Cooperlake; OpenBLAS threads 2")

        var provenance = reportsTestProvenance
        provenance.machine.denseProducts = "AVX-512 tiles"
        var report = MarkdownReport(title: "t")
        report.provenance(ReportProvenance(profile: .quick, seedsPerCell: 1, provenance: provenance,
                                           date: "2026-12-02T00:00:00Z", runs: mixed, command: "make figures"))
        XCTAssertTrue(report.markdown.contains(
            "- Machine: node7, Test CPU @ 2.0GHz, 16 cores, OpenBLAS core Haswell on 16 threads, dense-layer products in AVX-512 tiles\n"),
            report.markdown)
    }

    func testReportText() throws {
        var report = MarkdownReport(title: "Semi-supervised VAE: Table 2")
        report.paragraph("Error rates on MNIST with 100 labels.\n")
        var table = MarkdownTable(header: ["model", "error (%)", "n"])
        table.append(["SS_D", "2.71 ± 0.11", "4"])
        report.table(table, caption: "Table 2 (ours).")
        report.image("figures/table2.png", alt: "Table 2 [bars]")
        report.provenance(ReportProvenance(profile: .quick, seedsPerCell: 3, provenance: reportsTestProvenance,
                                           date: "2026-11-21T12:00:00Z", secondsSpent: 3725,
                                           command: "make figures SECTION=semisupervised-table2 PROFILE=quick"))
        XCTAssertEqual(report.markdown, """
            # Semi-supervised VAE: Table 2

            Error rates on MNIST with 100 labels.

            Table 2 (ours).

            | model |   error (%) |   n |
            |:------|------------:|----:|
            | SS_D  | 2.71 ± 0.11 |   4 |

            ![Table 2 [bars\\]](figures/table2.png)

            ## Provenance

            - Profile: quick (3 seeds per cell; n in the tables counts the runs behind each number)
            - Commit: 0123456789abcdef0123456789abcdef01234567
            - Date: 2026-11-21T12:00:00Z
            - Machine: node7, Test CPU @ 2.0GHz, 16 cores, OpenBLAS core Haswell on 16 threads
            - Training time: 1h 02m
            - Regenerate with: `make figures SECTION=semisupervised-table2 PROFILE=quick`

            """)
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("results/section/README.md")
        try report.write(to: file)
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), report.markdown)
    }

    func testRelativeImagePaths() {
        XCTAssertEqual(MarkdownReport.relativePath(from: URL(fileURLWithPath: "/r/results/s"),
                                                   to: URL(fileURLWithPath: "/r/results/s/fig/a.png")), "fig/a.png")
        XCTAssertEqual(MarkdownReport.relativePath(from: URL(fileURLWithPath: "/r/results/s"),
                                                   to: URL(fileURLWithPath: "/r/figures/a.png")), "../../figures/a.png")
        var report = MarkdownReport(title: "t")
        report.image(URL(fileURLWithPath: "/r/results/s/a b.png"), alt: "x", report: URL(fileURLWithPath: "/r/results/s/README.md"))
        XCTAssertEqual(report.blocks, ["![x](a%20b.png)\n"])
    }
}
