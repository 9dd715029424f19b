import Datasets
import Randomness
import Reports

/// One channel of an observation `[height, width, channels]` (or `[height, width]`) as a
/// `height · width` tile.
func observationTile<Dataset: FactorDataset>(_ dataset: Dataset, factors: [Int], channel: Int) throws -> [Float] {
    let shape = dataset.observationShape
    guard shape.count == 2 || shape.count == 3 else {
        throw ImageGridError.invalidSetting("observations of shape \(shape) are not images [height, width, channels]")
    }
    let channels = shape.count == 3 ? shape[2] : 1
    guard (0..<channels).contains(channel) else {
        throw ImageGridError.invalidSetting("channel \(channel) outside 0..<\(channels)")
    }
    let observation = dataset.observation(for: factors)
    return stride(from: channel, to: observation.count, by: channels).map { observation[$0] }
}

/// A traversal of every factor: row r varies factor r over `columns` values spread evenly over
/// its range (first to last), the other factors as in `base`; one channel of each observation
/// (Small-NORB: 0 is the left camera). Shows at a glance what each factor does.
public func factorTraversalGrid<Dataset: FactorDataset>(dataset: Dataset, base: [Int], columns: Int, channel: Int = 0,
                                                        separator: Int = 1) throws -> PNGImage {
    guard dataset.isValid(base) else {
        throw ImageGridError.invalidSetting("base factors \(base) are outside sizes \(dataset.factorSizes)")
    }
    guard columns > 1 else { throw ImageGridError.invalidSetting("a traversal needs at least two columns, got \(columns)") }
    let shape = dataset.observationShape
    return try sampleGrid(classCount: dataset.factorSizes.count, rowsPerClass: 1, columns: columns,
                          tileWidth: shape.count > 1 ? shape[1] : 0, tileHeight: shape[0],
                          separator: separator) { factor, column in
        var factors = base
        let last = dataset.factorSizes[factor] - 1
        factors[factor] = (column * last + (columns - 1) / 2) / (columns - 1)
        return try observationTile(dataset, factors: factors, channel: channel)
    }
}

/// `rows × columns` observations of uniformly drawn factor vectors, row by row, one channel each.
public func factorSampleGrid<Dataset: FactorDataset>(dataset: Dataset, rows: Int, columns: Int,
                                                     generator: inout SeededGenerator, channel: Int = 0,
                                                     separator: Int = 1) throws -> PNGImage {
    guard rows > 0, columns > 0 else { throw ImageGridError.invalidSetting("needs positive rows and columns, got \(rows), \(columns)") }
    let shape = dataset.observationShape
    let factorVectors = (0..<(rows * columns)).map { _ in dataset.randomFactors(using: &generator) }
    return try sampleGrid(classCount: rows, rowsPerClass: 1, columns: columns, tileWidth: shape.count > 1 ? shape[1] : 0,
                          tileHeight: shape[0], separator: separator) { row, column in
        try observationTile(dataset, factors: factorVectors[row * columns + column], channel: channel)
    }
}
