/// How a cell ended. Only finished cells are written; a cell whose closure throws leaves no
/// file and runs again next time.
public enum RunStatus: String, Codable, Sendable {
    /// Training ran its whole schedule.
    case completed
    /// Training stopped early because the loss became non-finite; the metrics hold what was
    /// measured. Kept so the cell is not retried forever; reports count such runs apart.
    case diverged
}

/// The git state of the tree a run was made from.
public struct GitState: Codable, Hashable, Sendable {
    /// `git rev-parse HEAD`, or `"unknown"` outside a repository.
    public var commit: String
    /// Whether `git status --porcelain` listed changes (the commit does not tell the whole code).
    public var dirty: Bool

    public init(commit: String, dirty: Bool) {
        self.commit = commit
        self.dirty = dirty
    }
}

/// The machine a run was made on.
public struct MachineDescription: Codable, Hashable, Sendable {
    public var hostname: String
    /// `model name` from /proc/cpuinfo (or `"unknown"`).
    public var cpuModel: String
    public var coreCount: Int
    /// The OpenBLAS core in use (e.g. `"Haswell"`), as the numeric core reports it.
    public var openBLASCore: String
    /// The threads OpenBLAS ran on. They decide the last digits as the kernels do: the same
    /// cell trained on 1 and on 2 threads ends with different losses (docs/DESIGN.md), and
    /// `OPENBLAS_NUM_THREADS` or a cluster's cores per task can make it differ from
    /// `coreCount`. `nil` in run files written before it was recorded.
    public var blasThreads: Int?
    /// The kernels of the dense layers' large products (`"AVX-512 tiles"` or `"OpenBLAS"`):
    /// they sum in different orders, so they too decide the last digits. `nil` in run files
    /// written before the tiles existed, when every product ran in OpenBLAS.
    public var denseProducts: String?

    public init(hostname: String, cpuModel: String, coreCount: Int, openBLASCore: String, blasThreads: Int? = nil,
                denseProducts: String? = nil) {
        self.hostname = hostname
        self.cpuModel = cpuModel
        self.coreCount = coreCount
        self.openBLASCore = openBLASCore
        self.blasThreads = blasThreads
        self.denseProducts = denseProducts
    }
}

/// What a cell's training produced; `CellRunner` completes it into a `RunRecord`.
public struct CellResult: Sendable {
    public var status: RunStatus
    /// Final numbers by name (`"test accuracy"`, `"test auc"`, ...).
    public var metrics: [String: Double]
    /// Per-epoch values by name (`"train loss"`, `"validation accuracy"`, ...), index = epoch − 1.
    public var history: [String: [Double]]
    /// Epochs actually trained.
    public var epochs: Int
    /// Every seed the run used, by purpose (`"initialisation"`, `"data split"`, ...).
    public var seeds: [String: UInt64]
    /// Named arrays stored beside the run file (`RunArray`), for figures redrawn from results.
    public var arrays: [String: RunArray]

    public init(status: RunStatus = .completed, metrics: [String: Double],
                history: [String: [Double]] = [:], epochs: Int, seeds: [String: UInt64] = [:],
                arrays: [String: RunArray] = [:]) {
        self.status = status
        self.metrics = metrics
        self.history = history
        self.epochs = epochs
        self.seeds = seeds
        self.arrays = arrays
    }
}

/// The result of one cell as stored in `results/runs/<section>/<id>.json`.
public struct RunRecord: Codable, Hashable, Sendable {
    public var configuration: CellConfiguration
    /// `configuration.id`, stored so the file can be checked against its name.
    public var id: String
    public var status: RunStatus
    public var metrics: [String: Double]
    public var history: [String: [Double]]
    public var epochs: Int
    /// Wall-clock seconds the cell took.
    public var seconds: Double
    public var git: GitState
    public var machine: MachineDescription
    /// When the cell finished, ISO 8601 in UTC (`2026-11-21T11:15:18Z`).
    public var date: String
    public var seeds: [String: UInt64]
    /// The arrays stored beside the run file, by name (absent in runs that stored none).
    public var arrays: [String: RunArrayDigest]?

    public init(configuration: CellConfiguration, status: RunStatus, metrics: [String: Double],
                history: [String: [Double]], epochs: Int, seconds: Double, git: GitState,
                machine: MachineDescription, date: String, seeds: [String: UInt64],
                arrays: [String: RunArrayDigest]? = nil) {
        self.configuration = configuration
        self.id = configuration.id
        self.status = status
        self.metrics = metrics
        self.history = history
        self.epochs = epochs
        self.seconds = seconds
        self.git = git
        self.machine = machine
        self.date = date
        self.seeds = seeds
        self.arrays = arrays
    }

    /// A record of `result` for `configuration`, stamped with `provenance` and `date`.
    public init(configuration: CellConfiguration, result: CellResult, seconds: Double,
                provenance: Provenance, date: String, arrays: [String: RunArrayDigest]? = nil) {
        self.init(configuration: configuration, status: result.status, metrics: result.metrics,
                  history: result.history, epochs: result.epochs, seconds: seconds,
                  git: provenance.git, machine: provenance.machine, date: date, seeds: result.seeds,
                  arrays: arrays)
    }
}
