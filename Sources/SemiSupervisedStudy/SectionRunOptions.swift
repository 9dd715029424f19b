import ArgumentParser
import Datasets
import Experiments
import Foundation

/// The options every paper-section executable takes: which profile, which shard of the cells,
/// where results and data live, and whether to train at all. Each section adds its own
/// selection (models, experiments) beside these with `@OptionGroup`.
public struct SectionRunOptions: ParsableArguments {
    @Option(help: "Profile: smoke (tiny subsets, for tests), quick (reduced seeds and epochs; the default of make figures) or paper (the paper's full protocol).")
    public var profile = "quick"

    @Option(help: "Run only this shard of the cells, as i/n with 1 ≤ i ≤ n (for a cluster job array, e.g. --shard \"$SLURM_ARRAY_TASK_ID/8\"). Results merge through results/runs/.")
    public var shard: String?

    @Option(help: "The results folder (reports, figures and run files).")
    public var results = "results"

    @Option(help: "Where data sets are kept (default data/, or $DATA_ROOT).")
    public var dataRoot: String?

    @Flag(help: "Only rebuild the report from existing run files; train nothing.")
    public var reportOnly = false

    @Flag(help: "Print the OpenBLAS kernels in use and other details.")
    public var verbose = false

    public init() {}

    public func parsedProfile() throws -> Profile { try Profile(parsing: profile) }

    public func parsedShard() throws -> Shard { try shard.map { try Shard(parsing: $0) } ?? .all }

    public var resultsFolder: URL { URL(fileURLWithPath: results) }

    public var runStore: RunStore { RunStore(root: resultsFolder.appendingPathComponent("runs")) }

    /// The command that regenerates a section's report with this profile, as its report prints it.
    public func regenerateCommand(section: String, profile: Profile) -> String {
        "make figures SECTION=\(section)" + (profile == .quick ? "" : " PROFILE=\(profile.rawValue)")
    }

    /// A loader that reads each image data set once per process, on first use.
    public func imageData() -> ImageDataCache {
        ImageDataCache(store: DataStore(root: dataRoot.map { URL(fileURLWithPath: $0) } ?? DataStore.defaultRoot))
    }
}

/// Loads an image data set the first time a cell asks for it and keeps it for the next cells.
public final class ImageDataCache {
    let store: DataStore
    private var loaded: [ImageDatasetName: ImageClassificationData] = [:]

    init(store: DataStore) { self.store = store }

    public func callAsFunction(_ name: ImageDatasetName) throws -> ImageClassificationData {
        if let data = loaded[name] { return data }
        let data = try ImageClassificationData.load(name, store: store)
        loaded[name] = data
        return data
    }
}
