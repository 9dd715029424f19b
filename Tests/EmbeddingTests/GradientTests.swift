import Randomness
import XCTest
@testable import Embedding

/// The Barnes-Hut forces against the O(n²) gradient of KL(P‖Q), and that gradient against
/// finite differences of KL.
final class GradientTests: XCTestCase {
    /// 50 points in 4-D (two clusters), perplexity 5, and a spread-out map to evaluate at.
    func smallProblem() -> (p: SparseAffinities, positions: [Double]) {
        var generator = SeededGenerator(seed: 11)
        let n = 50, d = 4
        let points = (0..<(n * d)).map { index in generator.normal() + (index / d < n / 2 ? 0 : 4) }
        let p = TSNE(perplexity: 5).inputAffinities(points, dimensions: d)
        let positions = (0..<(2 * n)).map { _ in Double(generator.normal()) * 3 }
        return (p, positions)
    }

    /// Dense P from the sparse rows.
    func dense(_ p: SparseAffinities) -> [Double] {
        var out = [Double](repeating: 0, count: p.count * p.count)
        for i in 0..<p.count {
            for entry in p.rowStarts[i]..<p.rowStarts[i + 1] { out[i * p.count + Int(p.columns[entry])] = p.values[entry] }
        }
        return out
    }

    /// KL(P‖Q) with the exact Z, every pair visited.
    func bruteForceKL(_ p: [Double], _ y: [Double], n: Int) -> Double {
        var z = 0.0
        for i in 0..<n { for j in 0..<n where j != i { z += 1 / (1 + squaredDistance(y, i, j)) } }
        var kl = 0.0
        for i in 0..<n {
            for j in 0..<n where p[i * n + j] > 0 {
                let q = 1 / (1 + squaredDistance(y, i, j)) / z
                kl += p[i * n + j] * (p[i * n + j] / q).logarithm
            }
        }
        return kl
    }

    /// ∂KL/∂y_i = 4 Σ_j (p_ij − q_ij) w_ij (y_i − y_j) (van der Maaten & Hinton 2008, eq. 5).
    func bruteForceGradient(_ p: [Double], _ y: [Double], n: Int) -> [Double] {
        var z = 0.0
        for i in 0..<n { for j in 0..<n where j != i { z += 1 / (1 + squaredDistance(y, i, j)) } }
        var gradient = [Double](repeating: 0, count: 2 * n)
        for i in 0..<n {
            for j in 0..<n where j != i {
                let w = 1 / (1 + squaredDistance(y, i, j))
                let scale = 4 * (p[i * n + j] - w / z) * w
                gradient[2 * i] += scale * (y[2 * i] - y[2 * j])
                gradient[2 * i + 1] += scale * (y[2 * i + 1] - y[2 * j + 1])
            }
        }
        return gradient
    }

    func squaredDistance(_ y: [Double], _ i: Int, _ j: Int) -> Double {
        let dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1]
        return dx * dx + dy * dy
    }

    /// 4 · (F_attr − F_rep) from our force passes.
    func ourGradient(_ p: SparseAffinities, _ y: [Double], theta: Double, threads: Int = 2) -> [Double] {
        var forces = Forces(count: p.count, threads: threads)
        let z = forces.evaluate(positions: y, affinities: p, theta: theta)
        return (0..<(2 * p.count)).map { 4 * (forces.attractive[$0] - forces.repulsive[$0] / z) }
    }

    func testExactForcesMatchBruteForceGradient() {
        let (p, y) = smallProblem()
        let reference = bruteForceGradient(dense(p), y, n: p.count)
        let ours = ourGradient(p, y, theta: 0)
        let scale = reference.map(abs).max()!
        for (a, b) in zip(ours, reference) { XCTAssertEqual(a, b, accuracy: 1e-12 * scale) }
    }

    func testBarnesHutForcesApproximateTheGradient() {
        let (p, y) = smallProblem()
        let reference = bruteForceGradient(dense(p), y, n: p.count)
        let ours = ourGradient(p, y, theta: 0.5)
        var error = 0.0, norm = 0.0
        for (a, b) in zip(ours, reference) { error += (a - b) * (a - b); norm += b * b }
        XCTAssertLessThan((error / norm).squareRoot(), 0.05)
        XCTAssertGreaterThan(error, 0, "θ = 0.5 should summarise some cells")
    }

    func testBruteForceGradientMatchesFiniteDifferences() {
        let (sparse, y) = smallProblem()
        let p = dense(sparse), n = sparse.count
        let gradient = bruteForceGradient(p, y, n: n)
        let step = 1e-6
        for coordinate in [0, 1, 17, 40, 63, 98] {
            var plus = y, minus = y
            plus[coordinate] += step; minus[coordinate] -= step
            let numeric = (bruteForceKL(p, plus, n: n) - bruteForceKL(p, minus, n: n)) / (2 * step)
            XCTAssertEqual(gradient[coordinate], numeric, accuracy: 1e-6 * max(1, abs(numeric)))
        }
    }

    func testKLDivergenceMatchesBruteForce() {
        let (p, y) = smallProblem()
        var forces = Forces(count: p.count, threads: 2)
        let ours = TSNE(theta: 0).klDivergence(affinities: p, positions: y, forces: &forces)
        XCTAssertEqual(ours, bruteForceKL(dense(p), y, n: p.count), accuracy: 1e-12)
    }

    /// Coinciding points sit in one leaf; each sees the others at distance 0 (w = 1, no force).
    func testDuplicatePointsMatchBruteForce() {
        let (p, y0) = smallProblem()
        var y = y0
        y[2] = y[0]; y[3] = y[1]; y[4] = y[0]; y[5] = y[1]
        let reference = bruteForceGradient(dense(p), y, n: p.count)
        let ours = ourGradient(p, y, theta: 0)
        let scale = reference.map(abs).max()!
        for (a, b) in zip(ours, reference) { XCTAssertEqual(a, b, accuracy: 1e-12 * scale) }
    }

    func testForcesDoNotDependOnThreadCount() {
        let (p, y) = smallProblem()
        XCTAssertEqual(ourGradient(p, y, theta: 0.5, threads: 1), ourGradient(p, y, theta: 0.5, threads: 2))
        XCTAssertEqual(ourGradient(p, y, theta: 0.5, threads: 1), ourGradient(p, y, theta: 0.5, threads: 3))
    }
}
