import Foundation
import XCTest
import Randomness
@testable import Datasets

final class HeartbeatTests: XCTestCase {
    /// A synthetic 20 s record at 360 Hz: a triangular "R wave" every 0.8 s on a flat line.
    private func syntheticRecord(beatCodes: [Int]) -> WFDB.Record {
        let n = 7200, period = 288
        var samples = [Int16](repeating: 0, count: n)
        var annotations = [WFDB.Annotation(sample: 0, code: 28, aux: "(N")]
        for (k, code) in beatCodes.enumerated() {
            let peak = 100 + k * period
            for d in -12...12 where peak + d < n { samples[peak + d] = Int16(400 - abs(d) * 30) }
            annotations.append(WFDB.Annotation(sample: peak, code: code))
        }
        let spec = WFDB.SignalSpec(fileName: "x.dat", format: 212, gain: 200, baseline: 0, units: "mV", resolution: 11,
                                   zero: 0, initialValue: 0, checksum: 0, description: "MLII")
        return WFDB.Record(header: WFDB.Header(recordName: "x", samplingFrequency: 360, sampleCount: n, signals: [spec, spec], comments: []),
                           signals: [samples, samples], annotations: annotations)
    }

    func testAAMIClasses() {
        let codes: [(Int, Heartbeats.AAMIClass?)] = [(1, .n), (2, .n), (3, .n), (34, .n), (11, .n), (8, .s), (4, .s), (7, .s), (9, .s),
                                                     (5, .v), (10, .v), (6, .f), (12, .q), (38, .q), (13, .q), (28, nil), (14, nil), (37, nil)]
        for (code, expected) in codes { XCTAssertEqual(Heartbeats.AAMIClass(annotationCode: code), expected, "code \(code)") }
    }

    func testExtractionCutsBeatsOfOnePointTwoPeriods() {
        // 25 beats, the 6th a PVC and the 10th paced; the last one is dropped as in the Kaggle set.
        var codes = [Int](repeating: 1, count: 25)
        codes[5] = 5; codes[9] = 12
        let beats = Heartbeats.extract(from: syntheticRecord(beatCodes: codes), recordNumber: 100)
        XCTAssertEqual(beats.count, 24)
        XCTAssertEqual(beats.labels[5], 2)
        XCTAssertEqual(beats.labels[9], 4)
        XCTAssertEqual(beats.classCounts, [22, 0, 1, 0, 1])
        XCTAssertEqual(Set(beats.records), [100])
        // Period 0.8 s = 100 samples at 125 Hz, so each beat has 120 samples then zeros up to 187.
        let first = Array(beats.beats[0..<187])
        XCTAssertEqual(first[0], 1, accuracy: 0.05)           // starts at the R peak, normalised to 1
        XCTAssertTrue(first[110..<120].allSatisfy { $0 == 0 })   // flat line between beats (window minimum)
        XCTAssertGreaterThan(first[100], 0.5)                     // the next R peak, 100 samples later
        XCTAssertEqual(Array(first[120...]), [Float](repeating: 0, count: 67))
        // Beats near a window's end are cut at the window (10 s = 1250 samples) and zero-padded.
        XCTAssertTrue(beats.beats.allSatisfy { $0 >= 0 && $0 <= 1 })

        var options = Heartbeats.Options()
        options.dropLastBeatPerRecord = false
        XCTAssertEqual(Heartbeats.extract(from: syntheticRecord(beatCodes: codes), recordNumber: 100, options: options).count, 25)
        options.peakSource = .detected
        let detected = Heartbeats.extract(from: syntheticRecord(beatCodes: codes), recordNumber: 100, options: options)
        XCTAssertEqual(detected.count, 25)
        XCTAssertEqual(detected.labels[5], 2)
    }

    func testResampleAndPeakCandidates() {
        let ramp = (0..<361).map { Float($0) }
        let resampled = Heartbeats.resample(ramp, from: 360, to: 125)
        XCTAssertEqual(resampled.count, 126)
        XCTAssertEqual(resampled[1], 2.88, accuracy: 1e-4)
        XCTAssertEqual(resampled[125], 360, accuracy: 1e-3)
        let window: [Float] = [0, 0.5, 1, 0.95, 0.2, 0.92, 0.92, 0.1, 0.3, 0.5]
        XCTAssertEqual(Heartbeats.peakCandidates(window[...], threshold: 0.9), [2, 5])
    }

    func testStratifiedSplit() {
        let labels: [Int32] = [Int32](repeating: 0, count: 50) + [Int32](repeating: 1, count: 11) + [2, 3, 4, 4, 4, 4, 4]
        let set = Heartbeats(beats: (0..<labels.count).flatMap { [Float]($0 == 0 ? [1, 2] : [Float($0), 0]) },
                             labels: labels, records: [Int32](repeating: 100, count: labels.count), beatLength: 2)
        var g = SeededGenerator(seed: 4)
        let (train, test) = set.split(generator: &g)
        XCTAssertEqual(train.classCounts, [40, 8, 0, 0, 4])
        XCTAssertEqual(test.classCounts, [10, 3, 1, 1, 1])
        XCTAssertEqual(train.count + test.count, labels.count)
        // Beats travel with their labels.
        for i in 0..<test.count where test.labels[i] == 1 {
            XCTAssertGreaterThanOrEqual(test.beats[2 * i], 50); XCTAssertLessThan(test.beats[2 * i], 61)
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
