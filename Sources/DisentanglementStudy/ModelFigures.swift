import Datasets
import Experiments
import Foundation
import Metrics
import Randomness
import Reports
import StudyKit
import TensorCore
import VAEModels

/// The pictures of a trained model, kept with its run so the report redraws them from results:
/// reconstructions of rendered observations and latent traversals (one row per latent dimension).
///
/// Arrays (channel 0 of every image: Small-NORB's left camera):
/// - `reconstructions` `[2, 8, H·W]`: eight observations, then their reconstructions (the
///   Bernoulli means decoded from z = μ(x));
/// - `traversals` `[latent, 6, (H/2)·(W/2)]`: from μ of the first observation, dimension d set
///   to the standard-normal quantiles Φ⁻¹((i + ½)/6) in turn, decoded; images averaged over 2×2
///   blocks so the array stays under the 1 MiB committed to results/;
/// - `latent_kl` `[latent]`: each dimension's mean KL(q(z_d | x) ‖ N(0, 1)) over 256 observations
///   (a collapsed dimension has KL near 0 and its traversal row shows no change).
enum ModelFigures {
    static let reconstructionCount = 8
    static let traversalSteps = 6
    static let klObservations = 256

    static func arrays<Dataset: FactorDataset>(model: FactorConvolutionalVAE, dataset: Dataset,
                                               generator: inout SeededGenerator) -> [String: RunArray] {
        let context = BatchedInference.context()
        let shape = dataset.observationShape
        let (height, width, channels) = (shape[0], shape[1], shape[2])
        func firstChannel(_ values: [Float]) -> [Float] { stride(from: 0, to: values.count, by: channels).map { values[$0] } }

        let shown = (0..<reconstructionCount).map { _ in dataset.randomFactors(using: &generator) }
        let inputs = Tensor(shape: [reconstructionCount] + shape, scalars: dataset.observations(for: shown))
        let (mean, _, _) = model.encode(inputs, in: context)
        let decoded = model.likelihood.mean(of: model.decode(latent: mean, classProbabilities: nil, in: context))
        let reconstructions = RunArray(shape: [2, reconstructionCount, height * width],
                                       values: firstChannel(inputs.scalars) + firstChannel(decoded.scalars))

        let latent = model.latentSize
        let base = Array(mean.scalars[0..<latent])
        let steps = standardNormalQuantiles(count: traversalSteps)
        var codes: [Float] = []
        for dimension in 0..<latent {
            for value in steps {
                var code = base
                code[dimension] = value
                codes += code
            }
        }
        let traversed = model.likelihood.mean(of: model.decode(latent: Tensor(shape: [latent * traversalSteps, latent], scalars: codes),
                                                               classProbabilities: nil, in: context))
        let imageSize = height * width * channels
        var thumbnails: [Float] = []
        for image in 0..<(latent * traversalSteps) {
            let pixels = firstChannel(Array(traversed.scalars[(image * imageSize)..<((image + 1) * imageSize)]))
            thumbnails += halved(pixels, height: height, width: width)
        }
        let traversals = RunArray(shape: [latent, traversalSteps, (height / 2) * (width / 2)], values: thumbnails)

        let sample = (0..<klObservations).map { _ in dataset.randomFactors(using: &generator) }
        var kl = [Double](repeating: 0, count: latent)
        BatchedInference.forEachChunk(of: dataset.observations(for: sample), exampleShape: shape, chunk: 64) { _, chunk in
            let (mu, logVariance, _) = model.encode(chunk, in: context)
            for row in 0..<chunk.rows {
                for d in 0..<latent {
                    let m = Double(mu.scalars[row * latent + d]), v = Double(logVariance.scalars[row * latent + d])
                    kl[d] += 0.5 * (m * m + exp(v) - 1 - v)
                }
            }
        }
        let latentKL = RunArray(shape: [latent], values: kl.map { Float($0 / Double(klObservations)) })
        return ["reconstructions": reconstructions, "traversals": traversals, "latent_kl": latentKL]
    }

    /// The image at half resolution, each pixel the mean of a 2×2 block.
    static func halved(_ pixels: [Float], height: Int, width: Int) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity((height / 2) * (width / 2))
        for row in stride(from: 0, to: height - 1, by: 2) {
            for column in stride(from: 0, to: width - 1, by: 2) {
                out.append((pixels[row * width + column] + pixels[row * width + column + 1]
                            + pixels[(row + 1) * width + column] + pixels[(row + 1) * width + column + 1]) / 4)
            }
        }
        return out
    }

    /// The reconstruction grid: the observations in the top row, reconstructions below.
    static func drawReconstructions(_ array: RunArray, to file: URL) throws {
        guard array.shape.count == 3, array.shape[0] == 2 else {
            throw StudyError.invalidArgument("reconstructions have shape \(array.shape), not [2, n, pixels]")
        }
        let side = Int(Double(array.shape[2]).squareRoot())
        let tiles = (0..<(2 * array.shape[1])).map { Array(array.values[($0 * array.shape[2])..<(($0 + 1) * array.shape[2])]) }
        try PNGImage.grid(values: tiles, tileWidth: side, tileHeight: side, columns: array.shape[1], separator: 2).write(to: file)
    }

    /// The traversal grid, rows ordered by `order` (latent dimensions).
    static func drawTraversals(_ array: RunArray, order: [Int], to file: URL) throws {
        guard array.shape.count == 3 else {
            throw StudyError.invalidArgument("traversals have shape \(array.shape), not [latent, steps, pixels]")
        }
        let (steps, pixels) = (array.shape[1], array.shape[2])
        let side = Int(Double(pixels).squareRoot())
        var tiles: [[Float]] = []
        for dimension in order {
            for step in 0..<steps {
                let start = (dimension * steps + step) * pixels
                tiles.append(Array(array.values[start..<(start + pixels)]))
            }
        }
        try PNGImage.grid(values: tiles, tileWidth: side, tileHeight: side, columns: steps, separator: 1).write(to: file)
    }
}
