import Randomness

/// The two train/test splits of the heartbeat set the ECG section offers.
///
/// - `stratified`: the published set's sizes, 87,554 training and 21,892 test beats, drawn at
///   random per class so each class keeps its share. The published split itself was random and
///   came without its seed, so it cannot be recovered; this one is seeded and recorded instead.
/// - `interPatient`: de Chazal, O'Dwyer & Reilly (2004)'s DS1/DS2 records: training and test
///   beats come from different patients. A random beat-level split puts beats of one patient on
///   both sides; this one does not. Not used by the paper.
public enum HeartbeatSplit: String, Codable, CaseIterable, Sendable {
    case stratified
    case interPatient = "inter-patient"

    /// The published set's training size (Kachuee et al. 2018: mitbih_train.csv) out of its
    /// 109,446 beats; a smaller set is split in the same proportion.
    public static let publishedTrainCount = 87_554
    public static let publishedCount = 109_446

    /// de Chazal et al. (2004), Table 1: the 22 training records (DS1).
    public static let ds1 = [101, 106, 108, 109, 112, 114, 115, 116, 118, 119, 122, 124, 201, 203, 205, 207, 208, 209,
                             215, 220, 223, 230]
    /// de Chazal et al. (2004), Table 1: the 22 test records (DS2).
    public static let ds2 = [100, 103, 105, 111, 113, 117, 121, 123, 200, 202, 210, 212, 213, 214, 219, 221, 222, 228,
                             231, 232, 233, 234]
    /// The records with paced beats, in neither DS1 nor DS2 (AAMI EC57 excludes them).
    public static let pacedRecords = [102, 104, 107, 217]
}

extension Heartbeats {
    /// Indices of training and test beats under `split`; `generator` draws the stratified split
    /// (the inter-patient split draws nothing).
    public func splitIndices(_ split: HeartbeatSplit, generator: inout SeededGenerator) -> (train: [Int], test: [Int]) {
        switch split {
        case .stratified:
            let size = count * HeartbeatSplit.publishedTrainCount / HeartbeatSplit.publishedCount
            let train = stratifiedSample(Array(0..<count), size: size, generator: &generator)
            var isTrain = [Bool](repeating: false, count: count)
            for index in train { isTrain[index] = true }
            return (train, (0..<count).filter { !isTrain[$0] })
        case .interPatient:
            let ds1 = Set(HeartbeatSplit.ds1.map(Int32.init)), ds2 = Set(HeartbeatSplit.ds2.map(Int32.init))
            return ((0..<count).filter { ds1.contains(records[$0]) }, (0..<count).filter { ds2.contains(records[$0]) })
        }
    }

    /// `size` of the beats `indices`, drawn at random within each class, each class getting its
    /// share of `size` (largest remainders, ties to the lower class): the class proportions of
    /// `indices` are kept to within one beat. The result is in a seeded random order.
    public func stratifiedSample(_ indices: [Int], size: Int, generator: inout SeededGenerator) -> [Int] {
        precondition((0...indices.count).contains(size), "stratifiedSample: \(size) of \(indices.count) beats")
        var members = [[Int]](repeating: [], count: AAMIClass.allCases.count)
        for index in indices { members[Int(labels[index])].append(index) }
        let quotas = Self.apportion(size, among: members.map(\.count))
        var sample: [Int] = []
        for (c, quota) in quotas.enumerated() {
            generator.shuffle(&members[c])
            sample += members[c].prefix(quota)
        }
        generator.shuffle(&sample)
        return sample
    }

    /// Hamilton's largest-remainder apportionment of `total` seats among groups of `sizes`:
    /// each group gets ⌊total·size/Σsizes⌋, and the seats left go to the largest remainders.
    static func apportion(_ total: Int, among sizes: [Int]) -> [Int] {
        let population = sizes.reduce(0, +)
        guard population > 0 else { return sizes.map { _ in 0 } }
        var quotas = sizes.map { total * $0 / population }
        let remainders = sizes.enumerated().map { ($0.offset, total * $0.element % population) }
        let left = total - quotas.reduce(0, +)
        for (group, _) in remainders.sorted(by: { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }).prefix(left) {
            quotas[group] += 1
        }
        return quotas
    }
}
