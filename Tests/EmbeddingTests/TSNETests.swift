import Dispatch
import TensorCore
import Randomness
import XCTest
@testable import Embedding

/// Whole maps: quality against scikit-learn on a Gaussian mixture, and reproducibility.
final class TSNETests: XCTestCase {
    /// 1,000 points in 10-D, 10 clusters (tools/golden/make_tsne_fixtures.py): trustworthiness at
    /// 10 neighbours ≥ 0.98 and the final KL within 5 % of scikit-learn's Barnes-Hut t-SNE with
    /// the same settings (mean of its three seeds).
    func testMixtureMapMatchesScikitLearn() throws {
        let fixture = try Fixture("tsne_mixture")
        let points = fixture.floats("points"), d = fixture.int("dimensions")
        let reference = fixture.records("sklearn").map { ($0["klDivergence"] as! NSNumber).doubleValue }
        let referenceKL = reference.reduce(0, +) / Double(reference.count)
        var generator = SeededGenerator(seed: 1)
        let start = DispatchTime.now().uptimeNanoseconds
        let result = TSNE(perplexity: fixture.double("perplexity")).embed(points, dimensions: d, generator: &generator)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let trust = trustworthiness(high: points, highDimensions: d, low: result.coordinates, neighbours: 10)
        print("t-SNE 1,000 × 10-D: \(seconds) s, KL \(result.klDivergence) (scikit-learn \(referenceKL)), trustworthiness \(trust)")
        XCTAssertEqual(result.iterations, 1000)
        XCTAssertGreaterThanOrEqual(trust, 0.98)
        XCTAssertEqual(result.klDivergence, referenceKL, accuracy: 0.05 * referenceKL)
    }

    func smallMixture(seed: UInt64 = 5) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        let centres = (0..<(4 * 6)).map { _ in 3 * generator.normal() }
        return (0..<(300 * 6)).map { index in centres[(index / 6) % 4 * 6 + index % 6] + generator.normal() }
    }

    func testSameSeedGivesTheSameMapBitForBit() {
        let points = smallMixture()
        let tsne = TSNE(perplexity: 20, iterations: 300)
        var first = SeededGenerator(seed: 3), second = SeededGenerator(seed: 3), other = SeededGenerator(seed: 4)
        let a = tsne.embed(points, dimensions: 6, generator: &first)
        let b = tsne.embed(points, dimensions: 6, generator: &second)
        XCTAssertEqual(a.coordinates.map(\.bitPattern), b.coordinates.map(\.bitPattern))
        XCTAssertEqual(a.klDivergence.bitPattern, b.klDivergence.bitPattern)
        let c = tsne.embed(points, dimensions: 6, generator: &other)
        XCTAssertNotEqual(a.coordinates, c.coordinates)
    }

    func testMapDoesNotDependOnThreadCount() {
        let points = smallMixture()
        var one = TSNE(perplexity: 20, iterations: 300), three = one
        one.threads = 1
        three.threads = 3
        var first = SeededGenerator(seed: 3), second = SeededGenerator(seed: 3)
        let a = one.embed(points, dimensions: 6, generator: &first)
        let b = three.embed(points, dimensions: 6, generator: &second)
        XCTAssertEqual(a.coordinates.map(\.bitPattern), b.coordinates.map(\.bitPattern))
    }

    func testTensorInputGivesTheSameMap() {
        let points = smallMixture()
        let tsne = TSNE(perplexity: 20, iterations: 50)
        var first = SeededGenerator(seed: 8), second = SeededGenerator(seed: 8)
        let a = tsne.embed(points, dimensions: 6, generator: &first)
        let b = tsne.embed(Tensor(shape: [300, 6], scalars: points), generator: &second)
        XCTAssertEqual(a.coordinates, b.coordinates)
        XCTAssertEqual(b.tensor.shape, [300, 2])
    }
}
