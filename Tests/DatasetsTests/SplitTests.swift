import XCTest
import Randomness
@testable import Datasets

final class SplitTests: XCTestCase {
    /// MNIST training labels have these class sizes; the splits only need the labels.
    static let mnistTrainCounts = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    static var mnistLikeLabels: [Int32] {
        var labels = [Int32]()
        for (c, n) in mnistTrainCounts.enumerated() { labels += [Int32](repeating: Int32(c), count: n) }
        var generator = SeededGenerator(seed: 99)
        generator.shuffle(&labels)
        return labels
    }

    func testLabeledSubsetIsBalancedAndSeeded() throws {
        let labels = Self.mnistLikeLabels
        var g1 = SeededGenerator(seed: 1), g2 = SeededGenerator(seed: 1), g3 = SeededGenerator(seed: 2)
        let a = try Splits.labeledSubset(labels: labels, count: 100, generator: &g1)
        let b = try Splits.labeledSubset(labels: labels, count: 100, generator: &g2)
        let c = try Splits.labeledSubset(labels: labels, count: 100, generator: &g3)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        XCTAssertEqual(Set(a).count, 100)
        var perClass = [Int](repeating: 0, count: 10)
        for i in a { perClass[Int(labels[i])] += 1 }
        XCTAssertEqual(perClass, [Int](repeating: 10, count: 10))
        let thousand = try Splits.labeledSubset(labels: labels, count: 1000, generator: &g1)
        XCTAssertEqual(thousand.filter { labels[$0] == 3 }.count, 100)
        // Uneven counts: remainder to the lowest classes; unbalanced draws are uniform.
        let odd = try Splits.labeledSubset(labels: labels, count: 13, generator: &g1)
        XCTAssertEqual(odd.filter { labels[$0] == 2 }.count, 2)
        XCTAssertEqual(odd.filter { labels[$0] == 3 }.count, 1)
        XCTAssertEqual(try Splits.labeledSubset(labels: labels, count: 100, balanced: false, generator: &g1).count, 100)
        // Drawn among candidates only (e.g. the normal classes of an anomaly split).
        let normal = labels.indices.filter { labels[$0] != 7 }
        let nine = try Splits.labeledSubset(labels: labels, candidates: normal, count: 90, generator: &g1)
        XCTAssertFalse(nine.contains { labels[$0] == 7 })
        XCTAssertEqual(nine.filter { labels[$0] == 0 }.count, 10)
        XCTAssertThrowsError(try Splits.labeledSubset(labels: [0, 0, 1], count: 4, generator: &g1))
    }

    func testStratifiedSubsetTakesTheShareOfEveryClass() throws {
        let labels = Self.mnistLikeLabels
        for fraction in [0.01, 0.5, 0.99] {
            var generator = SeededGenerator(seed: 5)
            let chosen = try Splits.stratifiedSubset(labels: labels, fraction: fraction, generator: &generator)
            XCTAssertEqual(Set(chosen).count, chosen.count, "no index twice")
            var perClass = [Int](repeating: 0, count: 10)
            for index in chosen { perClass[Int(labels[index])] += 1 }
            // Round half away from zero, e.g. 1 % of 5,923 is 59.23 → 59, 99 % of 6,742 is 6,674.58 → 6,675.
            XCTAssertEqual(perClass, Self.mnistTrainCounts.map { Int((fraction * Double($0)).rounded()) }, "\(fraction)")
            var again = SeededGenerator(seed: 5)
            XCTAssertEqual(try Splits.stratifiedSubset(labels: labels, fraction: fraction, generator: &again), chosen)
        }
        XCTAssertEqual(Int((0.99 * 6742.0).rounded()), 6675)
        var generator = SeededGenerator(seed: 1)
        XCTAssertEqual(try Splits.stratifiedSubset(labels: [0, 0, 1], fraction: 0.01, generator: &generator).count, 2,
                       "at least one example of every class")
        XCTAssertThrowsError(try Splits.stratifiedSubset(labels: [0], fraction: 0, generator: &generator))
        XCTAssertThrowsError(try Splits.stratifiedSubset(labels: [0], fraction: 1.5, generator: &generator))
    }

    func testHoldOutClass() {
        let split = Splits.holdOutClass(1, trainLabels: [0, 1, 2, 1, 3], testLabels: [1, 0, 1])
        XCTAssertEqual(split.train, [0, 2, 4])
        XCTAssertEqual(split.test, [0, 1, 2])
        XCTAssertEqual(split.testIsAnomalous, [true, false, true])
    }

