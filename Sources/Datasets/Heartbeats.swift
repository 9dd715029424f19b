import Foundation
import Randomness

/// The heartbeat set of Kachuee, Fazeli & Sarrafzadeh (2018), "ECG Heartbeat Classification: A
/// Deep Transferable Representation" (the Kaggle "ECG Heartbeat Categorization" set AnoDM uses),
/// rebuilt from the raw MIT-BIH records:
///
/// 1. lead MLII (channel 0), resampled from 360 Hz to 125 Hz (linear interpolation);
/// 2. cut into consecutive 10 s windows (1,250 samples), each normalised to [0, 1];
/// 3. local maxima = zero crossings (+ to −) of the first difference; R-peak candidates are the
///    maxima above 0.9; the window's nominal period T is the median interval between candidates;
/// 4. each beat is the 1.2 T samples from its R peak (within the window), zero-padded or cut to
///    187 samples;
/// 5. its class is the AAMI class of the beat annotation (N, S, V, F, Q).
///
/// R peaks come from the reference annotations (`PeakSource.annotations`, the default): the
/// Kaggle set has 109,446 beats, which is every AAMI beat annotation of the 48 records (109,494)
/// minus one per record, so it was cut at annotated beats; `dropLastBeatPerRecord` drops that one
/// beat (see data/README.md for the comparison). `PeakSource.detected` cuts at the detected
/// candidates instead and labels each with the beat annotation within 150 ms.
public struct Heartbeats: Sendable {
    /// AAMI EC57 beat classes, in the Kaggle set's label order 0...4.
    public enum AAMIClass: Int, CaseIterable, Sendable {
        case n = 0, s, v, f, q
        public var name: String { ["N", "S", "V", "F", "Q"][rawValue] }

        /// The AAMI class of a WFDB beat annotation code, nil for non-beat annotations.
        public init?(annotationCode code: Int) {
            switch WFDB.mnemonics[code] ?? "" {
            case "N", "L", "R", "e", "j": self = .n
            case "A", "a", "J", "S": self = .s
            case "V", "E": self = .v
            case "F": self = .f
            case "/", "f", "Q": self = .q
            default: return nil
            }
        }
    }

    public enum PeakSource: String, Sendable { case annotations, detected }

    public struct Options: Sendable {
        public var targetFrequency = 125.0
        public var windowSeconds = 10.0
        public var peakThreshold: Float = 0.9
        public var periodFactor = 1.2
        public var beatLength = 187
        public var peakSource = PeakSource.annotations
        public var dropLastBeatPerRecord = true
        public init() {}
    }

    /// Beats, (count, 187) Float32 in [0, 1].
    public var beats: [Float]
    public var labels: [Int32]
    /// The MIT-BIH record each beat comes from.
    public var records: [Int32]
    public var beatLength: Int
    public var count: Int { labels.count }

    /// Labels must be AAMI classes 0...4 (`extract` only makes those: codes that are not beats
    /// are skipped and undefined codes are an error of the annotation file).
    public init(beats: [Float], labels: [Int32], records: [Int32], beatLength: Int) {
        precondition(labels.allSatisfy { $0 >= 0 && Int($0) < AAMIClass.allCases.count }, "heartbeat labels must be AAMI classes 0...4")
        precondition(beats.count == labels.count * beatLength && records.count == labels.count, "beats, labels and records disagree in count")
        self.beats = beats; self.labels = labels; self.records = records; self.beatLength = beatLength
    }

    /// Beats per AAMI class, in class order N, S, V, F, Q.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: 5)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }

    /// The 48 records of the MIT-BIH Arrhythmia Database.
    public static let mitbihRecords = [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 111, 112, 113, 114, 115, 116, 117,
                                       118, 119, 121, 122, 123, 124, 200, 201, 202, 203, 205, 207, 208, 209, 210, 212, 213,
                                       214, 215, 217, 219, 220, 221, 222, 223, 228, 230, 231, 232, 233, 234]

    /// Linear-interpolation resampling (input at `from` Hz to `to` Hz).
    public static func resample(_ x: [Float], from: Double, to: Double) -> [Float] {
        guard x.count > 1 else { return x }
        let step = from / to
        let n = Int(Double(x.count - 1) / step) + 1
        return (0..<n).map { i in
            let t = Double(i) * step
            let k = min(Int(t), x.count - 2)
            let w = Float(t - Double(k))
            return x[k] * (1 - w) + x[k + 1] * w
        }
    }

    /// Indices of local maxima above `threshold` (the R-peak candidates) of a normalised window.
    public static func peakCandidates(_ window: ArraySlice<Float>, threshold: Float) -> [Int] {
        var peaks = [Int]()
        let base = window.startIndex
        guard window.count > 2 else { return peaks }
        for i in 1..<(window.count - 1) {
            let before = window[base + i] - window[base + i - 1]
            let after = window[base + i + 1] - window[base + i]
            if before > 0 && after <= 0 && window[base + i] > threshold { peaks.append(i) }
        }
        return peaks
    }

