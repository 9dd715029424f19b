import Reports
import XCTest
@testable import AnomalyStudy

/// Eq. 6 and the simulated operator's alarms, on hand-computed cases.
final class FeedbackTests: XCTestCase {
    func testEquationSixDampsPastFalseAlarmsAndAmplifiesPastMisses() {
        XCTAssertEqual(FeedbackAdjustment.adjusted(score: 10, falsePositiveProbability: 0, falseNegativeProbability: 0), 10)
        XCTAssertEqual(FeedbackAdjustment.adjusted(score: 10, falsePositiveProbability: 0.5, falseNegativeProbability: 0), 5)
        XCTAssertEqual(FeedbackAdjustment.adjusted(score: 10, falsePositiveProbability: 0, falseNegativeProbability: 0.5), 20)
        XCTAssertEqual(FeedbackAdjustment.adjusted(score: 8, falsePositiveProbability: 0.25, falseNegativeProbability: 0.75), 24)
        // p_fn rounded to 1 gives a large, finite score rather than infinity or NaN.
        let certain = FeedbackAdjustment.adjusted(score: 3, falsePositiveProbability: 0, falseNegativeProbability: 1)
        XCTAssertEqual(certain, 3e6, accuracy: 1)
        XCTAssertEqual(FeedbackAdjustment.adjusted(scores: [1, 2], falsePositiveProbabilities: [0.5, 0],
                                                   falseNegativeProbabilities: [0, 0.5]), [0.5, 4])
    }

    func testTheDetectorFlagsTheHighestShareOfTheStream() {
        XCTAssertEqual(FeedbackExperiment.flagHighest([1, 5, 3, 4, 2], rate: 0.4), [false, true, false, true, false])
        // Ties at the threshold are all flagged; at least one score is always flagged.
        XCTAssertEqual(FeedbackExperiment.flagHighest([1, 4, 4, 2], rate: 0.25), [false, true, true, false])
        XCTAssertEqual(FeedbackExperiment.flagHighest([3, 1], rate: 0.01), [true, false])
        XCTAssertEqual(FeedbackExperiment.flagHighest([], rate: 0.5), [])
    }

    func testFeedbackSettingsAreCheckedAndRoundTripThroughTheCell() throws {
        let plan = AnomalyProfilePlan(.quick)
        let cells = AnomalyCells(plan: plan).cells(experiments: [.feedback])
        XCTAssertEqual(cells.count, plan.feedbackClasses.count * plan.feedbackSeeds.count)
        let parameters = try AnomalyCellParameters(decoding: cells[0])
        let experiment = try FeedbackExperiment(cell: cells[0], parameters: parameters)
        XCTAssertEqual(experiment.settings, .standard)
        XCTAssertEqual(experiment.amounts, plan.feedbackAmounts)
        var broken = cells[0]
        broken.hyperparameters["alarm_rate"] = .number(1.5)
        XCTAssertThrowsError(try FeedbackExperiment(cell: broken, parameters: try AnomalyCellParameters(decoding: broken))) { error in
            XCTAssertTrue("\(error)".contains("alarm_rate"), "\(error)")
        }
        broken = cells[0]
        broken.hyperparameters["feedback_amounts"] = .array([.number(-1)])
        XCTAssertThrowsError(try FeedbackExperiment(cell: broken, parameters: try AnomalyCellParameters(decoding: broken)))
    }

    func testTheFeedbackReadingQuotesItsOwnNumbers() throws {
        // Two seeds per amount; the reading quotes seed means and names the half that carries the gain.
        let table: [String: [[Double]]] = [
            "auc_raw": [[0.70, 0.72], [0.40, 0.42]],
            "auc_adjusted": [[0.70, 0.72], [0.96, 0.98]],
            "auc_false_negative_term_only": [[0.70, 0.72], [0.95, 0.97]],
            "auc_false_positive_term_only": [[0.70, 0.72], [0.39, 0.41]],
            "mean_p_fp_normal": [[0, 0], [0.008, 0.010]],
        ]
        let reading = try XCTUnwrap(AnomalyReport.feedbackReading(amounts: [0, 300]) { key, i in
            table[key].flatMap { Summary($0[i]) }
        })
        XCTAssertTrue(reading.contains("falls with feedback (0.710 at m = 0, 0.410 at m = 300), as expected when the false negatives"), reading)
        XCTAssertTrue(reading.contains("from 0.410 to 0.970; its false-negative half carries the gain: x/(1 − p_fn) alone gives 0.960 and x·(1 − p_fp) alone 0.400"), reading)
        XCTAssertTrue(reading.contains("by at most 0.010 at any m"), reading)
        XCTAssertTrue(reading.contains("is at most 0.009: the classifier keeps giving"), reading)
        XCTAssertTrue(reading.contains("partly supervised"), reading)

        // The other branches: the raw AUC rises, eq. 6 gives nothing, p_fp is large. No
        // sentence explains a fall or a gain that the numbers do not show.
        let flat: [String: [[Double]]] = [
            "auc_raw": [[0.70, 0.72], [0.80, 0.82]],
            "auc_adjusted": [[0.70, 0.72], [0.79, 0.81]],
            "auc_false_negative_term_only": [[0.70, 0.72], [0.79, 0.81]],
            "auc_false_positive_term_only": [[0.70, 0.72], [0.80, 0.82]],
            "mean_p_fp_normal": [[0, 0], [0.3, 0.3]],
        ]
        let other = try XCTUnwrap(AnomalyReport.feedbackReading(amounts: [0, 300]) { key, i in flat[key].flatMap { Summary($0[i]) } })
        XCTAssertTrue(other.contains("rises with feedback (0.710 at m = 0, 0.810 at m = 300)."), other)
        XCTAssertFalse(other.contains("as expected when"), other)
        XCTAssertTrue(other.contains("Eq. 6 does not raise the AUC at m = 300"), other)
        XCTAssertFalse(other.contains("carries the gain"), other)
        XCTAssertFalse(other.contains("keeps giving normal test images"), other)
        XCTAssertFalse(other.contains("partly supervised"), other)
        // One amount only (no feedback run): nothing to read.
        XCTAssertNil(AnomalyReport.feedbackReading(amounts: [0]) { key, i in table[key].flatMap { Summary($0[i]) } })
    }
}
