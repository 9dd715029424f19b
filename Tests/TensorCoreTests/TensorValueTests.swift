import _Differentiation
import Randomness
import XCTest
@testable import TensorCore

/// Exact values of the forward computations, the BLAS bridge and the random streams.
final class TensorValueTests: XCTestCase {
    func testMatrixProductMatchesHandComputation() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
        XCTAssertEqual(matmul(a, b).scalars, [58, 64, 139, 154])
    }

    func testTransposedLastTwoAxesSwapsRowsAndColumns() {
        let m = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let t = m.transposedLastTwoAxes()
        XCTAssertEqual(t.shape, [3, 2])
        XCTAssertEqual(t.scalars, [1, 4, 2, 5, 3, 6])
        XCTAssertEqual(t.transposedLastTwoAxes(), m)
        // A stack of two such matrices: each transposed on its own.
        let stack = Tensor(shape: [2, 2, 3], scalars: (1...12).map(Float.init))
        XCTAssertEqual(stack.transposedLastTwoAxes().shape, [2, 3, 2])
        XCTAssertEqual(stack.transposedLastTwoAxes().scalars, [1, 4, 2, 5, 3, 6, 7, 10, 8, 11, 9, 12])
    }

    func testSoftmaxIsStableAndNormalised() {
        let logits = Tensor(shape: [2, 3], scalars: [1000, 1000, 1000, -5, 0, 5])
        let p = softmax(logits)
        XCTAssertTrue(p.isFinite)
        XCTAssertEqual(p.scalars[0], 1.0 / 3, accuracy: 1e-6)
        let expected: [Float] = [0.0000453979, 0.0066928509, 0.9932617512]
        for (got, want) in zip(p.scalars[3...], expected) { XCTAssertEqual(got, want, accuracy: 1e-6) }
    }

    func testSoftplusAndSigmoidAreStableAtExtremes() {
        let x = Tensor(shape: [4], scalars: [-200, -1, 1, 200])
        XCTAssertEqual(softplus(x).scalars[3], 200)
        XCTAssertEqual(softplus(x).scalars[0], 0)
        XCTAssertEqual(sigmoid(x).scalars[0], 0)
        XCTAssertEqual(sigmoid(x).scalars[3], 1)
        XCTAssertEqual(softplus(x).scalars[2], 1.3132616, accuracy: 1e-6)
    }

    func testShapeMismatchIsDetectedByFiniteCheck() {
        XCTAssertFalse(Tensor(shape: [2], scalars: [1, .nan]).isFinite)
        XCTAssertFalse(Tensor(shape: [2], scalars: [.infinity, 1]).isFinite)
        XCTAssertTrue(Tensor(shape: [2], scalars: [1, -3]).isFinite)
    }

    func testFiniteCheckOfALargeTensorFindsANaNOrAnInfinityInAnyPart() {
        // Large enough to be split over the cores; the bad value lands in the first and the
        // last part, in a vector block and in the scalar tail.
        let count = 4 * (1 << 18) + 7
        XCTAssertTrue(Tensor(shape: [count], repeating: 1e30).isFinite)
        for index in [0, 5, count / 2, count - 9, count - 1] {
            for bad in [Float.nan, .infinity, -.infinity] {
                var tensor = Tensor(shape: [count], repeating: 1)
                tensor[flat: index] = bad
                XCTAssertFalse(tensor.isFinite, "\(bad) at \(index)")
            }
        }
    }

    func testSeededStreamsAreReproducibleAndIndependent() {
        var a = SeededGenerator(seed: 2024), b = SeededGenerator(seed: 2024)
        let first = (0..<5).map { _ in a.next() }
        XCTAssertEqual(first, (0..<5).map { _ in b.next() })
        // Pinned values: a change to the generator would silently change every run.
        var pinned = SeededGenerator(seed: 0)
        XCTAssertEqual(pinned.next(), 0x99EC_5F36_CB75_F2B4)
        var dropout = SeededGenerator(seed: 2024).derived("dropout")
        var split = SeededGenerator(seed: 2024).derived("split")
        XCTAssertNotEqual(dropout.next(), split.next())
        var normals = SeededGenerator(seed: 9)
        let draws = (0..<20_000).map { _ in Double(normals.normal()) }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count)
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.03)
    }

    func testGradientIsBitIdenticalAcrossRuns() {
        // Same seed, same thread count: the same bits (BLAS included).
        func run() -> [Float] {
            var generator = SeededGenerator(seed: 5)
            let x = Tensor.randomNormal([64, 128], using: &generator)
            let w = Tensor.randomNormal([128, 96], using: &generator)
            return gradient(at: w) { (softplus(matmul(x, $0)) * 0.5).sum() }.scalars
        }
        XCTAssertEqual(run(), run())
    }
}
