import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reports the progress of a list of cells. On a terminal it keeps one line, redrawn in place
/// (`\r`) at most every `minimumRedrawInterval` seconds, with a bar, the current cell and
/// epoch, and an estimate of the time left; otherwise (a log file, Slurm output) it writes
/// plain lines: `cell 3/12 SS_D 100 labels seed 2: epoch 4/10, 12.3 s`.
public final class ProgressReporter {
    public let isTerminal: Bool
    public let minimumRedrawInterval: Double
    private let now: () -> Double
    private let write: (String) -> Void

    private var totalCells = 0
    private var finishedCells = 0
    private var startTime = 0.0
    private var cellStartTime = 0.0
    private var cellIndex = 0
    private var cellLabel = ""
    private var epoch = 0
    private var epochCount = 0
    private var lastDraw = -Double.infinity
    private var lineOpen = false

    /// - Parameters:
    ///   - isTerminal: whether to redraw one line in place.
    ///   - now: a monotonic clock in seconds (injectable for tests).
    ///   - write: where the text goes (standard output by default).
    public init(isTerminal: Bool, minimumRedrawInterval: Double = 0.2,
                now: @escaping () -> Double = ProgressReporter.monotonicSeconds,
                write: @escaping (String) -> Void) {
        self.isTerminal = isTerminal
        self.minimumRedrawInterval = minimumRedrawInterval
        self.now = now
        self.write = write
    }

    /// A reporter on standard output, redrawing in place when it is a terminal.
    public static func standardOutput() -> ProgressReporter {
        ProgressReporter(isTerminal: isatty(STDOUT_FILENO) != 0) { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
    }

    /// Starts a list: `toRun` cells will run; the others are done already or in other shards.
    public func begin(toRun: Int, alreadyDone: Int, inOtherShards: Int) {
        totalCells = toRun
        finishedCells = 0
        startTime = now()
        var parts = ["\(toRun) to run", "\(alreadyDone) already done"]
        if inOtherShards > 0 { parts.append("\(inOtherShards) in other shards") }
        emitLine("cells: " + parts.joined(separator: ", "))
    }

    /// A cell starts; `index` counts from 1 among the cells to run.
    public func cellStarted(_ configuration: CellConfiguration, index: Int) {
        cellIndex = index
        cellLabel = configuration.label
        epoch = 0
        epochCount = 0
        cellStartTime = now()
        if isTerminal { redraw(force: true) }
    }

    /// The current cell finished `epoch` of `count` epochs.
    public func epochFinished(_ epoch: Int, of count: Int) {
        self.epoch = epoch
        epochCount = count
        if isTerminal {
            redraw(force: false)
        } else {
            let seconds = now() - cellStartTime
            emitLine("\(cellPrefix): epoch \(epoch)/\(count), \(ProgressReporter.seconds(seconds))")
        }
    }

    /// The current cell finished and its record was saved.
    public func cellFinished() {
        finishedCells += 1
        let seconds = now() - cellStartTime
        emitLine("\(cellPrefix): done in \(ProgressReporter.seconds(seconds))")
    }

    /// The current cell threw; the list stops.
    /// The cell's body threw. The error itself is not printed here: it reaches the caller
    /// (`CellRunError`), which prints it once.
    public func cellFailed(_ error: Error) {
        emitLine("\(cellPrefix): failed (the error follows)")
    }

    /// The list is over.
    public func finish() {
        emitLine("cells: \(finishedCells) of \(totalCells) finished in \(ProgressReporter.duration(now() - startTime))")
    }

    private var cellPrefix: String { "cell \(cellIndex)/\(totalCells) \(cellLabel)" }

    /// Writes a whole line, ending the redrawn line first on a terminal.
    private func emitLine(_ text: String) {
        if isTerminal && lineOpen {
            write("\r\u{1B}[K")
            lineOpen = false
        }
        write(text + "\n")
        lastDraw = -Double.infinity
    }

    private func redraw(force: Bool) {
        let time = now()
        guard force || time - lastDraw >= minimumRedrawInterval else { return }
        lastDraw = time
        write("\r" + statusLine(at: time) + "\u{1B}[K")
        lineOpen = true
    }

    /// The in-place line: `[#####---------------] 3/12 SS_D seed 2 · epoch 4/10 · 12.3 s · ETA 5m 10s`.
    func statusLine(at time: Double) -> String {
        let cellFraction = epochCount > 0 ? Double(epoch) / Double(epochCount) : 0
        let fraction = totalCells > 0 ? (Double(finishedCells) + cellFraction) / Double(totalCells) : 0
        let width = 20
        let filled = min(width, Int((fraction * Double(width)).rounded(.down)))
        var line = "[" + String(repeating: "#", count: filled)
            + String(repeating: "-", count: width - filled) + "] "
        line += "\(cellIndex)/\(totalCells) \(cellLabel)"
        if epochCount > 0 { line += " · epoch \(epoch)/\(epochCount)" }
        line += " · " + ProgressReporter.seconds(time - cellStartTime)
        let elapsed = time - startTime
        if fraction > 0 {
            line += " · ETA " + ProgressReporter.duration(elapsed * (1 - fraction) / fraction)
        }
        return line
    }

    /// `12.3 s`.
    public static func seconds(_ value: Double) -> String {
        String(format: "%.1f s", value)
    }

    /// `42s`, `5m 10s`, `1h 02m`.
    public static func duration(_ value: Double) -> String {
        let total = Int(value.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m \(String(format: "%02d", total % 60))s" }
        return "\(total / 3600)h \(String(format: "%02d", (total % 3600) / 60))m"
    }
}
