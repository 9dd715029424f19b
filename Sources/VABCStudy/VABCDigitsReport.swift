import Experiments
import Foundation
import Reports
import StudyKit

struct VABCDigitsReport {
    let report: VABCReport
    func write(into markdown: inout MarkdownReport, reportURL: URL) throws -> [String] { [] }
}
