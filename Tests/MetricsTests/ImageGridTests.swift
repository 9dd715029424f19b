import Foundation
import Metrics
import NeuralLayers
import Randomness
import Reports
import TensorCore
import VAEModels
import XCTest

/// The generation figures (Figures 2, 3) and the sample figure (Figure 4).
final class ImageGridTests: XCTestCase {
    func testClassConditionalGridDecodesClassRForRowR() throws {
        // A fake decoder: every pixel of tile (class r, code c) is (r + z₁ / 10) / 4, so the
        // grid's bytes reveal which class and code each tile came from.
        var calls = [[Float]]()
        let codes: [[Float]] = [[0, 0], [1, 0], [2, 0]]
        let grid = try classConditionalGrid(latentCodes: codes, classCount: 4, tileWidth: 2, tileHeight: 3,
                                            separator: 1) { latent, probabilities in
            XCTAssertEqual(latent.shape, [3, 2])
            XCTAssertEqual(probabilities.shape, [3, 4])
            calls.append(probabilities.scalars)
            let classIndex = Float(probabilities.scalars.firstIndex(of: 1)!)
            return Tensor(shape: [3, 6], unsafeUninitialized: { out in
                for code in 0..<3 {
                    for k in 0..<6 { out[code * 6 + k] = (classIndex + latent.scalars[code * 2] / 10) / 4 }
                }
            })
        }
        XCTAssertEqual(calls.count, 4, "one decode per class")
        for (classIndex, call) in calls.enumerated() {
            let oneHot = (0..<4).map { Float($0 == classIndex ? 1 : 0) }
            XCTAssertEqual(call, oneHot + oneHot + oneHot, "call \(classIndex) decodes class \(classIndex)")
        }
        XCTAssertEqual(grid.width, 3 * 2 + 2)
        XCTAssertEqual(grid.height, 4 * 3 + 3)
        for row in 0..<4 {
            for column in 0..<3 {
                let expected = PNGImage.byte((Float(row) + Float(column) / 10) / 4)
                XCTAssertEqual(grid[row * 4, column * 3], expected, "tile (\(row), \(column)) top left")
                XCTAssertEqual(grid[row * 4 + 2, column * 3 + 1], expected, "tile (\(row), \(column)) bottom right")
            }
        }
        XCTAssertEqual(grid[3, 0], 255, "separator rows are white")
        XCTAssertEqual(grid[0, 2], 255, "separator columns are white")
    }

    func testModelGridShowsSigmoidOfTheDecoderOutput() throws {
        var generator = SeededGenerator(seed: 3)
        let model = DenseSemiSupervisedVAE(denseVariant: .semiSupervised, inputSize: 12, hiddenSize: 8, latentSize: 2,
                                           classCount: 3, generator: &generator)
        let values: [Float] = [-1, 0.5]
        let grid = try classConditionalGrid(model: model, latentValues: values, tileWidth: 4, tileHeight: 3, separator: 0)
        XCTAssertEqual(grid.width, 2 * 4)
        XCTAssertEqual(grid.height, 3 * 3)
        let context = ForwardContext(phase: .inference, generator: SeededGeneratorBox(seed: 0))
        for classIndex in 0..<3 {
            for (column, value) in values.enumerated() {
                let latent = Tensor(shape: [1, 2], scalars: [value, 0])
                let oneHot = Tensor(shape: [1, 3], scalars: (0..<3).map { Float($0 == classIndex ? 1 : 0) })
                let logits = model.decode(latent: latent, classProbabilities: oneHot, in: context).scalars
                for pixel in 0..<12 {
                    let expected = PNGImage.byte(1 / (1 + exp(-logits[pixel])))
                    XCTAssertEqual(grid[classIndex * 3 + pixel / 4, column * 4 + pixel % 4], expected,
                                   "class \(classIndex), code \(column), pixel \(pixel)")
                }
            }
        }
        var other = SeededGenerator(seed: 3)
        let unsupervised = DenseSemiSupervisedVAE(denseVariant: .unsupervisedVAE, inputSize: 12, hiddenSize: 8,
                                                  latentSize: 2, classCount: 3, generator: &other)
        XCTAssertThrowsError(try classConditionalGrid(model: unsupervised, latentValues: values, tileWidth: 4, tileHeight: 3))
        XCTAssertThrowsError(try classConditionalGrid(model: model, latentValues: values, tileWidth: 5, tileHeight: 3)) {
            XCTAssertEqual($0 as? ImageGridError, .decodedSizeMismatch(values: 24, codes: 2, tileWidth: 5, tileHeight: 3))
        }
    }

