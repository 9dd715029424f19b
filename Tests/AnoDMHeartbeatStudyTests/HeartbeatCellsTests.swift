import Datasets
import Experiments
import XCTest
@testable import AnoDMHeartbeatStudy

/// The cells of `anodm-ecg`: what each profile runs, and that every cell of a split scores the
/// same test beats while training only on its normal classes.
final class HeartbeatCellsTests: XCTestCase {
    func testTheQuickProfileRunsFigureFiveTheClassFGridAndOneInterPatientCell() throws {
        let cells = HeartbeatCells(plan: HeartbeatProfilePlan(.quick)).cells()
        XCTAssertEqual(Set(cells.map(\.id)).count, cells.count, "every cell is distinct")
        // 3 encoders × 5 classes at β 0.01, three more β for the TCN on class F, one DS1/DS2 cell;
        // 3 seeds.
        XCTAssertEqual(cells.count, 3 * (3 * 5 + 3 + 1))
        XCTAssertEqual(Set(cells.map(\.seed)), [1, 2, 3])
        let firstSeed = Set(cells.filter { $0.seed == 1 }.map(\.id))
        XCTAssertEqual(Set(cells.map { var cell = $0; cell.seed = 1; return cell.id }), firstSeed,
                       "the same 19 cells for each seed")
        let parameters = try cells.filter { $0.seed == 1 }.map { try HeartbeatCellParameters(decoding: $0) }
        for encoder in HeartbeatEncoderName.allCases {
            XCTAssertEqual(parameters.filter { $0.encoder == encoder && $0.beta == 0.01 && $0.split == .stratified }
                .map(\.anomalousClass).sorted(), [0, 1, 2, 3, 4], encoder.rawValue)
        }
        XCTAssertEqual(parameters.filter { $0.anomalousClass == 3 && $0.encoder == .tcn }.map(\.beta).sorted(), [0.01, 0.1, 1, 10])
        let interPatient = parameters.filter { $0.split == .interPatient }
        XCTAssertEqual(interPatient.map(\.anomalousClass), [2])
        XCTAssertEqual(parameters.filter(\.zBasedMap).count, 5 + 3, "the TCN's stratified cells fit the z-based map")
        XCTAssertTrue(parameters.allSatisfy { $0.epochs == 1 && $0.trainBeats == 12_000 && $0.testBeats == 4_000 && $0.mapTrainingPoints == 2_000 })
        XCTAssertEqual(HeartbeatCells(plan: HeartbeatProfilePlan(.paper)).cells().count, 3 * (5 * 8 + 2 * 5 + 1))
    }

    func testEveryCellOfASplitScoresTheSameTestBeatsAndTrainsOnItsNormalClasses() throws {
        // 40 beats per class over the 48 records.
        var labels: [Int32] = [], records: [Int32] = []
        for k in 0..<200 {
            labels.append(Int32(k % 5))
            records.append(Int32(Heartbeats.mitbihRecords[k % 48]))
        }
        let all = Heartbeats(beats: labels.indices.map(Float.init), labels: labels, records: records, beatLength: 1)
        let cells = HeartbeatCells(plan: HeartbeatProfilePlan(.quick)).cells()
        var tests: Set<[Float]> = []
        for cell in cells {
            var parameters = try HeartbeatCellParameters(decoding: cell)
            parameters.trainBeats = 60
            parameters.testBeats = 20
            let beats = HeartbeatCells.beats(parameters, from: all)
            XCTAssertFalse(beats.train.labels.contains(Int32(parameters.anomalousClass)), cell.label)
            XCTAssertEqual(beats.train.count, 60)
            XCTAssertEqual(beats.test.classCounts, [4, 4, 4, 4, 4], "a stratified test sample")
            if parameters.split == .stratified {
                tests.insert(beats.test.beats)
                XCTAssertTrue(Set(beats.train.beats).isDisjoint(with: beats.test.beats), "training and test beats are apart")
            } else {
                let trainRecords = Set(beats.train.records), testRecords = Set(beats.test.records)
                XCTAssertTrue(trainRecords.isDisjoint(with: testRecords), "different patients")
            }
        }
        XCTAssertEqual(tests.count, 1, "one test sample for every stratified cell")
    }
}
