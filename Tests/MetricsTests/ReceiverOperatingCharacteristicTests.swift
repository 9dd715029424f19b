import Metrics
import Randomness
import XCTest

/// The AUC of Tables 5, 6, 9 and the operating points of the feedback experiment.
final class ReceiverOperatingCharacteristicTests: XCTestCase {
    func testHandComputedArea() throws {
        // Pairs (positive, negative): (0.35, 0.1) ✓, (0.35, 0.4) ✗, (0.8, 0.1) ✓, (0.8, 0.4) ✓ → 3/4.
        let scores: [Float] = [0.1, 0.4, 0.35, 0.8]
        let roc = try ReceiverOperatingCharacteristic(scores: scores, labels: [false, false, true, true])
        XCTAssertEqual(roc.area, 0.75)
        XCTAssertEqual(roc.positiveCount, 2)
        XCTAssertEqual(roc.negativeCount, 2)
        XCTAssertEqual(roc.points.map(\.falsePositiveRate), [0, 0, 0.5, 0.5, 1])
        XCTAssertEqual(roc.points.map(\.truePositiveRate), [0, 0.5, 0.5, 1, 1])
        XCTAssertEqual(roc.points.map(\.threshold), [.infinity] + [0.8, 0.4, 0.35, 0.1].map { Double(Float($0)) })
    }

    func testTiesCountHalfAndMergeIntoOneStep() throws {
        let tied = try ReceiverOperatingCharacteristic(scores: [Double](repeating: 2, count: 5),
                                                       labels: [true, false, false, true, false])
        XCTAssertEqual(tied.area, 0.5)
        XCTAssertEqual(tied.points.count, 2, "one diagonal step for the single distinct score")
        XCTAssertEqual(tied.points.last, ROCPoint(falsePositiveRate: 1, truePositiveRate: 1, threshold: 2))
        // One positive tied with one of two negatives, above the other: (½ + 1) / 2.
        let partly = try ReceiverOperatingCharacteristic(scores: [0.5, 0.5, 0.1], labels: [true, false, false])
        XCTAssertEqual(partly.area, 0.75)
        XCTAssertEqual(partly.points.map(\.falsePositiveRate), [0, 0.5, 1])
        XCTAssertEqual(partly.points.map(\.truePositiveRate), [0, 1, 1])
    }

    func testPerfectAndReversedSeparation() throws {
        let labels = [false, true, false, true, true]
        let perfect = try ReceiverOperatingCharacteristic(scores: [1, 7, 2, 8, 9], labels: labels)
        XCTAssertEqual(perfect.area, 1)
        let reversed = try ReceiverOperatingCharacteristic(scores: [9, 2, 8, 1, 0], labels: labels)
        XCTAssertEqual(reversed.area, 0)
    }

    /// Mann–Whitney by brute force over all pairs, ties ½, on data with many ties.
    func testAreaEqualsPairCountOnTiedRandomData() throws {
        for seed: UInt64 in [1, 2, 3, 4, 5, 6] {
            var generator = SeededGenerator(seed: seed)
            let count = 150 + generator.uniformInt(below: 100)
            let labels = (0..<count).map { _ in generator.uniformFloat() < 0.3 }
            // Rounded to one decimal: about eleven distinct values, so most pairs tie or cross.
            let scores = labels.map { positive -> Double in
                ((Double(generator.uniformFloat()) + (positive ? 0.2 : 0)) * 10).rounded() / 10
            }
            var twicePairs = 0
            for i in 0..<count where labels[i] {
                for j in 0..<count where !labels[j] {
                    twicePairs += scores[i] > scores[j] ? 2 : (scores[i] == scores[j] ? 1 : 0)
                }
            }
            let positives = labels.filter { $0 }.count
            let expected = Double(twicePairs) / (2 * Double(positives) * Double(count - positives))
            let roc = try ReceiverOperatingCharacteristic(scores: scores, labels: labels)
            XCTAssertEqual(roc.area, expected, accuracy: 1e-12, "seed \(seed)")
            XCTAssertEqual(roc.points.count, Set(scores).count + 1, "seed \(seed): one vertex per distinct score")

            // The trapezoids under the vertices give the same area.
            var trapezoids = 0.0
            for (a, b) in zip(roc.points, roc.points.dropFirst()) {
                trapezoids += (b.falsePositiveRate - a.falsePositiveRate) * (a.truePositiveRate + b.truePositiveRate) / 2
            }
            XCTAssertEqual(trapezoids, expected, accuracy: 1e-12, "seed \(seed)")
        }
    }

