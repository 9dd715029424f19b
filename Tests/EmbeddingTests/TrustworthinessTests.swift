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

    /// Points on a line, mapped with the two halves swapped: the numbers worked by hand.
    func testHandWorkedExample() {
        // Input: 0, 1, 2, 3, 4, 5 on a line. Map: positions 0, 1, 2, 10, 11, 12 except that
        // points 2 and 3 trade places, so point 2's single map neighbour (k = 1) is 4 (input rank
        // 2: penalty 1) and point 3's is 1 (input rank 2: penalty 1); the rest keep theirs.
        let high: [Float] = [0, 1, 2, 3, 4, 5]
        let low: [Float] = [0, 1, 10, 2, 11, 12]
        // T = 1 − 2/(n k (2n − 3k − 1)) Σ = 1 − 2/(6·1·8) · 2
        XCTAssertEqual(trustworthiness(high: high, highDimensions: 1, low: low, lowDimensions: 1, neighbours: 1),
                       1 - 4.0 / 48, accuracy: 1e-15)
    }
}
