import XCTest
import Randomness
@testable import Datasets

/// The two splits of the ECG section: the stratified split at the published sizes and de
/// Chazal et al.'s inter-patient DS1/DS2 split.
final class HeartbeatSplitTests: XCTestCase {
    /// A set with the heartbeat set's class counts (N, S, V, F, Q of the 109,446 beats), one
    /// sample per beat, the beats of each class spread over the 48 records in turn.
    private func fullSizeSet() -> Heartbeats {
        let counts = [90_589, 2_779, 7_236, 803, 8_039]
        var labels: [Int32] = [], records: [Int32] = []
        for (c, count) in counts.enumerated() {
            for k in 0..<count {
                labels.append(Int32(c))
                records.append(Int32(Heartbeats.mitbihRecords[k % Heartbeats.mitbihRecords.count]))
            }
        }
        return Heartbeats(beats: labels.indices.map(Float.init), labels: labels, records: records, beatLength: 1)
    }

    func testTheStratifiedSplitHasThePublishedSizesAndEveryClassItsShare() {
        let beats = fullSizeSet()
        var generator = SeededGenerator(seed: 1)
        let (train, test) = beats.splitIndices(.stratified, generator: &generator)
        XCTAssertEqual(train.count, 87_554)
        XCTAssertEqual(test.count, 21_892)
        XCTAssertEqual(Set(train).intersection(test), [])
        XCTAssertEqual(Set(train).union(test).count, beats.count)
        // Largest remainders of 87,554 × count / 109,446: floors 72,468, 2,223, 5,788, 642, 6,430,
        // and the three seats left go to Q, N and V (remainders 0.994, 0.882, 0.615).
        XCTAssertEqual(beats.subset(train).classCounts, [72_469, 2_223, 5_789, 642, 6_431])
        XCTAssertEqual(beats.subset(test).classCounts, [18_120, 556, 1_447, 161, 1_608])
        // Seeded: the same seed draws the same split, another seed another one.
        var again = SeededGenerator(seed: 1), other = SeededGenerator(seed: 2)
        XCTAssertEqual(beats.splitIndices(.stratified, generator: &again).train, train)
        XCTAssertNotEqual(beats.splitIndices(.stratified, generator: &other).train, train)
    }

    func testAStratifiedSampleKeepsTheProportionsOfItsPool() {
        let beats = fullSizeSet()
        var generator = SeededGenerator(seed: 3)
        let pool = Array(stride(from: 0, to: beats.count, by: 2))
        let sample = beats.stratifiedSample(pool, size: 5_000, generator: &generator)
        XCTAssertEqual(sample.count, 5_000)
        XCTAssertEqual(Set(sample).count, 5_000)
        XCTAssertTrue(Set(sample).isSubset(of: Set(pool)))
        let poolCounts = beats.subset(pool).classCounts
        for (c, count) in beats.subset(sample).classCounts.enumerated() {
            let share = 5_000 * Double(poolCounts[c]) / Double(pool.count)
            XCTAssertLessThan(abs(Double(count) - share), 1, "class \(c)")
        }
        XCTAssertEqual(Heartbeats.apportion(10, among: [5, 3, 2]), [5, 3, 2])
        XCTAssertEqual(Heartbeats.apportion(3, among: [1, 1, 1, 1]), [1, 1, 1, 0], "ties go to the lower class")
    }

    func testTheInterPatientSplitKeepsPatientsApartAndLeavesOutThePacedRecords() {
        XCTAssertEqual(HeartbeatSplit.ds1.count, 22)
        XCTAssertEqual(HeartbeatSplit.ds2.count, 22)
        XCTAssertEqual(Set(HeartbeatSplit.ds1 + HeartbeatSplit.ds2 + HeartbeatSplit.pacedRecords), Set(Heartbeats.mitbihRecords))
        let beats = fullSizeSet()
        var generator = SeededGenerator(seed: 1)
        let (train, test) = beats.splitIndices(.interPatient, generator: &generator)
        let trainRecords = Set(train.map { Int(beats.records[$0]) }), testRecords = Set(test.map { Int(beats.records[$0]) })
        XCTAssertEqual(trainRecords, Set(HeartbeatSplit.ds1))
        XCTAssertEqual(testRecords, Set(HeartbeatSplit.ds2))
        XCTAssertEqual(trainRecords.intersection(testRecords), [])
        let paced = Set(HeartbeatSplit.pacedRecords.map(Int32.init))
        XCTAssertEqual(train.count + test.count, beats.records.filter { !paced.contains($0) }.count)
    }
}
