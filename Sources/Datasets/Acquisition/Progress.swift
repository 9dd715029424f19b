#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Download progress on stderr: a redrawn bar on a terminal, plain lines otherwise (CI logs,
/// `make data > log`), so logs do not fill with carriage returns.
final class ProgressReporter {
    private let label: String
    private let isTerminal: Bool
    private let enabled: Bool
    private var total: Int64 = -1
    private var lastDrawn = Date.distantPast
    private var lastPercentLogged = -1
    private var started = false

    init(label: String, enabled: Bool) {
        self.label = label
        self.enabled = enabled
        self.isTerminal = isatty(STDERR_FILENO) == 1
    }

    func start(expectedBytes: Int64) {
        started = true
        total = expectedBytes
        if enabled && !isTerminal { log("downloading \(label) (\(total > 0 ? megabytes(total) : "size unknown"))") }
    }

    func update(received: Int64) {
        guard enabled else { return }
        if isTerminal {
            guard Date().timeIntervalSince(lastDrawn) > 0.1 else { return }
            lastDrawn = Date()
            if total > 0 {
                let fraction = min(Double(received) / Double(total), 1)
                let filled = Int(fraction * 30)
                let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 30 - filled)
                write("\r\(label) [\(bar)] \(Int(fraction * 100))% \(megabytes(received))/\(megabytes(total))")
            } else {
                write("\r\(label) \(megabytes(received))")
            }
        } else if total > 0 {
            // Plain mode: one line per quarter, enough to show a slow download is alive.
            let percent = Int(Double(received) / Double(total) * 4) * 25
            if percent > lastPercentLogged && percent < 100 && percent > 0 {
                lastPercentLogged = percent
                log("  \(label): \(percent)%")
            }
        }
    }

    func finish(received: Int64, success: Bool) {
        // A request that never got a response is reported by the caller's error alone.
        guard enabled, started else { return }
        if isTerminal { write("\r\u{1B}[K") }
        log("\(success ? "downloaded" : "failed") \(label) (\(megabytes(received)))")
    }

    private func megabytes(_ bytes: Int64) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
    private func write(_ text: String) { FileHandle.standardError.write(text.data(using: .utf8)!) }
    func log(_ line: String) { write(line + "\n") }
}

/// One line on stderr (status messages of the data store).
func logLine(_ line: String) {
    FileHandle.standardError.write((line + "\n").data(using: .utf8)!)
}
