import Randomness

/// The data splits the three papers need, all drawn from a `SeededGenerator` so a seed fixes them.
public enum Splits {
    /// `count` labeled examples among `candidates` (indices into `labels`).
    ///
    /// Class-balanced by default (count / classes per class, the remainder going to the lowest
    /// classes), the usual protocol for "100 labels" on MNIST since Kingma et al. 2014 (10 per
    /// digit); the semi-supervised paper does not say, and with 100 labels an unbalanced draw
    /// could leave a class with 3 examples. `balanced: false` draws uniformly. Returned indices
    /// are in random order.
    public static func labeledSubset(labels: [Int32], candidates: [Int]? = nil, count: Int, balanced: Bool = true,
                                     generator: inout SeededGenerator) throws -> [Int] {
        let pool = candidates ?? Array(labels.indices)
        guard count <= pool.count else {
            throw DatasetError.invalidRequest("asked for \(count) labeled examples, only \(pool.count) available")
        }
        guard balanced else {
            var shuffled = pool
            generator.shuffle(&shuffled)
            return Array(shuffled.prefix(count))
        }
        let classes = Array(Set(pool.map { labels[$0] })).sorted()
        var chosen = [Int]()
        for (k, c) in classes.enumerated() {
            let quota = count / classes.count + (k < count % classes.count ? 1 : 0)
            var members = pool.filter { labels[$0] == c }
            guard quota <= members.count else {
                throw DatasetError.invalidRequest("class \(c) has \(members.count) examples, a balanced draw of \(count) needs \(quota)")
            }
            generator.shuffle(&members)
            chosen += members.prefix(quota)
        }
        generator.shuffle(&chosen)
        return chosen
    }

    /// A share of every class: round(fraction · n_c) of the n_c examples of class c, at least
    /// one, drawn without replacement, in a shuffled order. Table 6's label fractions (a
    /// balanced count as `labeledSubset` draws is impossible at 99 % when the classes differ in size).
    public static func stratifiedSubset(labels: [Int32], fraction: Double,
                                        generator: inout SeededGenerator) throws -> [Int] {
        guard fraction > 0, fraction <= 1 else {
            throw DatasetError.invalidRequest("a stratified subset needs a fraction in (0, 1], got \(fraction)")
        }
        var chosen = [Int]()
        for c in Array(Set(labels)).sorted() {
            var members = labels.indices.filter { labels[$0] == c }
            generator.shuffle(&members)
            chosen += members.prefix(max(1, Int((fraction * Double(members.count)).rounded())))
        }
        generator.shuffle(&chosen)
        return chosen
    }

    /// One class held out as anomalous: train on the other classes, test on every test point.
    public struct AnomalySplit: Sendable {
        public var anomalousClass: Int32
        /// Training indices of the normal classes.
        public var train: [Int]
        /// All test indices (0..<test count).
        public var test: [Int]
        /// For each entry of `test`, whether it belongs to the held-out class.
        public var testIsAnomalous: [Bool]
    }

    public static func holdOutClass(_ anomalousClass: Int32, trainLabels: [Int32], testLabels: [Int32]) -> AnomalySplit {
        AnomalySplit(anomalousClass: anomalousClass,
                     train: trainLabels.indices.filter { trainLabels[$0] != anomalousClass },
                     test: Array(testLabels.indices),
                     testIsAnomalous: testLabels.map { $0 == anomalousClass })
    }

    /// How V-ABC's unwanted examples are picked among the negatives.
    public enum UnwantedSelection: Sendable {
        /// Exactly round(p × negatives), a random subset: the sizes are fixed by p.
        case exactCount
        /// Each negative independently with probability p. Table I's counts (e.g. 672 of 6,742
        /// ones at p = 0.1, where p × n = 674.2) match no rounding of p × n but lie within about
        /// one binomial standard deviation of it, so this is what the paper's code appears to do.
        case bernoulli
    }

    /// V-ABC's negative-unlabeled folds (vabc.txt section V-A): the unwanted fold (y = 0) is a
    /// proportion p of the negative examples; the unlabeled fold (y = 1) is everything else.
    public struct NegativeUnlabeledFolds: Sendable {
        public var unlabeled: [Int]
        public var unwanted: [Int]
        public var positiveCount: Int
        public var negativeCount: Int
        /// y per example: 1 unlabeled, 0 unwanted.
        public func y(count: Int) -> [Int32] {
            var y = [Int32](repeating: 1, count: count)
            for i in unwanted { y[i] = 0 }
            return y
        }
    }

    public static func negativeUnlabeled(isNegative: [Bool], unwantedProportion p: Double,
                                         selection: UnwantedSelection = .exactCount,
                                         generator: inout SeededGenerator) -> NegativeUnlabeledFolds {
        precondition(p >= 0 && p <= 1, "unwanted proportion \(p) outside [0, 1]")
        let negatives = isNegative.indices.filter { isNegative[$0] }
        var unwanted: [Int]
        switch selection {
        case .exactCount:
            var shuffled = negatives
            generator.shuffle(&shuffled)
            unwanted = Array(shuffled.prefix(Int((p * Double(negatives.count)).rounded())))
        case .bernoulli:
            unwanted = negatives.filter { _ in generator.uniformDouble() < p }
        }
        unwanted.sort()
        let unwantedSet = Set(unwanted)
        return NegativeUnlabeledFolds(unlabeled: isNegative.indices.filter { !unwantedSet.contains($0) },
                                      unwanted: unwanted,
                                      positiveCount: isNegative.count - negatives.count, negativeCount: negatives.count)
    }

    /// V-ABC's folds for a labeled set with `negativeClass` as the negative concept.
    public static func negativeUnlabeled(labels: [Int32], negativeClass: Int32, unwantedProportion p: Double,
                                         selection: UnwantedSelection = .exactCount,
                                         generator: inout SeededGenerator) -> NegativeUnlabeledFolds {
        negativeUnlabeled(isNegative: labels.map { $0 == negativeClass }, unwantedProportion: p,
                          selection: selection, generator: &generator)
    }
}
