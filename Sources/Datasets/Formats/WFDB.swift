import Foundation

/// PhysioNet's WFDB format, as used by the MIT-BIH Arrhythmia Database: a text header `NNN.hea`,
/// signal samples `NNN.dat` (format 212) and beat annotations `NNN.atr` (MIT annotation format).
/// References: WFDB Programmer's Guide, header(5), signal(5), annotation(5).
public enum WFDB {
    /// One signal line of a header.
    public struct SignalSpec: Equatable, Sendable {
        public var fileName: String
        public var format: Int
        public var gain: Double
        public var baseline: Int
        public var units: String
        public var resolution: Int
        public var zero: Int
        public var initialValue: Int
        public var checksum: Int
        public var description: String
    }

    /// A parsed `.hea` file (single-segment records only).
    public struct Header: Equatable, Sendable {
        public var recordName: String
        public var samplingFrequency: Double
        public var sampleCount: Int
        public var signals: [SignalSpec]
        /// The `#` comment lines (age, sex, medications for MIT-BIH).
        public var comments: [String]
    }

    public static func parseHeader(_ text: String, path: String) throws -> Header {
        var lines = [(Int, String)]()
        var comments = [String]()
        // Character-wise split: PhysioNet headers end lines in CR LF, a single Swift Character.
        for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            if line.hasPrefix("#") { comments.append(String(line.dropFirst()).trimmingCharacters(in: .whitespaces)); continue }
            lines.append((i + 1, line))
        }
        guard let (recordLine, record) = lines.first else { throw DatasetError.badText(path: path, line: 1, reason: "empty header") }
        let fields = record.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count >= 4, let nsig = Int(fields[1]),
              let fs = Double(fields[2].split(separator: "/")[0].split(separator: "(")[0]), let nsamp = Int(fields[3]) else {
            throw DatasetError.badText(path: path, line: recordLine, reason: "record line '\(record)' needs: name, signal count, frequency, sample count")
        }
        guard !fields[0].contains("/") else {
            throw DatasetError.badText(path: path, line: recordLine, reason: "multi-segment records are not supported")
        }
        guard lines.count >= 1 + nsig else {
            throw DatasetError.badText(path: path, line: recordLine, reason: "header announces \(nsig) signals, has \(lines.count - 1) signal lines")
        }
        var signals = [SignalSpec]()
        for (lineNumber, line) in lines[1...nsig] {
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard f.count >= 2, let format = Int(f[1].split(separator: "x")[0].split(separator: ":")[0].split(separator: "+")[0]) else {
                throw DatasetError.badText(path: path, line: lineNumber, reason: "signal line '\(line)' needs a file name and a format")
            }
            // Gain field: "200", "200/mV" or "200(0)/mV" (baseline in parentheses).
            var gain = 200.0, baseline: Int? = nil, units = "mV"
            if f.count > 2 {
                var g = Substring(f[2])
                if let slash = g.firstIndex(of: "/") { units = String(g[g.index(after: slash)...]); g = g[..<slash] }
                if let open = g.firstIndex(of: "("), let close = g.firstIndex(of: ")") {
                    baseline = Int(g[g.index(after: open)..<close]); g = g[..<open]
                }
                guard let value = Double(g) else { throw DatasetError.badText(path: path, line: lineNumber, reason: "gain '\(f[2])' is not a number") }
                gain = value == 0 ? 200 : value
            }
            func int(_ k: Int, _ fallback: Int, _ name: String) throws -> Int {
                guard f.count > k else { return fallback }
                guard let v = Int(f[k]) else { throw DatasetError.badText(path: path, line: lineNumber, reason: "\(name) '\(f[k])' is not an integer") }
                return v
            }
            let resolution = try int(3, 12, "ADC resolution")
            let zero = try int(4, 0, "ADC zero")
            signals.append(SignalSpec(fileName: f[0], format: format, gain: gain, baseline: baseline ?? zero, units: units,
                                      resolution: resolution, zero: zero,
                                      initialValue: try int(5, 0, "initial value"), checksum: try int(6, 0, "checksum"),
                                      description: f.count > 8 ? f[8...].joined(separator: " ") : ""))
        }
        return Header(recordName: fields[0], samplingFrequency: fs, sampleCount: nsamp, signals: signals, comments: comments)
    }

    /// Decodes a format-212 file holding all of `header`'s signals interleaved (two 12-bit
    /// two's-complement samples packed in three bytes), checks its size against the header and
    /// each signal's initial value and checksum, and returns one array of ADC units per signal.
    public static func readFormat212(_ bytes: [UInt8], header: Header, path: String) throws -> [[Int16]] {
        let nsig = header.signals.count
        for s in header.signals where s.format != 212 {
            throw DatasetError.badFormat(path: path, offset: 0, reason: "signal '\(s.description)' is format \(s.format); only 212 is supported")
        }
        let sampleTotal = header.sampleCount * nsig
        let expectedBytes = (sampleTotal * 3 + 1) / 2
        guard bytes.count == expectedBytes else {
            throw DatasetError.badFormat(path: path, offset: min(bytes.count, expectedBytes),
                reason: "header \(header.recordName).hea announces \(header.sampleCount) samples × \(nsig) signals in format 212 = \(expectedBytes) bytes, file has \(bytes.count)")
        }
        var signals = [[Int16]](repeating: [Int16](repeating: 0, count: header.sampleCount), count: nsig)
        bytes.withUnsafeBufferPointer { b in
            for k in 0..<sampleTotal {
                let byte = (k / 2) * 3
                var v: Int
                if k % 2 == 0 { v = Int(b[byte]) | (Int(b[byte + 1]) & 0x0F) << 8 }
                else { v = Int(b[byte + 2]) | (Int(b[byte + 1]) & 0xF0) << 4 }
                if v >= 2048 { v -= 4096 }
                signals[k % nsig][k / nsig] = Int16(v)
            }
        }
        for (s, spec) in header.signals.enumerated() where header.sampleCount > 0 {
            guard Int(signals[s][0]) == spec.initialValue else {
                throw DatasetError.badFormat(path: path, offset: 0,
                    reason: "signal \(s) ('\(spec.description)') starts at \(signals[s][0]), header says \(spec.initialValue)")
            }
            var sum = 0
            for v in signals[s] { sum &+= Int(v) }
            let checksum = Int(Int16(truncatingIfNeeded: sum))
            guard checksum == spec.checksum else {
                throw DatasetError.badFormat(path: path, offset: 0,
                    reason: "signal \(s) ('\(spec.description)') has checksum \(checksum), header says \(spec.checksum)")
            }
        }
        return signals
    }

    /// One annotation of an `.atr` file.
    public struct Annotation: Equatable, Sendable {
        /// Sample index (at the record's frequency) the annotation points to.
        public var sample: Int
        /// The annotation code (1 NORMAL 'N', 5 PVC 'V', ...; see `mnemonic`).
        public var code: Int
        public var subtype: Int
        public var channel: Int
        public var number: Int
        public var aux: String?
        public init(sample: Int, code: Int, subtype: Int = 0, channel: Int = 0, number: Int = 0, aux: String? = nil) {
            self.sample = sample; self.code = code; self.subtype = subtype; self.channel = channel; self.number = number; self.aux = aux
        }
        public var mnemonic: String { WFDB.mnemonics[code] ?? "?\(code)" }
    }

    /// The mnemonics of the annotation codes (WFDB ecgcodes.h).
    public static let mnemonics: [Int: String] = [
        0: "", 1: "N", 2: "L", 3: "R", 4: "a", 5: "V", 6: "F", 7: "J", 8: "A", 9: "S", 10: "E", 11: "j", 12: "/",
        13: "Q", 14: "~", 16: "|", 18: "s", 19: "T", 20: "*", 21: "D", 22: "\"", 23: "=", 24: "p", 25: "B", 26: "^",
        27: "t", 28: "+", 29: "u", 30: "?", 31: "!", 32: "[", 33: "]", 34: "e", 35: "n", 36: "@", 37: "x", 38: "f",
        39: "(", 40: ")", 41: "r",
    ]

    static let skip = 59, num = 60, sub = 61, chn = 62, aux = 63

    /// Decodes an MIT-format annotation file. Each entry is a little-endian 16-bit word: the top
    /// 6 bits are the code, the low 10 bits the time since the previous annotation. Codes 59-63
    /// are not annotations but modify the stream: SKIP (a 32-bit interval follows, high 16-bit
    /// word first), NUM / SUB / CHN (set the number, subtype or channel of the annotation just
    /// read; number and channel carry over to later annotations as WFDB specifies), AUX (that
    /// many bytes of text follow, padded to an even length). A zero word ends the file.
    public static func readAnnotations(_ bytes: [UInt8], path: String) throws -> [Annotation] {
        var annotations = [Annotation]()
        var time = 0, number = 0, channel = 0
        var offset = 0
        func word(_ o: Int) throws -> Int {
            guard o + 2 <= bytes.count else {
                throw DatasetError.badFormat(path: path, offset: o, reason: "annotation file ends inside an entry (no end-of-file marker)")
            }
            return Int(bytes[o]) | Int(bytes[o + 1]) << 8
        }
        while true {
            let w = try word(offset)
            let code = w >> 10, value = w & 0x3FF
            let entryOffset = offset
            offset += 2
            if w == 0 { return annotations }
            switch code {
            case skip:
                let high = try word(offset), low = try word(offset + 2)
                time += Int(Int32(bitPattern: UInt32(high << 16 | low)))
                offset += 4
            case num:
                guard !annotations.isEmpty else { number = value; continue }
                number = value
                annotations[annotations.count - 1].number = value
            case sub:
                guard !annotations.isEmpty else { continue }
                annotations[annotations.count - 1].subtype = value
            case chn:
                channel = value
                if !annotations.isEmpty { annotations[annotations.count - 1].channel = value }
            case aux:
                guard offset + value <= bytes.count else {
                    throw DatasetError.badFormat(path: path, offset: entryOffset, reason: "AUX text of \(value) bytes runs past the end of the file")
                }
                let text = String(decoding: bytes[offset ..< offset + value].prefix { $0 != 0 }, as: UTF8.self)
                if !annotations.isEmpty { annotations[annotations.count - 1].aux = text }
                offset += (value + 1) / 2 * 2
            case 1...49, 0:
                time += value
                annotations.append(Annotation(sample: time, code: code, subtype: 0, channel: channel, number: number, aux: nil))
            default:
                throw DatasetError.badFormat(path: path, offset: entryOffset, reason: "annotation code \(code) is not defined")
            }
        }
    }

    /// A record loaded from a folder: header, signals in ADC units, annotations.
    public struct Record: Sendable {
        public let header: Header
        public let signals: [[Int16]]
        public let annotations: [Annotation]

        /// Signal `index` in physical units ((adc - baseline) / gain, mV for MIT-BIH).
        public func physical(_ index: Int) -> [Float] {
            let spec = header.signals[index]
            let gain = Float(spec.gain), baseline = Float(spec.baseline)
            return signals[index].map { (Float($0) - baseline) / gain }
        }
    }

    /// Loads `<name>.hea`, the signal file it names and `<name>.<annotator>` from `directory`.
    public static func loadRecord(_ name: String, directory: URL, annotator: String = "atr") throws -> Record {
        let headerURL = directory.appendingPathComponent("\(name).hea")
        let headerBytes = try readBytes(headerURL)
        let header = try parseHeader(String(decoding: headerBytes, as: UTF8.self), path: headerURL.path)
        let files = Set(header.signals.map(\.fileName))
        guard files.count == 1, let datName = files.first else {
            throw DatasetError.badText(path: headerURL.path, line: 2, reason: "signals in several files (\(files.sorted())) are not supported")
        }
        let datURL = directory.appendingPathComponent(datName)
        let signals = try readFormat212(readBytes(datURL), header: header, path: datURL.path)
        let atrURL = directory.appendingPathComponent("\(name).\(annotator)")
        let annotations = try readAnnotations(readBytes(atrURL), path: atrURL.path)
        return Record(header: header, signals: signals, annotations: annotations)
    }
}