    func testCurveRunsFromOriginToOneMonotonically() throws {
        var generator = SeededGenerator(seed: 11)
        let labels = (0..<200).map { $0 % 3 == 0 }
        let scores = labels.map { ($0 ? 0.3 : 0) + generator.uniformFloat() }
        let roc = try ReceiverOperatingCharacteristic(scores: scores, labels: labels)
        XCTAssertEqual(roc.points.first, ROCPoint(falsePositiveRate: 0, truePositiveRate: 0, threshold: .infinity))
        XCTAssertEqual(roc.points.last?.falsePositiveRate, 1)
        XCTAssertEqual(roc.points.last?.truePositiveRate, 1)
        for (a, b) in zip(roc.points, roc.points.dropFirst()) {
            XCTAssertLessThanOrEqual(a.falsePositiveRate, b.falsePositiveRate)
            XCTAssertLessThanOrEqual(a.truePositiveRate, b.truePositiveRate)
            XCTAssertGreaterThan(a.threshold, b.threshold)
        }
    }

    func testOperatingPoints() throws {
        // Sorted: 0.9+ 0.8- 0.7+ 0.6+ 0.5- 0.4- 0.3+ 0.2-; 4 positives, 4 negatives.
        let scores: [Double] = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2]
        let labels = [true, false, true, true, false, false, true, false]
        let roc = try ReceiverOperatingCharacteristic(scores: scores, labels: labels)
        XCTAssertEqual(try roc.truePositiveRate(atFalsePositiveRate: 0), 0.25)
        XCTAssertEqual(try roc.truePositiveRate(atFalsePositiveRate: 0.25), 0.75)
        XCTAssertEqual(try roc.truePositiveRate(atFalsePositiveRate: 0.7), 0.75)
        XCTAssertEqual(try roc.truePositiveRate(atFalsePositiveRate: 0.75), 1)
        XCTAssertEqual(try roc.falsePositiveRate(atRecall: 0.5), 0.25)
        XCTAssertEqual(try roc.falsePositiveRate(atRecall: 0.75), 0.25)
        XCTAssertEqual(try roc.falsePositiveRate(atRecall: 0.8), 0.75)
        XCTAssertEqual(try roc.falsePositiveRate(atRecall: 1), 0.75)
        XCTAssertEqual(try roc.operatingPoint(atRecall: 1).threshold, 0.3)
        XCTAssertEqual(try roc.falsePositiveRate(atRecall: 0), 0)
        XCTAssertThrowsError(try roc.falsePositiveRate(atRecall: 1.5)) {
            XCTAssertEqual($0 as? ROCError, .rateOutOfRange(name: "recall", value: 1.5))
        }
        XCTAssertThrowsError(try roc.truePositiveRate(atFalsePositiveRate: -0.1))
    }

    func testInvalidInputsAreRefusedByName() {
        func error(_ scores: [Float], _ labels: [Bool]) -> ROCError? {
            do {
                _ = try ReceiverOperatingCharacteristic(scores: scores, labels: labels)
                return nil
            } catch { return error as? ROCError }
        }
        XCTAssertEqual(error([0.1, .nan, 0.3], [true, false, true]), .nanScore(index: 1))
        XCTAssertEqual(error([0.1, 0.2], [false, false]), .noPositives(examples: 2))
        XCTAssertEqual(error([0.1, 0.2], [true, true]), .noNegatives(examples: 2))
        XCTAssertEqual(error([0.1, 0.2, 0.3], [true, false]), .lengthMismatch(scores: 3, labels: 2))
        XCTAssertTrue(ROCError.nanScore(index: 1).description.contains("NaN"))
    }
}
