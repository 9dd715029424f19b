import NeuralLayers
import Reports
import TensorCore
import VAEModels

/// Why an image grid could not be made.
public enum ImageGridError: Error, Equatable, CustomStringConvertible {
    case invalidSetting(String)
    case decodedSizeMismatch(values: Int, codes: Int, tileWidth: Int, tileHeight: Int)
    case tooFewImages(classIndex: Int, available: Int, needed: Int)

    public var description: String {
        switch self {
        case .invalidSetting(let message):
            return "image grid: \(message)"
        case .decodedSizeMismatch(let values, let codes, let tileWidth, let tileHeight):
            return "image grid: the decoder gave \(values) values for \(codes) latent codes, not \(tileWidth)×\(tileHeight) per code"
        case .tooFewImages(let classIndex, let available, let needed):
            return "image grid: class \(classIndex) has \(available) images, the grid needs \(needed)"
        }
    }
}

/// Latent codes along the first axis: code i is (values[i], 0, …, 0) in `latentSize`
/// dimensions. With `standardNormalQuantiles(count:)` it spans the prior of z₁ with z₂ at its
/// mean, one grid row per class (semisupervised-vae Figures 2, 3).
public func latentLine(values: [Float], latentSize: Int) -> [[Float]] {
    precondition(latentSize >= 1, "latentLine: latent size must be positive, got \(latentSize)")
    return values.map { value in [value] + [Float](repeating: 0, count: latentSize - 1) }
}

/// The lattice values × values over (z₁, z₂), other coordinates 0, z₂ varying fastest:
/// code `i · values.count + j` is (values[i], values[j], 0, …). Laid out in one grid row it
/// shows a class's whole 2-D latent plane (Figures 2, 3 with a 2-D latent space).
public func latentLattice(values: [Float], latentSize: Int) -> [[Float]] {
    precondition(latentSize >= 2, "latentLattice: needs a latent size of at least 2, got \(latentSize)")
    let rest = [Float](repeating: 0, count: latentSize - 2)
    return values.flatMap { first in values.map { second in [first, second] + rest } }
}

/// A grid of generated images, one row per class and one column per latent code: tile
/// (r, c) shows `decodeMeans(z_c, one-hot(r))` (semisupervised-vae Figures 2, 3, sections
/// 3.1.4, 3.2.4). The decoder is a closure so the layout can be tested without a model.
///
/// - Parameters:
///   - latentCodes: the codes z_c, all of one length (`latentSize`).
///   - classCount: the number of rows; class r is decoded for row r, in order.
///   - tileWidth, tileHeight: the image size; each decoded row must hold `tileWidth · tileHeight` values.
///   - separator: pixels of white between tiles.
///   - decodeMeans: `([codes, latentSize], [codes, classCount]) → [codes, ...]`, intensities
///     in [0, 1] (clamped; NaN shows black, as `PNGImage` maps them). Called once per class, in class order.
/// - Returns: a `(classCount · tileHeight + separators) × (codes · tileWidth + separators)` image.
public func classConditionalGrid(
    latentCodes: [[Float]], classCount: Int, tileWidth: Int, tileHeight: Int, separator: Int = 1,
    decodeMeans: (_ latent: Tensor, _ classProbabilities: Tensor) throws -> Tensor
) throws -> PNGImage {
    guard let latentSize = latentCodes.first?.count, latentSize > 0 else {
        throw ImageGridError.invalidSetting("needs at least one non-empty latent code")
    }
    guard latentCodes.allSatisfy({ $0.count == latentSize }) else {
        throw ImageGridError.invalidSetting("latent codes differ in length")
    }
    guard classCount > 0 else { throw ImageGridError.invalidSetting("needs at least one class, got \(classCount)") }
    let codes = latentCodes.count
    let tileSize = tileWidth * tileHeight
    let latent = Tensor(shape: [codes, latentSize], scalars: latentCodes.flatMap { $0 })
    var tiles = [[Float]]()
    tiles.reserveCapacity(codes * classCount)
    for classIndex in 0..<classCount {
        var oneHot = [Float](repeating: 0, count: codes * classCount)
        for code in 0..<codes { oneHot[code * classCount + classIndex] = 1 }
        let means = try decodeMeans(latent, Tensor(shape: [codes, classCount], scalars: oneHot))
        guard means.rows == codes, means.count == codes * tileSize else {
            throw ImageGridError.decodedSizeMismatch(values: means.count, codes: codes,
                                                     tileWidth: tileWidth, tileHeight: tileHeight)
        }
        for code in 0..<codes { tiles.append(Array(means.scalars[(code * tileSize)..<((code + 1) * tileSize)])) }
    }
    return try PNGImage.grid(values: tiles, tileWidth: tileWidth, tileHeight: tileHeight, columns: codes,
                             separator: separator)
}

