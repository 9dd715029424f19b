import Experiments
import Foundation
import Reports

/// results/README.md: every section with its headline numbers and status, from the
/// sections' summary.json files, and the training time of each section's runs (the sum of
/// the run files' own wall-clock times) with the total.
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
        let store = RunStore(root: resultsFolder.appendingPathComponent("runs"))
        let seconds = summaries.map { trainingSeconds(of: $0, in: store) }
        var report = MarkdownReport(title: "Results")
        report.paragraph("Every section of the three papers that this repository regenerates, with its status and headline numbers. Each line links to the section's report; every number there comes from the run files in `runs/`. `make figures` regenerates all of them (`make figures SECTION=name` one); with every run file present it trains nothing and only redraws.")
        if !summaries.isEmpty {
            report.paragraph("Training every run behind these reports took \(ProgressReporter.duration(seconds.reduce(0, +))) in all: the sum of the run files' own wall-clock times, on the machines each report's provenance names (a run trained beside other jobs counts its slower time). That is roughly what `make figures` costs from an empty `runs/` folder on such a machine; the redraw from committed run files takes seconds.")
        }
        for (summary, time) in zip(summaries, seconds) {
            report.heading("[\(summary.title)](\(summary.section)/README.md)")
            var text = "Profile \(summary.profile), \(summary.seeds) seed\(summary.seeds == 1 ? "" : "s") per cell, \(summary.runs) runs"
            if let note = summary.profileNote {
                let paperTime = trainingSeconds(of: summary.section, profile: .paper, in: store)
                text += " behind the numbers; \(note). Training the \(summary.profile)-profile runs took \(ProgressReporter.duration(time)), the \(Profile.paper.rawValue)-profile runs in `runs/` \(ProgressReporter.duration(paperTime))."
            } else {
                text += "; training them took \(ProgressReporter.duration(time))."
            }
            report.paragraph(text)
            report.bulletList(summary.headlines)
        }
        if summaries.isEmpty { report.paragraph("No section has been run yet.") }
        try report.write(to: resultsFolder.appendingPathComponent("README.md"))
    }

    /// The wall-clock seconds of the section's run files of the summary's profile.
    static func trainingSeconds(of summary: SectionSummary, in store: RunStore) -> Double {
        let records = (try? store.allRecords(section: summary.section)) ?? []
        return records.filter { $0.configuration.profile.rawValue == summary.profile }.reduce(0) { $0 + $1.seconds }
    }

    /// The wall-clock seconds of every run file of `section` trained with `profile`.
    static func trainingSeconds(of section: String, profile: Profile, in store: RunStore) -> Double {
        let records = (try? store.allRecords(section: section)) ?? []
        return records.filter { $0.configuration.profile == profile }.reduce(0) { $0 + $1.seconds }
    }
}
