import XCTest
@testable import Experiments

final class ShardTests: XCTestCase {
    func testParsing() throws {
        let shard = try Shard(parsing: "3/8")
        XCTAssertEqual(shard.index, 3)
        XCTAssertEqual(shard.count, 8)
        XCTAssertEqual(shard.description, "3/8")
        XCTAssertEqual(try Shard(parsing: "1/1"), Shard.all)
    }

    func testInvalidShardsGiveClearErrors() {
        let cases: [(String, String)] = [
            ("3/2", "invalid shard '3/2': the index is 1-based and must be in 1...2, got 3"),
            ("0/0", "invalid shard '0/0': the count must be at least 1, got 0"),
            ("0/4", "invalid shard '0/4': the index is 1-based and must be in 1...4, got 0"),
            ("a/b", "invalid shard 'a/b': expected index/count with whole numbers, e.g. 2/8 (1-based index)"),
            ("2", "invalid shard '2': expected index/count with whole numbers, e.g. 2/8 (1-based index)"),
            ("1/2/3", "invalid shard '1/2/3': expected index/count with whole numbers, e.g. 2/8 (1-based index)"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try Shard(parsing: text)) { XCTAssertEqual("\($0)", message) }
        }
    }

    func testAssignmentFollowsTheIdPrefix() throws {
        // 0x...0a = 10: 10 mod 4 = 2, so shard 3 of 4.
        let id = "000000000000000a"
        XCTAssertTrue(try Shard(parsing: "3/4").contains(id: id))
        for index in [1, 2, 4] { XCTAssertFalse(try Shard(index: index, count: 4).contains(id: id)) }
        // 0xb3334ed985052658 = 12912751252747920984; mod 7 = 4 → shard 5/7.
        XCTAssertTrue(try Shard(parsing: "5/7").contains(id: "b3334ed985052658"))
        XCTAssertFalse(try Shard(parsing: "4/7").contains(id: "b3334ed985052658"))
    }

    func testShardsAreDisjointAndCoverEveryCell() throws {
        let cells = (0..<200).map { seed in
            CellConfiguration(section: "s", dataset: "d", model: "m", setting: "x",
                              seed: UInt64(seed), profile: .smoke)
        }
        let count = 5
        var owners = [String: Int]()
        for index in 1...count {
            let shard = try Shard(index: index, count: count)
            let mine = cells.filter(shard.contains)
            XCTAssertGreaterThan(mine.count, 20, "shard \(index) is badly unbalanced")
            for cell in mine {
                XCTAssertNil(owners[cell.id], "cell in two shards")
                owners[cell.id] = index
            }
        }
        XCTAssertEqual(owners.count, cells.count)
    }
}