/// The generation figure of a trained SS model (Figures 2, 3): row r decodes every code z_c
/// with class probabilities one-hot(r) through `model.decode(latent:classProbabilities:in:)`
/// in inference mode and shows the likelihood's mean (sigmoid of the logits for Bernoulli).
///
/// - Parameters: as the closure form; `latentCodes` are `[codes][model.latentSize]`, and
///   `tileWidth · tileHeight` must equal the decoder's output features (single channel).
public func classConditionalGrid<Model: LatentVariableModel>(
    model: Model, latentCodes: [[Float]], tileWidth: Int, tileHeight: Int,
    separator: Int = 1
) throws -> PNGImage {
    guard model.decoderReadsClasses else {
        throw ImageGridError.invalidSetting("model \(model.structureName) does not decode class probabilities; class-conditional generation needs SS")
    }
    guard latentCodes.allSatisfy({ $0.count == model.latentSize }) else {
        throw ImageGridError.invalidSetting("latent codes must have the model's latent size \(model.latentSize)")
    }
    let context = ForwardContext(phase: .inference, generator: SeededGeneratorBox(seed: 0))
    return try classConditionalGrid(latentCodes: latentCodes, classCount: model.classCount, tileWidth: tileWidth,
                                    tileHeight: tileHeight, separator: separator) { latent, probabilities in
        model.likelihood.mean(of: model.decode(latent: latent, classProbabilities: probabilities, in: context))
    }
}

/// The generation figure with codes along z₁ only: column c decodes (latentValues[c], 0, …)
/// (e.g. `standardNormalQuantiles(count: 10)`), one row per class of `model`.
public func classConditionalGrid<Model: LatentVariableModel>(
    model: Model, latentValues: [Float], tileWidth: Int, tileHeight: Int,
    separator: Int = 1
) throws -> PNGImage {
    try classConditionalGrid(model: model, latentCodes: latentLine(values: latentValues, latentSize: model.latentSize),
                             tileWidth: tileWidth, tileHeight: tileHeight, separator: separator)
}

/// A grid of real images by class, `rowsPerClass` consecutive rows of `columns` images per
/// class, classes top to bottom (semisupervised-vae Figure 4: three rows per Fashion-MNIST class).
///
/// - Parameters:
///   - image: `(classIndex, position) → [tileWidth · tileHeight]` intensities in [0, 1], for
///     positions `0..<rowsPerClass · columns` of each class, read row by row.
/// - Returns: a `(classCount · rowsPerClass)`-row, `columns`-column grid of tiles.
public func sampleGrid(classCount: Int, rowsPerClass: Int = 3, columns: Int, tileWidth: Int, tileHeight: Int,
                       separator: Int = 1, image: (_ classIndex: Int, _ position: Int) throws -> [Float]) throws -> PNGImage {
    guard classCount > 0, rowsPerClass > 0, columns > 0 else {
        throw ImageGridError.invalidSetting("needs positive class count, rows per class and columns, got \(classCount), \(rowsPerClass), \(columns)")
    }
    var tiles = [[Float]]()
    tiles.reserveCapacity(classCount * rowsPerClass * columns)
    for classIndex in 0..<classCount {
        for position in 0..<(rowsPerClass * columns) { tiles.append(try image(classIndex, position)) }
    }
    return try PNGImage.grid(values: tiles, tileWidth: tileWidth, tileHeight: tileHeight, columns: columns,
                             separator: separator)
}

/// Figure 4 from a labeled set: for each class, its first `rowsPerClass · columns` images in
/// the order given (shuffle the set first for a random selection).
///
/// - Parameters:
///   - images: `n` images of `tileWidth · tileHeight` intensities in [0, 1], one after another.
///   - labels: `[n]` classes in `0..<classCount`.
/// - Throws: `ImageGridError.tooFewImages` when a class has fewer images than its rows need.
public func sampleGrid(images: [Float], labels: [Int], classCount: Int, rowsPerClass: Int = 3, columns: Int,
                       tileWidth: Int, tileHeight: Int, separator: Int = 1) throws -> PNGImage {
    let tileSize = tileWidth * tileHeight
    guard tileSize > 0, images.count == labels.count * tileSize else {
        throw ImageGridError.invalidSetting("\(images.count) values are not \(labels.count) images of \(tileWidth)×\(tileHeight)")
    }
    guard classCount > 0 else { throw ImageGridError.invalidSetting("needs at least one class, got \(classCount)") }
    var indicesByClass = [[Int]](repeating: [], count: classCount)
    for (index, label) in labels.enumerated() {
        guard (0..<classCount).contains(label) else {
            throw ImageGridError.invalidSetting("label \(label) of image \(index) is outside 0..<\(classCount)")
        }
        indicesByClass[label].append(index)
    }
    let needed = rowsPerClass * columns
    for (classIndex, indices) in indicesByClass.enumerated() where indices.count < needed {
        throw ImageGridError.tooFewImages(classIndex: classIndex, available: indices.count, needed: needed)
    }
    return try sampleGrid(classCount: classCount, rowsPerClass: rowsPerClass, columns: columns, tileWidth: tileWidth,
                          tileHeight: tileHeight, separator: separator) { classIndex, position in
        let index = indicesByClass[classIndex][position]
        return Array(images[(index * tileSize)..<((index + 1) * tileSize)])
    }
}
