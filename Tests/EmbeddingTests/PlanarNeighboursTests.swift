import XCTest
@testable import Embedding

final class PlanarNeighboursTests: XCTestCase {
    func testMeanDistancesWorkedByHand() {
        // References at (0,0), (3,0), (0,4), (10,10); query (0,0) and query (3,4).
        let references: [Float] = [0, 0, 3, 0, 0, 4, 10, 10]
        let queries: [Float] = [0, 0, 3, 4]
        let means = meanDistancesToNearest(from: queries, to: references, neighbourCounts: [1, 3])
        XCTAssertEqual(means[0], [0, 3], "k = 1: itself at 0; (3,4) is 3 from (0,4)")
        XCTAssertEqual(means[1][0], (0 + 3 + 4) / 3, accuracy: 1e-12)
        XCTAssertEqual(means[1][1], (3 + 4 + 5) / 3, accuracy: 1e-12)
        XCTAssertEqual(meanDistanceToNearest(from: queries, to: references, k: 3), means[1])
    }

    func testAgreesWithExhaustiveSort() {
        var state: UInt32 = 12345
        func next() -> Float { state = state &* 1664525 &+ 1013904223; return Float(state >> 8) / Float(1 << 24) * 20 }
        let references = (0..<(2 * 400)).map { _ in next() }, queries = (0..<(2 * 50)).map { _ in next() }
        let means = meanDistancesToNearest(from: queries, to: references, neighbourCounts: [1, 3, 5])
        for q in 0..<50 {
            let sorted = (0..<400).map { r -> Double in
                let dx = Double(queries[2 * q] - references[2 * r]), dy = Double(queries[2 * q + 1] - references[2 * r + 1])
                return (dx * dx + dy * dy).squareRoot()
            }.sorted()
            for (c, k) in [1, 3, 5].enumerated() {
                XCTAssertEqual(means[c][q], sorted[0..<k].reduce(0, +) / Double(k), accuracy: 1e-9)
            }
        }
    }
}
