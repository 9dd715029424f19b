import Foundation

/// Passed to a cell's body so training can report its epochs.
public struct CellProgress {
    let reporter: ProgressReporter?

    /// Tells the progress display that `epoch` (1-based) of `count` epochs is done.
    public func epochFinished(_ epoch: Int, of count: Int) {
        reporter?.epochFinished(epoch, of: count)
    }
}

/// What one call of `CellRunner.run` did, by cell id in list order.
public struct CellRunSummary: Equatable, Sendable {
    /// Cells run and saved now.
    public var ran: [String] = []
    /// Cells whose run file already existed.
    public var alreadyDone: [String] = []
    /// Cells left to other shards.
    public var inOtherShards: [String] = []
}

/// A cell's body threw: no run file was written for it, and the cells after it did not run.
public struct CellRunError: Error, CustomStringConvertible {
    public var id: String
    public var configuration: CellConfiguration
    public var underlying: Error

    public var description: String {
        "cell \(id) (\(configuration.section): \(configuration.dataset) \(configuration.label)) failed: \(underlying)"
    }
}

/// Runs a list of cells DomainBed style: cells of other shards and cells with a run file are
/// skipped, the rest run in list order, and each result is saved atomically as soon as it
/// exists. A killed or failed list resumes where it stopped when run again.
public struct CellRunner {
    public var store: RunStore
    public var shard: Shard
    /// Stamped into every record (captured once, so all cells of a list agree).
    public var provenance: Provenance
    public var progress: ProgressReporter?
    /// The finishing date of a cell (injectable for tests).
    public var now: () -> Date = Date.init
    /// Wall-clock seconds for timing cells (injectable for tests).
    public var clock: () -> Double = ProgressReporter.monotonicSeconds

    public init(store: RunStore, shard: Shard = .all, provenance: Provenance,
                progress: ProgressReporter? = nil) {
        self.store = store
        self.shard = shard
        self.provenance = provenance
        self.progress = progress
    }

    /// Runs the cells of this shard that have no run file. Duplicate configurations run once.
    /// - Throws: `CellRunError` when a body throws (after the cells before it were saved);
    ///   `RunStoreError` when an existing run file is corrupt.
    @discardableResult
    public func run(_ cells: [CellConfiguration],
                    body: (CellConfiguration, CellProgress) throws -> CellResult) throws -> CellRunSummary {
        var summary = CellRunSummary()
        var toRun: [CellConfiguration] = []
        var seen = Set<String>()
        for cell in cells {
            let id = cell.id
            guard seen.insert(id).inserted else { continue }
            if !shard.contains(id: id) {
                summary.inOtherShards.append(id)
            } else if try store.record(for: cell) != nil {
                summary.alreadyDone.append(id)
            } else {
                toRun.append(cell)
            }
        }
        progress?.begin(toRun: toRun.count, alreadyDone: summary.alreadyDone.count,
                        inOtherShards: summary.inOtherShards.count)
        for (offset, cell) in toRun.enumerated() {
            progress?.cellStarted(cell, index: offset + 1)
            let start = clock()
            let result: CellResult
            do {
                result = try body(cell, CellProgress(reporter: progress))
            } catch {
                progress?.cellFailed(error)
                throw CellRunError(id: cell.id, configuration: cell, underlying: error)
            }
            // Arrays first: a run file that exists always has its arrays.
            let arrays = result.arrays.isEmpty ? nil : try store.saveArrays(result.arrays, id: cell.id, section: cell.section)
            let record = RunRecord(configuration: cell, result: result, seconds: clock() - start,
                                   provenance: provenance, date: Provenance.isoDate(now()), arrays: arrays)
            try store.save(record)
            progress?.cellFinished()
            summary.ran.append(record.id)
        }
        progress?.finish()
        return summary
    }

    /// As `run(_:body:)`, for bodies that do not report epochs.
    @discardableResult
    public func run(_ cells: [CellConfiguration],
                    body: (CellConfiguration) throws -> CellResult) throws -> CellRunSummary {
        try run(cells) { cell, _ in try body(cell) }
    }
}

extension RunStore {
    /// The records of the listed cells that have run, in list order (duplicates once). Reports
    /// use this rather than `allRecords(section:)` so that run files of configurations no
    /// longer in the grid never reach a table.
    public func records(for cells: [CellConfiguration]) throws -> [RunRecord] {
        var seen = Set<String>()
        var records: [RunRecord] = []
        for cell in cells where seen.insert(cell.id).inserted {
            if let record = try record(for: cell) { records.append(record) }
        }
        return records
    }
}