    static func median(_ values: [Int]) -> Double {
        let s = values.sorted()
        return s.count % 2 == 1 ? Double(s[s.count / 2]) : Double(s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Extracts the beats of one record.
    public static func extract(from record: WFDB.Record, recordNumber: Int, options: Options = Options()) -> Heartbeats {
        let fs = record.header.samplingFrequency
        let signal = resample(record.physical(0), from: fs, to: options.targetFrequency)
        let scale = options.targetFrequency / fs
        var beatAnnotations: [(position: Int, label: AAMIClass)] = record.annotations.compactMap { a in
            guard let label = AAMIClass(annotationCode: a.code) else { return nil }
            return (Int((Double(a.sample) * scale).rounded()), label)
        }
        if options.dropLastBeatPerRecord && !beatAnnotations.isEmpty { beatAnnotations.removeLast() }
        let windowLength = Int(options.windowSeconds * options.targetFrequency)
        var out = Heartbeats(beats: [], labels: [], records: [], beatLength: options.beatLength)
        var annotationIndex = 0
        var start = 0
        while start < signal.count {
            let end = min(start + windowLength, signal.count)
            var window = Array(signal[start..<end])
            let lo = window.min()!, hi = window.max()!
            let range = hi - lo
            for i in window.indices { window[i] = range > 0 ? (window[i] - lo) / range : 0 }
            var inWindow = [(position: Int, label: AAMIClass)]()
            while annotationIndex < beatAnnotations.count && beatAnnotations[annotationIndex].position < end {
                let a = beatAnnotations[annotationIndex]
                inWindow.append((a.position - start, a.label))
                annotationIndex += 1
            }
            let candidates = peakCandidates(window[...], threshold: options.peakThreshold)
            // T from the candidates; a window with fewer than two candidates (flat or noisy
            // segment) falls back on the annotated beats' intervals so its beats are kept.
            var intervals = zip(candidates.dropFirst(), candidates).map { $0 - $1 }
            if intervals.isEmpty { intervals = zip(inWindow.dropFirst(), inWindow).map { $0.position - $1.position } }
            let period = intervals.isEmpty ? Double(window.count) : median(intervals)
            let segmentLength = min(Int((options.periodFactor * period).rounded()), options.beatLength)
            let cuts: [(position: Int, label: AAMIClass)]
            switch options.peakSource {
            case .annotations:
                cuts = inWindow
            case .detected:
                let tolerance = Int(0.15 * options.targetFrequency)
                cuts = candidates.compactMap { peak in
                    let nearest = inWindow.min { abs($0.position - peak) < abs($1.position - peak) }
                    guard let match = nearest, abs(match.position - peak) <= tolerance else { return nil }
                    return (peak, match.label)
                }
            }
            for cut in cuts where cut.position >= 0 && cut.position < window.count {
                var beat = [Float](repeating: 0, count: options.beatLength)
                let available = min(segmentLength, window.count - cut.position)
                for k in 0..<max(available, 0) { beat[k] = window[cut.position + k] }
                out.beats += beat
                out.labels.append(Int32(cut.label.rawValue))
                out.records.append(Int32(recordNumber))
            }
            start = end
        }
        return out
    }

    /// Extracts and concatenates the beats of `records` (MIT-BIH record numbers) in `directory`.
    public static func extract(records: [Int] = mitbihRecords, directory: URL, options: Options = Options()) throws -> Heartbeats {
        var all = Heartbeats(beats: [], labels: [], records: [], beatLength: options.beatLength)
        for number in records {
            let record = try WFDB.loadRecord(String(number), directory: directory)
            let beats = extract(from: record, recordNumber: number, options: options)
            all.beats += beats.beats
            all.labels += beats.labels
            all.records += beats.records
        }
        return all
    }

    public static func extract(store: DataStore, options: Options = Options()) throws -> Heartbeats {
        try store.ensure(.mitbih)
        return try extract(directory: store.directory(for: .mitbih), options: options)
    }

    /// The beats at `indices`.
    public func subset(_ indices: [Int]) -> Heartbeats {
        var beats = [Float]()
        beats.reserveCapacity(indices.count * beatLength)
        for i in indices { beats += self.beats[i * beatLength ..< (i + 1) * beatLength] }
        return Heartbeats(beats: beats, labels: indices.map { labels[$0] }, records: indices.map { records[$0] }, beatLength: beatLength)
    }

    /// A random train/test split stratified by class, like the Kaggle set's 80/20 split of all
    /// beats: each class contributes floor(trainFraction × its count) beats to training.
    public func split(trainFraction: Double = 0.8, generator: inout SeededGenerator) -> (train: Heartbeats, test: Heartbeats) {
        var train = [Int](), test = [Int]()
        for c in 0..<5 {
            var members = labels.indices.filter { labels[$0] == Int32(c) }
            generator.shuffle(&members)
            let k = Int(Double(members.count) * trainFraction)
            train += members[..<k]
            test += members[k...]
        }
        generator.shuffle(&train)
        generator.shuffle(&test)
        return (subset(train), subset(test))
    }

    /// Writes beats `indices` into `buffer` (187 values each).
    public func fillBatch(_ indices: [Int], into buffer: UnsafeMutableBufferPointer<Float>) {
        precondition(buffer.count >= indices.count * beatLength, "batch buffer too small")
        for (b, index) in indices.enumerated() {
            for k in 0..<beatLength { buffer[b * beatLength + k] = beats[index * beatLength + k] }
        }
    }
}
