import XCTest
@testable import Embedding

/// Neighbours and input similarities against scikit-learn (tools/golden/make_tsne_fixtures.py).
final class AffinityTests: XCTestCase {
    func testNeighboursMatchScikitLearn() throws {
        let fixture = try Fixture("tsne_perplexity")
        let points = fixture.floats("points"), d = fixture.int("dimensions"), k = fixture.int("k")
        let found = NearestNeighbours.search(queries: points, references: points, dimensions: d, k: k,
                                             excludingSelf: true)
        XCTAssertEqual(found.indices.map(Int.init), fixture.ints("indices"))
        let expected = fixture.doubles("squaredDistances")
        for (ours, theirs) in zip(found.squaredDistances, expected) {
            XCTAssertEqual(ours, theirs, accuracy: 1e-5 * max(1, theirs))
        }
    }

    func testConditionalAffinitiesMatchBinarySearchPerplexity() throws {
        let fixture = try Fixture("tsne_perplexity")
        let n = fixture.int("count"), k = fixture.int("k")
        // scikit-learn's input: its own float32 squared distances.
        let neighbours = NeighbourLists(k: k, indices: fixture.ints("indices").map { Int32($0) },
                                        squaredDistances: fixture.doubles("squaredDistances"))
        let ours = PerplexityCalibration.conditionalAffinities(neighbours, perplexity: fixture.double("perplexity"))
        let theirs = fixture.doubles("conditional")
        XCTAssertEqual(ours.count, n * k)
        var worst = 0.0
        for (a, b) in zip(ours, theirs) { worst = max(worst, abs(a - b)) }
        XCTAssertLessThan(worst, 1e-7, "largest |p_j|i − sklearn| = \(worst)")
        // Each row is a distribution with the requested perplexity.
        for i in 0..<n {
            let row = ours[(i * k)..<((i + 1) * k)]
            XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-12)
            let entropy = -row.reduce(0) { $0 + ($1 > 0 ? $1 * $1.logarithm : 0) }
            XCTAssertEqual(entropy.exponential, fixture.double("perplexity"), accuracy: 1e-3)
        }
    }

    func testJointAffinitiesMatchScikitLearn() throws {
        let fixture = try Fixture("tsne_perplexity")
        let n = fixture.int("count"), d = fixture.int("dimensions")
        let tsne = TSNE(perplexity: fixture.double("perplexity"))
        XCTAssertEqual(tsne.neighbourCount(points: n), fixture.int("k"))
        let p = tsne.inputAffinities(fixture.floats("points"), dimensions: d)
        var expected = [Int: Double]()
        for (row, (column, value)) in zip(fixture.ints("jointRows"), zip(fixture.ints("jointColumns"), fixture.doubles("jointValues"))) {
            expected[row * n + column] = value
        }
        XCTAssertEqual(p.nonZeros, expected.count)
        var total = 0.0
        for i in 0..<n {
            for entry in p.rowStarts[i]..<p.rowStarts[i + 1] {
                let j = Int(p.columns[entry])
                XCTAssertNotEqual(i, j)
                guard let theirs = expected[i * n + j] else { XCTFail("p[\(i), \(j)] not in scikit-learn's P"); continue }
                XCTAssertEqual(p.values[entry], theirs, accuracy: 1e-6 * theirs + 1e-12)
                total += p.values[entry]
            }
        }
        XCTAssertEqual(total, 1, accuracy: 1e-12)
    }
}
