import _Differentiation
import Randomness
import TensorCore
import XCTest
@testable import NeuralLayers

final class DropoutTests: XCTestCase {
    private func training(seed: UInt64) -> ForwardContext {
        ForwardContext(phase: .training, generator: SeededGeneratorBox(seed: seed))
    }

    func testAboutRateOfTheValuesAreDroppedAndTheRestScaled() {
        let dropout = Dropout(rate: 0.3)
        let input = Tensor(shape: [100, 100], scalars: (0..<10_000).map { Float($0 % 7) + 1 })
        let output = dropout(input, in: training(seed: 1))
        let dropped = output.scalars.filter { $0 == 0 }.count
        // Binomial(10000, 0.3) has standard deviation 46: ±200 is more than four of them.
        XCTAssertEqual(Double(dropped), 3000, accuracy: 200)
        for (x, y) in zip(input.scalars, output.scalars) where y != 0 {
            XCTAssertEqual(y, x / 0.7, accuracy: 1e-6 * y)
        }
    }

    func testTheMaskIsFixedByTheSeed() {
        let dropout = Dropout(rate: 0.5)
        let input = Tensor.ones([8, 16])
        let first = dropout(input, in: training(seed: 42))
        XCTAssertEqual(dropout(input, in: training(seed: 42)), first)
        XCTAssertNotEqual(dropout(input, in: training(seed: 43)), first)
        // Drawing from a shared stream moves it on: the next call gets a new mask.
        let context = training(seed: 42)
        XCTAssertEqual(dropout(input, in: context), first)
        XCTAssertNotEqual(dropout(input, in: context), first)
    }

    func testInferenceAndRateZeroAreTheIdentity() {
        var generator = SeededGenerator(seed: 3)
        let input = Tensor.randomNormal([4, 5], using: &generator)
        let inference = ForwardContext(phase: .inference, generator: SeededGeneratorBox(seed: 1))
        XCTAssertEqual(Dropout(rate: 0.5)(input, in: inference), input)
        XCTAssertEqual(Dropout(rate: 0)(input, in: training(seed: 1)), input)
        // Inference draws nothing from the stream.
        var fresh = SeededGenerator(seed: 1)
        XCTAssertEqual(inference.generator.generator.next(), fresh.next())
    }

    func testTheGradientIsTheMask() {
        let dropout = Dropout(rate: 0.25)
        var generator = SeededGenerator(seed: 5)
        let input = Tensor.randomNormal([6, 7], using: &generator)
        let mask = Dropout.mask(shape: input.shape, rate: 0.25, generator: SeededGeneratorBox(seed: 9))
        XCTAssertEqual(Set(mask.scalars), [0, 1 / 0.75])
        let g = gradient(at: input) { dropout($0, in: self.training(seed: 9)).sum() }
        XCTAssertEqual(g, mask)
        XCTAssertEqual(dropout(input, in: training(seed: 9)), input.zipMap(mask, *))
        // A fresh stream per evaluation keeps the mask fixed, so finite differences apply.
        let check = GradientCheck.input(of: { dropout($0, in: self.training(seed: 9)) }, at: input)
        XCTAssertLessThan(check.relativeError, 1e-3, "\(check)")
    }
}
