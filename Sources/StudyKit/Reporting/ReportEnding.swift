import Foundation
import Reports

extension SectionReportInput {
    /// Ends a section's report as every section does: how to regenerate it, its provenance;
    /// writes it to `url` and returns its headline for the results index.
    ///
    /// The Reproduce paragraph reads "`command` regenerates this report from the run files in
    /// `folder/`\(runFiles), training only the cells that have no run file yet\(training).
    /// \(choices)": `runFiles` says what is stored beside them, `training` what else a rerun
    /// needs, `choices` links the paper's deviations file.
    public func finish(_ report: inout MarkdownReport, at url: URL, section: String, title: String, seeds: Int,
                       headlines: [String], runFiles: String = "", training: String = "",
                       choices: String) throws -> SectionSummary {
        report.heading("Reproduce")
        report.paragraph("`\(provenance.command)` regenerates this report from the run files in `\(runsFolderText)/`\(runFiles), training only the cells that have no run file yet\(training). \(choices)")
        report.provenance(provenance)
        try report.write(to: url)
        return SectionSummary(section: section, title: title, profile: profile.rawValue, seeds: seeds, runs: records.count,
                              headlines: headlines, profileNote: provenance.profileNote)
    }
}
