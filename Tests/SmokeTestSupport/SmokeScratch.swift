import Foundation

/// What every section's smoke test sets up: the data mirror, exported as `DATA_MIRROR` for the
/// section's code, and a fresh scratch folder holding the run's `results/` and `data/`.
public struct SmokeScratch {
    /// Why a smoke test cannot run; thrown, so the test fails with this text.
    public struct MissingMirror: Error, CustomStringConvertible {
        public let description: String
    }

    public let mirror: URL
    public let folder: URL
    public var results: URL { folder.appendingPathComponent("results") }
    public var data: URL { folder.appendingPathComponent("data") }

    /// The arguments of a smoke run of a section into this folder.
    public var smokeArguments: [String] { ["--profile", "smoke", "--results", results.path, "--data-root", data.path] }

    /// Finds the mirror (`DATA_MIRROR`, or `../shared/data` beside the repository, which CI
    /// provides) holding `dataset`, a folder of the mirror such as "mnist". A missing mirror
    /// fails the test rather than skipping it: a smoke test that skips proves nothing.
    public init(_ name: String, dataset: String, describedAs what: String) throws {
        // make exports DATA_MIRROR even when it is unset, as an empty string: that means no mirror.
        if let path = ProcessInfo.processInfo.environment["DATA_MIRROR"], !path.isEmpty {
            mirror = URL(fileURLWithPath: path)
        } else {
            let sibling = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../../shared/data").standardized
            guard FileManager.default.fileExists(atPath: sibling.appendingPathComponent(dataset).path) else {
                throw MissingMirror(description: "no data mirror for \(what): set DATA_MIRROR (CI provides ../shared/data)")
            }
            mirror = sibling
        }
        setenv("DATA_MIRROR", mirror.path, 1)
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    }

    /// Removes the scratch folder (call in a `defer`).
    public func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}