    func testLatentCodes() {
        XCTAssertEqual(latentLine(values: [-1, 2], latentSize: 3), [[-1, 0, 0], [2, 0, 0]])
        XCTAssertEqual(latentLattice(values: [-1, 2], latentSize: 2), [[-1, -1], [-1, 2], [2, -1], [2, 2]])
    }

    func testStandardNormalQuantiles() {
        XCTAssertEqual(standardNormalQuantile(0.5), 0, accuracy: 1e-15)
        XCTAssertEqual(standardNormalQuantile(0.975), 1.959963984540054, accuracy: 1e-12)
        XCTAssertEqual(standardNormalQuantile(0.01), -2.3263478740408408, accuracy: 1e-12)
        XCTAssertEqual(standardNormalQuantile(1e-6), -4.753424308822899, accuracy: 1e-10)
        XCTAssertEqual(standardNormalQuantile(0.8413447460685429), 1, accuracy: 1e-12)
        let five = standardNormalQuantiles(count: 5)
        XCTAssertEqual(five.count, 5)
        XCTAssertEqual(five[2], 0)
        XCTAssertEqual(five[0], -five[4], accuracy: 1e-6)
        XCTAssertEqual(five[3], Float(standardNormalQuantile(0.7)))
        XCTAssertEqual(Double(five[4]), 1.2815515655446004, accuracy: 1e-6)
    }

    func testSampleGridPutsRowsPerClassInClassOrder() throws {
        // 3 classes, 2 columns, 2 rows per class: class c's images have value (c·10 + position) / 50.
        var images = [Float]()
        var labels = [Int]()
        for position in 0..<5 {
            for classIndex in [2, 0, 1] {
                images += [Float](repeating: Float(classIndex * 10 + position) / 50, count: 6)
                labels.append(classIndex)
            }
        }
        let grid = try sampleGrid(images: images, labels: labels, classCount: 3, rowsPerClass: 2, columns: 2,
                                  tileWidth: 3, tileHeight: 2, separator: 1)
        XCTAssertEqual(grid.width, 2 * 3 + 1)
        XCTAssertEqual(grid.height, 6 * 2 + 5)
        for classIndex in 0..<3 {
            for position in 0..<4 {
                let row = classIndex * 2 + position / 2
                let column = position % 2
                XCTAssertEqual(grid[row * 3 + 1, column * 4 + 2], PNGImage.byte(Float(classIndex * 10 + position) / 50),
                               "class \(classIndex), position \(position)")
            }
        }
        XCTAssertThrowsError(try sampleGrid(images: images, labels: labels, classCount: 3, rowsPerClass: 3, columns: 2,
                                            tileWidth: 3, tileHeight: 2)) {
            XCTAssertEqual($0 as? ImageGridError, .tooFewImages(classIndex: 0, available: 5, needed: 6))
        }
        XCTAssertThrowsError(try sampleGrid(images: images, labels: labels.map { $0 + 1 }, classCount: 3, columns: 1,
                                            tileWidth: 3, tileHeight: 2))
    }

    func testGridSurvivesAPNGRoundTrip() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("MetricsTests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let grid = try sampleGrid(classCount: 10, rowsPerClass: 3, columns: 4, tileWidth: 5, tileHeight: 5) { classIndex, position in
            (0..<25).map { Float((classIndex * 31 + position * 7 + $0) % 17) / 16 }
        }
        XCTAssertEqual(grid.width, 4 * 5 + 3)
        XCTAssertEqual(grid.height, 30 * 5 + 29)
        let file = folder.appendingPathComponent("figure4.png")
        try grid.write(to: file)
        XCTAssertEqual(try PNGImage.read(from: file), grid)
    }
}
