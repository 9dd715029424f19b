#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// UCI-HAR (Anguita et al. 2013): smartphone recordings cut into windows of 128 steps (2.56 s at
/// 50 Hz). `Inertial Signals/<channel>_<split>.txt` has one window per line (128 numbers
/// separated by spaces); `y_<split>.txt` the activity 1...6 and `subject_<split>.txt` the person.
public struct UCIHAR: Sendable {
    public enum Split: String, Sendable { case train, test }

    /// The nine raw channels in the release.
    public enum Channel: String, CaseIterable, Sendable {
        case bodyAccX = "body_acc_x", bodyAccY = "body_acc_y", bodyAccZ = "body_acc_z"
        case bodyGyroX = "body_gyro_x", bodyGyroY = "body_gyro_y", bodyGyroZ = "body_gyro_z"
        case totalAccX = "total_acc_x", totalAccY = "total_acc_y", totalAccZ = "total_acc_z"
    }

    /// The paper's (128, 6) input: body acceleration and angular velocity, x y z each.
    /// total_acc is body_acc plus the gravity estimate the release subtracted, so adding it would
    /// add the slowly varying gravity direction, not new motion; the six body channels are the
    /// motion itself (see data/README.md).
    public static let paperChannels: [Channel] = [.bodyAccX, .bodyAccY, .bodyAccZ, .bodyGyroX, .bodyGyroY, .bodyGyroZ]
    public static let stepsPerWindow = 128
    public static let activityNames = ["walking", "walking upstairs", "walking downstairs", "sitting", "standing", "laying"]

    /// Windows as (count, 128, channels) Float32: time step major, channel last.
    public let signals: [Float]
    public let channels: [Channel]
    /// Activity per window, 0...5 (the file's 1...6 minus one).
    public let labels: [Int32]
    /// Subject (person) per window, 1...30.
    public let subjects: [Int32]
    public var count: Int { labels.count }
    public var windowSize: Int { Self.stepsPerWindow * channels.count }

    public static func signalPath(_ channel: Channel, _ split: Split) -> String {
        "\(split.rawValue)/Inertial Signals/\(channel.rawValue)_\(split.rawValue).txt"
    }
    public static func labelPath(_ split: Split) -> String { "\(split.rawValue)/y_\(split.rawValue).txt" }
    public static func subjectPath(_ split: Split) -> String { "\(split.rawValue)/subject_\(split.rawValue).txt" }

    /// Loads one split from a folder laid out like the release (`UCI HAR Dataset/`).
    public static func load(_ split: Split, directory: URL, channels: [Channel] = paperChannels) throws -> UCIHAR {
        let labels = try loadIntegers(directory.appendingPathComponent(labelPath(split)), range: 1...6).map { $0 - 1 }
        let subjects = try loadIntegers(directory.appendingPathComponent(subjectPath(split)), range: 1...30)
        guard subjects.count == labels.count else {
            throw DatasetError.badText(path: directory.appendingPathComponent(subjectPath(split)).path, line: min(subjects.count, labels.count) + 1,
                                       reason: "\(subjects.count) subjects for \(labels.count) labels")
        }
        let n = labels.count
        var signals = [Float](repeating: 0, count: n * stepsPerWindow * channels.count)
        for (c, channel) in channels.enumerated() {
            let url = directory.appendingPathComponent(signalPath(channel, split))
            let table = try parseTable(readBytes(url), columns: stepsPerWindow, path: url.path)
            guard table.count == n * stepsPerWindow else {
                throw DatasetError.badText(path: url.path, line: table.count / stepsPerWindow + 1,
                                           reason: "\(table.count / stepsPerWindow) windows, but \(labels.count) labels")
            }
            for w in 0..<n { for t in 0..<stepsPerWindow {
                signals[(w * stepsPerWindow + t) * channels.count + c] = table[w * stepsPerWindow + t]
            } }
        }
        return UCIHAR(signals: signals, channels: channels, labels: labels, subjects: subjects)
    }

    public static func load(_ split: Split, store: DataStore, channels: [Channel] = paperChannels) throws -> UCIHAR {
        try store.ensure(.uciHAR)
        return try load(split, directory: store.directory(for: .uciHAR), channels: channels)
    }

    /// Writes windows `indices`, each (128, channels), into `buffer`.
    public func fillBatch(_ indices: [Int], into buffer: UnsafeMutableBufferPointer<Float>) {
        let size = windowSize
        precondition(buffer.count >= indices.count * size, "batch buffer too small")
        for (b, index) in indices.enumerated() {
            for k in 0..<size { buffer[b * size + k] = signals[index * size + k] }
        }
    }

    /// Reads a file of one integer per line (labels, subjects) and checks each lies in `range`.
    public static func loadIntegers(_ url: URL, range: ClosedRange<Int32>) throws -> [Int32] {
        let values = try parseTable(readMaybeGzipped(url), columns: 1, path: url.path)
        return try values.enumerated().map { line, value in
            guard value == value.rounded(), let v = Int32(exactly: value), range.contains(v) else {
                let shown = value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(value)
                throw DatasetError.badText(path: url.path, line: line + 1, reason: "value \(shown), expected an integer in \(range)")
            }
            return v
        }
    }

    /// Parses whitespace-separated numbers, `columns` per non-empty line, into one flat array.
    /// Each token is converted by `strtof` and must be consumed whole, so "1.0abc" or "nan?" fail
    /// with their line number instead of silently becoming numbers.
    public static func parseTable(_ bytes: [UInt8], columns: Int, path: String) throws -> [Float] {
        var values = [Float]()
        values.reserveCapacity(bytes.count / 8)
        var text = bytes
        text.append(0)
        try text.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            let end = bytes.count
            var i = 0
            var line = 1
            while i < end {
                var fields = 0
                while i < end && buffer[i] != 10 {
                    let c = buffer[i]
                    if c == 32 || c == 9 || c == 13 { i += 1; continue }
                    var tokenEnd = i
                    while tokenEnd < end, buffer[tokenEnd] != 32, buffer[tokenEnd] != 9, buffer[tokenEnd] != 10, buffer[tokenEnd] != 13 { tokenEnd += 1 }
                    // strtof stops at the separator after the token; temporarily it sees the token only.
                    let saved = buffer[tokenEnd]
                    buffer[tokenEnd] = 0
                    var parsedEnd: UnsafeMutablePointer<CChar>? = nil
                    let value = strtof(UnsafeMutableRawPointer(base + i).assumingMemoryBound(to: CChar.self), &parsedEnd)
                    buffer[tokenEnd] = saved
                    let consumed = UnsafeMutableRawPointer(parsedEnd!) - UnsafeMutableRawPointer(base + i)
                    guard consumed == tokenEnd - i, value.isFinite else {
                        let token = String(decoding: UnsafeBufferPointer(rebasing: buffer[i..<tokenEnd]).prefix(40), as: UTF8.self)
                        throw DatasetError.badText(path: path, line: line, reason: "field \(fields + 1) '\(token)' is not a number")
                    }
                    values.append(value)
                    fields += 1
                    i = tokenEnd
                }
                if fields != 0 && fields != columns {
                    throw DatasetError.badText(path: path, line: line, reason: "\(fields) fields, expected \(columns)")
                }
                i += 1
                line += 1
            }
        }
        return values
    }
}