    /// V-ABC Table I, MNIST rows. The positive and negative columns are reproduced exactly. The
    /// unwanted column (672 for class 1 at p = 0.1, where p × 6,742 = 674.2) matches no rounding
    /// of p × n; the exact-count folds use round(p × n), and the table's values are within 1.1
    /// binomial standard deviations of p × n, the spread a per-example Bernoulli draw gives.
    func testNegativeUnlabeledFoldsAgainstTableI() {
        let labels = Self.mnistLikeLabels
        let table: [(Int32, Double, Int, Int, Int, Int)] = [
            (1, 0.1, 53258, 6742, 59328, 672), (1, 0.2, 53258, 6742, 58686, 1314), (1, 0.3, 53258, 6742, 57986, 2014),
            (7, 0.1, 53735, 6265, 59375, 625), (7, 0.2, 53735, 6265, 58777, 1223), (7, 0.3, 53735, 6265, 58125, 1875),
            (8, 0.1, 54149, 5851, 59414, 586), (8, 0.2, 54149, 5851, 58858, 1142), (8, 0.3, 54149, 5851, 58276, 1724),
        ]
        let exactUnwanted: [Int] = [674, 1348, 2023, 627, 1253, 1880, 585, 1170, 1755]
        for (k, (c, p, positives, negatives, unlabeled, unwanted)) in table.enumerated() {
            var g = SeededGenerator(seed: 0)
            let folds = Splits.negativeUnlabeled(labels: labels, negativeClass: c, unwantedProportion: p, generator: &g)
            XCTAssertEqual(folds.positiveCount, positives)
            XCTAssertEqual(folds.negativeCount, negatives)
            XCTAssertEqual(folds.unwanted.count, exactUnwanted[k], "class \(c) p \(p)")
            XCTAssertEqual(folds.unlabeled.count + folds.unwanted.count, unlabeled + unwanted)
            XCTAssertTrue(folds.unwanted.allSatisfy { labels[$0] == c })
            let sd = (Double(negatives) * p * (1 - p)).squareRoot()
            XCTAssertLessThan(abs(Double(unwanted) - p * Double(negatives)), 1.1 * sd)
        }
    }

    func testBernoulliFoldsAreNestedAcrossProportions() {
        let labels = Self.mnistLikeLabels
        var previous = Set<Int>()
        for p in [0.1, 0.2, 0.3] {
            var g = SeededGenerator(seed: 5)
            let folds = Splits.negativeUnlabeled(labels: labels, negativeClass: 8, unwantedProportion: p, selection: .bernoulli, generator: &g)
            let unwanted = Set(folds.unwanted)
            XCTAssertTrue(previous.isSubset(of: unwanted))
            XCTAssertLessThan(abs(Double(unwanted.count) - p * 5851), 4 * (5851 * p * (1 - p)).squareRoot())
            XCTAssertEqual(folds.unlabeled.count + unwanted.count, 60000)
            XCTAssertEqual(folds.y(count: 60000).filter { $0 == 0 }.count, unwanted.count)
            previous = unwanted
        }
    }

    func testTwoMoonsTableIRows() {
        var g = SeededGenerator(seed: 3)
        let noiseless = TwoMoons.generate(positives: 3, negatives: 3, noise: 0, generator: &g)
        // Lower (positive) moon from (0, 0.5) to (2, 0.5) through (1, -0.5); upper from (1, 0) to (-1, 0).
        XCTAssertEqual(noiseless.points[0], 0, accuracy: 1e-6); XCTAssertEqual(noiseless.points[1], 0.5, accuracy: 1e-6)
        XCTAssertEqual(noiseless.points[2], 1, accuracy: 1e-6); XCTAssertEqual(noiseless.points[3], -0.5, accuracy: 1e-6)
        XCTAssertEqual(noiseless.points[6], 1, accuracy: 1e-6); XCTAssertEqual(noiseless.points[7], 0, accuracy: 1e-6)
        XCTAssertEqual(noiseless.points[10], -1, accuracy: 1e-6)
        XCTAssertEqual(noiseless.isNegative, [false, false, false, true, true, true])

        let moons = TwoMoons.generate(generator: &g)
        XCTAssertEqual(moons.count, 10000)
        XCTAssertEqual(moons.isNegative.filter { $0 }.count, 5000)
        let moons1 = moons.folds(unwantedProportion: 1, generator: &g)
        XCTAssertEqual([moons1.positiveCount, moons1.negativeCount, moons1.unlabeled.count, moons1.unwanted.count], [5000, 5000, 5000, 5000])
        let moons2 = moons.folds(unwantedProportion: 0.8, generator: &g)
        XCTAssertEqual([moons2.unlabeled.count, moons2.unwanted.count], [6000, 4000])
        // Noise 0.1: the sample spread around the lower moon's curve.
        var sumSquares: Float = 0
        for i in 0..<5000 {
            let t = Float.pi * Float(i) / 4999
            let dx = moons.points[2 * i] - (1 - cos(t)), dy = moons.points[2 * i + 1] - (0.5 - sin(t))
            sumSquares += dx * dx + dy * dy
        }
        XCTAssertEqual((sumSquares / 10000).squareRoot(), 0.1, accuracy: 0.005)
    }
}

#if canImport(Glibc)
import Glibc
#endif
