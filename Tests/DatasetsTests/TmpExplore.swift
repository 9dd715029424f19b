import Foundation
import XCTest
@testable import Datasets

final class TmpExplore: XCTestCase {
    func testExplore() throws {
        let dir = URL(fileURLWithPath: "/work/shared/data/mitbih")
        var all = [Int](repeating: 0, count: 5), firsts = [Int](repeating: 0, count: 5), lasts = [Int](repeating: 0, count: 5)
        var det = [Int](repeating: 0, count: 5)
        for n in Heartbeats.mitbihRecords {
            let r = try WFDB.loadRecord(String(n), directory: dir)
            let beats = r.annotations.compactMap { Heartbeats.AAMIClass(annotationCode: $0.code) }
            for b in beats { all[b.rawValue] += 1 }
            firsts[beats.first!.rawValue] += 1; lasts[beats.last!.rawValue] += 1
            var o = Heartbeats.Options(); o.peakSource = .detected; o.dropLastBeatPerRecord = false
            let d = Heartbeats.extract(from: r, recordNumber: n, options: o)
            for (k, v) in d.classCounts.enumerated() { det[k] += v }
        }
        print("EXPLORE all", all, all.reduce(0,+), "firsts", firsts, "lasts", lasts, "detected", det, det.reduce(0,+))
    }
}
