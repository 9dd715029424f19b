import Datasets
import Experiments
import Randomness
import XCTest
@testable import AnoDMStudy

/// The CIFAR-10 and Small-NORB cells (absent data on the machines the reports are drawn on) run
/// through the same cell code as MNIST: Table 3's network for their image shape, training on the
/// normal classes, every score. Random images stand in for the data sets; the loaders are tested
/// on files in the real formats in DatasetsTests.
final class AnoDMTableThreeNetworksTests: XCTestCase {
    private func randomImages(count: Int, shape: [Int], classCount: Int, seed: UInt64) -> LabeledImages {
        var generator = SeededGenerator(seed: seed)
        let size = shape.reduce(1, *)
        return LabeledImages(pixels: (0..<(count * size)).map { _ in UInt8.random(in: 0...255, using: &generator) },
                             labels: (0..<count).map { Int32($0 % classCount) }, shape: shape)
    }

    func testCIFARAndSmallNORBCellsTrainAndScoreEveryTestImage() throws {
        for dataset in [AnoDMDataset.cifar10, .smallNORB] {
            var cell = try XCTUnwrap(AnoDMCells(plan: AnoDMProfilePlan(.smoke)).cells().first { $0.dataset == dataset.rawValue })
            cell.hyperparameters["train_images"] = .number(200)
            cell.hyperparameters["test_images"] = .number(100)
            cell.hyperparameters["map_training_points"] = .number(60)
            cell.hyperparameters["tsne_iterations"] = .number(250)
            let shape = dataset.architecture.imageShape
            let images = (train: randomImages(count: 300, shape: shape, classCount: dataset.classCount, seed: 1),
                          test: randomImages(count: 150, shape: shape, classCount: dataset.classCount, seed: 2))
            let result = try AnoDMCells.run(cell, images: images)
            let anomalous = 100 / dataset.classCount
            XCTAssertEqual(result.metrics["anomalous_test_images"], Double(anomalous), dataset.rawValue)
            XCTAssertEqual(result.metrics["normal_test_images"], Double(100 - anomalous), dataset.rawValue)
            XCTAssertEqual(result.metrics["normal_train_images"], Double(200 - 200 / dataset.classCount), dataset.rawValue)
            for key in ["auroc_reconstruction", "auroc_tsne_k1", "auroc_latent_distance", "auroc_mu_alpha_0.5", "auroc_z_alpha_0.5"] {
                let value = try XCTUnwrap(result.metrics[key], "\(dataset.rawValue) \(key)")
                XCTAssertTrue((0...1).contains(value), "\(dataset.rawValue) \(key) = \(value)")
            }
            XCTAssertTrue(try XCTUnwrap(result.metrics["train_loss"]).isFinite)
            XCTAssertEqual(result.arrays["map"]?.shape, [60 + 100, 2])
        }
    }
}
