import XCTest
@testable import Embedding

final class TrustworthinessTests: XCTestCase {
    func testMatchesScikitLearn() throws {
        let fixture = try Fixture("tsne_trustworthiness")
        let high = fixture.floats("high"), low = fixture.floats("low"), d = fixture.int("dimensions")
        for (k, expected) in zip(fixture.ints("neighbours"), fixture.doubles("trustworthiness")) {
            XCTAssertEqual(trustworthiness(high: high, highDimensions: d, low: low, neighbours: k), expected,
                           accuracy: 1e-12, "k = \(k)")
        }
    }

    func testIdenticalMapIsFullyTrustworthy() {
        let points: [Float] = (0..<40).map { Float(($0 * 7919) % 97) + Float($0) * 0.01 }
        XCTAssertEqual(trustworthiness(high: points, highDimensions: 2, low: points, neighbours: 5), 1)
    }

    /// Points on a line (unequal gaps, so no ties) and a 1-D map, the penalties worked by hand.
    func testHandWorkedExample() {
        let high: [Float] = [0, 1, 2.1, 3.3, 4.6, 6]
        let low: [Float] = [0, 1, 10, 2.5, 11, 12.6]
        // k = 1. Input nearest: 0→1, 1→0, 2→1, 3→2, 4→3, 5→4. Map nearest: 0→1, 1→0, 2→4, 3→1,
        // 4→2, 5→4. Intruders and their input ranks: 2→4 rank 4 (after 1, 3, 0), 3→1 rank 3
        // (after 2, 4), 4→2 rank 3 (after 3, 5); penalties (r − k) 3 + 2 + 2 = 7.
        // T = 1 − 2/(n k (2n − 3k − 1)) · 7 = 1 − 14/48.
        XCTAssertEqual(trustworthiness(high: high, highDimensions: 1, low: low, lowDimensions: 1, neighbours: 1),
                       1 - 14.0 / 48, accuracy: 1e-15)
    }
}
