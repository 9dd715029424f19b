/// Small-NORB as a factor data set: factors category, instance, elevation, azimuth, lighting
/// (`SmallNORB.factorNames`), observation the stereo pair (96, 96, 2) looked up by its factors,
/// intensities byte/255.
///
/// Each factor's values are those present in the files, in ascending order, and factor index i
/// names the i-th of them (`factorValues`). With the official files that gives sizes
/// [5, 5, 9, 18, 6] for one split (the training split holds instances 4, 6, 7, 8, 9 of each
/// category, the test split 0, 1, 2, 3, 5) and [5, 10, 9, 18, 6] for both together, as
/// disentanglement_lib uses them. The instance is not a latent factor (as in
/// disentanglement_lib): a metric draws it at random and never holds it fixed.
public struct SmallNORBFactors: FactorDataset, Sendable {
    /// The splits the observations come from.
    public let splits: [SmallNORB]
    /// For each factor, the file values its indices stand for (azimuth as stored by `SmallNORB`: 0...17).
    public let factorValues: [[Int32]]
    public let factorSizes: [Int]
    public var factorNames: [String] { SmallNORB.factorNames }
    /// Category, elevation, azimuth, lighting; the instance (factor 1) is a nuisance.
    public var latentFactorIndices: [Int] { [0, 2, 3, 4] }
    public var observationShape: [Int] { SmallNORB.imageShape }
    /// (split, example) of each combination, in `combinationIndex` order.
    let examples: [(split: Int, example: Int)]

    /// Indexes the examples of `splits` by their factors.
    ///
    /// - Throws: `DatasetError.invalidRequest` when the splits hold no example, or when the
    ///   values present do not form a complete grid with every combination exactly once (the
    ///   official files do; a partial or duplicated set cannot be sampled factor by factor).
    public init(_ splits: [SmallNORB]) throws {
        let all = splits.flatMap(\.factors)
        guard !all.isEmpty else { throw DatasetError.invalidRequest("Small-NORB factors: no examples given") }
        let values = (0..<5).map { k in Array(Set(all.map { $0.values[k] })).sorted() }
        let sizes = values.map(\.count)
        let combinations = sizes.reduce(1, *)
        guard all.count == combinations else {
            throw DatasetError.invalidRequest(
                "Small-NORB factors: \(all.count) examples, but the factor values present (sizes \(sizes)) make \(combinations) combinations; every combination must appear exactly once")
        }
        let positions = values.map { list in Dictionary(uniqueKeysWithValues: list.enumerated().map { ($1, $0) }) }
        var examples = [(split: Int, example: Int)?](repeating: nil, count: combinations)
        for (splitIndex, split) in splits.enumerated() {
            for (exampleIndex, factors) in split.factors.enumerated() {
                // Mixed radix over the factor indices, last factor fastest (`combinationIndex`).
                var index = 0
                for (k, value) in factors.values.enumerated() { index = index * sizes[k] + positions[k][value]! }
                if let earlier = examples[index] {
                    throw DatasetError.invalidRequest(
                        "Small-NORB factors: examples \(earlier.example) (split \(earlier.split)) and \(exampleIndex) (split \(splitIndex)) share factors \(factors.values)")
                }
                examples[index] = (splitIndex, exampleIndex)
            }
        }
        self.splits = splits
        self.factorValues = values
        self.factorSizes = sizes
        self.examples = examples.map { $0! }
    }

    /// Where the example with `factors` (indices) is: its split and position in that split.
    public func example(for factors: [Int]) -> (split: Int, example: Int) {
        examples[combinationIndex(of: factors)]
    }

    public func writeObservation(for factors: [Int], into buffer: UnsafeMutableBufferPointer<Float>) {
        let (split, example) = example(for: factors)
        splits[split].fillBatch([example], into: buffer)
    }
}
