import Datasets
import Experiments
import Foundation
import Metrics
import Randomness
import Reports
import StudyKit
import VAEModels

/// Figures 2 and 3 (sections 3.1.4, 3.2.4): SS_D trained on every class with every label,
/// then used as a class-conditional generator. Row r decodes class r; the columns walk the
/// 2-D latent plane over a side × side lattice of standard-normal quantiles (z₂ fastest), so
/// each row shows how the class's style varies over the prior.
struct GenerationFigure {
    /// Lattice points per latent axis; 5 × 5 = 25 images per class.
    static let latticeSide = 5

    let cell: CellConfiguration
    let parameters: AnomalyCellParameters

    /// `figure-2-mnist-generated.png`, `figure-3-fashion-mnist-generated.png`.
    static func fileName(figure: Int, dataset: String) -> String { "figure-\(figure)-\(dataset)-generated.png" }

    /// The run array of the decoded means, `[classes, codes, 784]`.
    static let arrayName = "generated"

    /// Draws the figure from a run's stored means (rows: classes; columns: lattice codes).
    static func draw(_ images: RunArray, to file: URL) throws {
        guard images.shape.count == 3, images.shape[2] == 784 else {
            throw StudyError.invalidArgument("the generated images have shape \(images.shape), not [classes, codes, 784]")
        }
        let tiles = (0..<(images.shape[0] * images.shape[1])).map { Array(images.values[($0 * 784)..<(($0 + 1) * 784)]) }
        try PNGImage.grid(values: tiles, tileWidth: 28, tileHeight: 28, columns: images.shape[1], separator: 1).write(to: file)
    }

    func run(data: ImageClassificationData, progress: CellProgress?) throws -> CellResult {
        guard parameters.figure != nil, let side = parameters.latticeSide, side >= 2 else {
            throw StudyError.invalidArgument("cell \(cell.id) lacks figure or lattice_side (≥ 2)")
        }
        let streams = RunStreams(seed: cell.seed)
        var initialisation = streams.initialisation
        var model = DenseSemiSupervisedVAE(denseVariant: .semiSupervised, classCount: data.classCount,
                                           classWeight: parameters.settings.classWeight, generator: &initialisation)
        let history = try trainSemiSupervised(&model, data: data, exampleShape: [784], labeledIndices: Array(0..<data.train.count),
                                              settings: parameters.settings, streams: streams) { log in
            progress?.epochFinished(log.epoch, of: parameters.settings.epochs)
        }
        // The decoded means, stored with the run so the figure is redrawn from results: [class, code, 784].
        let codes = latentLattice(values: standardNormalQuantiles(count: side), latentSize: model.latentSize)
        var generated: [Float] = []
        let context = BatchedInference.context()
        _ = try classConditionalGrid(latentCodes: codes, classCount: model.classCount, tileWidth: 28, tileHeight: 28) { latent, classes in
            let means = model.likelihood.mean(of: model.decode(latent: latent, classProbabilities: classes, in: context))
            generated += means.scalars
            return means
        }
        let images = RunArray(shape: [model.classCount, codes.count, 784], values: generated)
        guard let last = history.last else { throw StudyError.invalidArgument("cell \(cell.id) trained no epoch") }
        var metrics: [String: Double] = ["train_loss": last.trainLoss]
        if let accuracy = last.metrics["accuracy"] { metrics["test_accuracy"] = accuracy }
        return CellResult(metrics: metrics,
                          history: ["train_loss": history.series("train_loss"), "test_accuracy": history.series("accuracy")],
                          epochs: history.epochs.count, seeds: streams.recorded, arrays: [Self.arrayName: images])
    }
}

/// Figure 4: real Fashion-MNIST images, three consecutive rows per class, classes top to
/// bottom. The first images of each class in the test split, so the figure needs no seed.
public enum ExampleGrid {
    public static let fileName = "figure-4-fashion-mnist-examples.png"
    public static let columns = 10

    public static func write(_ images: LabeledImages, to folder: URL) throws -> URL {
        var pixels: [Float] = []
        images.fillBatch(Array(0..<images.count), into: &pixels)
        let grid = try sampleGrid(images: pixels, labels: images.labels.map(Int.init), classCount: 10, rowsPerClass: 3,
                                  columns: columns, tileWidth: 28, tileHeight: 28)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(fileName)
        try grid.write(to: url)
        return url
    }
}
