import ArgumentParser
import Datasets
import Experiments
import Foundation

/// The options every paper-section executable takes: which profile, which shard of the cells,
/// where results and data live, and whether to train at all. Each section adds its own
/// selection (models, experiments) beside these with `@OptionGroup`.
public struct SectionRunOptions: ParsableArguments {
    @Option(help: "Profile: smoke (tiny subsets, for tests; results under results/scratch/), quick (reduced seeds and epochs; the default of make figures) or paper (the paper's full protocol).")
    public var profile = "quick"

    @Option(help: "Run only this shard of the cells, as i/n with 1 ≤ i ≤ n (for a cluster job array, e.g. --shard \"$((SLURM_ARRAY_TASK_ID+1))/8\"). Results merge through results/runs/.")
    public var shard: String?

    @Option(help: "The results folder (reports, figures and run files); default results/ of the repository.")
    public var results: String?

    @Option(help: "Where data sets are kept (default data/ of the repository, or $DATA_ROOT).")
    public var dataRoot: String?

    @Option(help: "A local mirror of the data sets, laid out like data/ (default $DATA_MIRROR); files are copied from it and verified.")
    public var mirror: String?

    @Flag(help: "Only redraw the report from existing run files; train nothing and read no data set.")
    public var reportOnly = false

    @Flag(help: "Print the OpenBLAS kernels in use and other details.")
    public var verbose = false

    public init() {}

    public func parsedProfile() throws -> Profile { try Profile(parsing: profile) }

    public func parsedShard() throws -> Shard { try shard.map { try Shard(parsing: $0) } ?? .all }
}

/// Loads an image data set the first time a cell asks for it and keeps it for the next cells.
public final class ImageDataCache {
    let store: DataStore
    private var loaded: [ImageDatasetName: ImageClassificationData] = [:]

    public init(store: DataStore) { self.store = store }

    public func callAsFunction(_ name: ImageDatasetName) throws -> ImageClassificationData {
        if let data = loaded[name] { return data }
        let data = try ImageClassificationData.load(name, store: store)
        loaded[name] = data
        return data
    }

    /// Whether the data set's files are in place (no copy, no download).
    public func isAvailable(_ name: ImageDatasetName) -> Bool {
        loaded[name] != nil || store.isAvailable(name.datasetName)
    }
}
