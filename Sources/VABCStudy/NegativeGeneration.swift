/// The negative generation error (vabc VI-A) and the two quality numbers beside it (ours, not
/// the paper's): decode N prior samples z ~ N(0, I), let the judge classify each decoded image,
/// and count.
public struct NegativeGeneration: Equatable, Sendable {
    /// The share of samples judged to be the negative digit (the paper's NGE, in [0, 1]).
    public let error: Double
    /// The share of samples judged as each digit 0...9 (sums to 1).
    public let classShares: [Double]
    /// The share of samples whose judged class has probability ≥ `confidenceLevel`.
    public let confidentShare: Double
    public let sampleCount: Int
    public static let confidenceLevel = 0.9

    /// `probabilities`: the judge's `[count · classCount]` class probabilities of the samples.
    public init(probabilities: [Float], classCount: Int, negativeClass: Int) {
        let judged = Self.judgedClasses(probabilities: probabilities, classCount: classCount)
        precondition(!judged.isEmpty, "NegativeGeneration: no samples were judged")
        precondition((0..<classCount).contains(negativeClass), "NegativeGeneration: negative class \(negativeClass) outside 0..<\(classCount)")
        var counts = [Int](repeating: 0, count: classCount)
        var confident = 0
        for sample in judged {
            counts[sample.digit] += 1
            if Double(sample.probability) >= Self.confidenceLevel { confident += 1 }
        }
        let n = Double(judged.count)
        sampleCount = judged.count
        error = Double(counts[negativeClass]) / n
        classShares = counts.map { Double($0) / n }
        confidentShare = Double(confident) / n
    }

    /// The most probable class of each sample and its probability (ties go to the lower class).
    public static func judgedClasses(probabilities: [Float], classCount: Int) -> [(digit: Int, probability: Float)] {
        precondition(classCount > 0 && probabilities.count % classCount == 0,
                     "NegativeGeneration: \(probabilities.count) probabilities are not rows of \(classCount) classes")
        return stride(from: 0, to: probabilities.count, by: classCount).map { start in
            var best = 0
            for c in 1..<classCount where probabilities[start + c] > probabilities[start + best] { best = c }
            return (best, probabilities[start + best])
        }
    }
}
