import Foundation

extension DataStore {
    /// Whether every file of `name` is in `data/` or in the mirror, so that `ensure` can
    /// install it without a download. Sections ask this before a cell runs: a cell whose data
    /// set is not at hand is reported "not run: data absent" instead of failing the run (or
    /// trying a download in the middle of it).
    public func isAtHand(_ name: DatasetName) -> Bool {
        let spec = name.spec
        let directory = directory(for: name)
        return spec.files.allSatisfy { file in
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(file.path).path) { return true }
            guard let mirror, let source = spec.mirror[file.path] else { return false }
            return FileManager.default.fileExists(atPath: mirror.appendingPathComponent(source.path).path)
        }
    }
}
