import Foundation
import Reports

/// results/README.md: every section with its headline numbers and status, from the
/// sections' summary.json files.
public enum ResultsIndex {
    public static func write(resultsFolder: URL) throws {
        let fileManager = FileManager.default
        let folders = (try? fileManager.contentsOfDirectory(at: resultsFolder, includingPropertiesForKeys: nil)) ?? []
        var summaries: [SectionSummary] = []
        for folder in folders.sorted(by: { $0.lastPathComponent < $1.lastPathComponent }) {
            let file = folder.appendingPathComponent("summary.json")
            guard let data = try? Data(contentsOf: file) else { continue }
            summaries.append(try JSONDecoder().decode(SectionSummary.self, from: data))
        }
        var report = MarkdownReport(title: "Results")
        report.paragraph("Every section of the three papers that this repository regenerates, with its status and headline numbers. Each line links to the section's report; every number there comes from the run files in `runs/`. `make figures` regenerates all of them (`make figures SECTION=name` one).")
        for summary in summaries {
            report.heading("[\(summary.title)](\(summary.section)/README.md)")
            report.paragraph("Profile \(summary.profile), \(summary.seeds) seed\(summary.seeds == 1 ? "" : "s") per cell, \(summary.runs) runs.")
            report.bulletList(summary.headlines)
        }
        if summaries.isEmpty { report.paragraph("No section has been run yet.") }
        try report.write(to: resultsFolder.appendingPathComponent("README.md"))
    }
}
