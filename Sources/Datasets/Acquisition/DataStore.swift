#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Brings data sets into `<root>/<name>/` and says where they are.
///
/// `ensure` is cheap when a set is already in place. Otherwise each missing file comes, in this
/// order, from the mirror folder (`DATA_MIRROR`, laid out like `data/`) or from the official
/// servers. Every file is written to a temporary name in its final folder, verified (size and
/// published MD5 / SHA-256, or a structural check where nothing is published) and only then
/// renamed into place, so `data/` never holds a partial or unverified file. Files already present
/// that no store has verified (placed by hand) are verified once; a `.verified` list records it.
public struct DataStore: Sendable {
    public var root: URL
    public var mirror: URL?
    /// Base URLs per data set, tried in order; defaults to the official servers. Tests point
    /// these at a local server.
    public var baseURLs: [DatasetName: [URL]]
    public var allowDownload: Bool
    public var showProgress: Bool
    /// Seconds without data before a request is given up.
    public var requestTimeout: TimeInterval = 30

    /// `$DATA_ROOT`, else `data` (relative to the working directory: executables run from the
    /// repository root).
    public static var defaultRoot: URL { root() }

    /// `$DATA_MIRROR` when set.
    public static var environmentMirror: URL? { mirror() }

    /// The data root an executable uses: `option` (its `--root` / `--data-root`), else
    /// `$DATA_ROOT`, else `data`. An empty value counts as unset, everywhere: `DATA_ROOT=""`
    /// must not send `fetch-data` to the working directory while the sections read `data/`.
    public static func root(option: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        URL(fileURLWithPath: nonEmpty(option) ?? nonEmpty(environment["DATA_ROOT"]) ?? "data")
    }

    /// The mirror an executable uses: `option` (its `--mirror`), else `$DATA_MIRROR`, else none;
    /// empty counts as unset (make passes an unset variable as an empty one).
    public static func mirror(option: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        (nonEmpty(option) ?? nonEmpty(environment["DATA_MIRROR"])).map { URL(fileURLWithPath: $0) }
    }

    private static func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }

    /// A store at `root`; `mirror: nil` means no mirror.
    public init(root: URL = DataStore.defaultRoot, mirror: URL? = DataStore.environmentMirror,
                baseURLs: [DatasetName: [URL]] = [:], allowDownload: Bool = true, showProgress: Bool = true) {
        self.root = root
        self.mirror = mirror
        self.baseURLs = baseURLs
        self.allowDownload = allowDownload
        self.showProgress = showProgress
    }

    public func directory(for name: DatasetName) -> URL { root.appendingPathComponent(name.rawValue) }

    /// The expected files of `name` not on disk (a file on disk is verified by `ensure`).
    public func missingFiles(_ name: DatasetName) -> [String] {
        let directory = directory(for: name)
        return name.spec.files.filter { !isPresent($0, in: directory) }.map(\.path)
    }

    public func isAvailable(_ name: DatasetName) -> Bool { missingFiles(name).isEmpty }

    /// Throws `missingMirror` when a mirror is set but is not a folder (a mistyped
    /// `DATA_MIRROR` is named as such, not reported as every file "not found").
    public func checkMirror() throws {
        if let mirror = mirror, !isDirectory(mirror) { throw DatasetError.missingMirror(path: mirror.path) }
    }

    /// Makes sure every file of `name` is in place and verified. Throws `unavailable` naming what
    /// is missing and where to put it when no source has it, `corrupt` naming each file that
    /// exists (in `data/`, the mirror or a download) but fails verification, `missingMirror`
    /// when the mirror folder does not exist, `io` when `data/` cannot be written.
    public func ensure(_ name: DatasetName) throws {
        try ensure(spec: name.spec)
    }

    /// `ensure` for any catalog entry (tests pass small fixture catalogs).
    ///
    /// Two kinds of failure are kept apart, because `fetch-data --available` (and `make data`)
    /// skips the first and stops at the second: a file no source has (absent: `unavailable`) and
    /// a file that exists but fails verification (`corrupt`), whether it was placed in `data/`
    /// by hand, found in the mirror or downloaded.
    func ensure(spec: DatasetSpec) throws {
        let name = spec.name
        let directory = directory(for: name)
        try verifyFilesPlacedByHand(spec, in: directory)
        var missing = spec.files.filter { !isPresent($0, in: directory) }
        if missing.isEmpty { return }
        try checkMirror()
        // A set that cannot be obtained leaves no empty folder behind.
        let directoryExisted = FileManager.default.fileExists(atPath: directory.path)
        defer { if !directoryExisted { removeEmptyFolders(directory) } }
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        catch { throw DatasetError.io(path: directory.path, reason: "cannot create folder: \(error.localizedDescription)") }
        // Why each missing file could not be had: absences (not found, not reachable) and
        // corrupt copies (found, but failing verification), reported apart.
        var absences = [String]()
        var corruptCopies = [String]()
        var filesWithCorruptCopies = Set<String>()
        func note(_ error: DatasetError, source: String, files: [String]) throws {
            switch error {
            case .io, .missingMirror: throw error  // data/ cannot be written: nothing else matters
            case .downloadFailed: absences.append(source + error.description)
            default:
                corruptCopies.append(source + error.description)
                filesWithCorruptCopies.formUnion(files)
            }
        }

        if let mirror = mirror {
            for file in missing {
                guard let source = spec.mirror[file.path] else { continue }
                let sourceURL = mirror.appendingPathComponent(source.path)
                guard FileManager.default.fileExists(atPath: sourceURL.path) else {
                    absences.append("mirror: \(sourceURL.path) not found")
                    continue
                }
                do {
                    try installFromMirror(file, source: source, sourceURL: sourceURL, directory: directory)
                } catch let error as DatasetError {
                    try note(error, source: "mirror: ", files: [file.path])
                }
            }
            try recordVerified(spec.files.filter { isPresent($0, in: directory) }, in: directory)
            missing = spec.files.filter { !isPresent($0, in: directory) }
        }

        if !missing.isEmpty && allowDownload {
            let bases = baseURLs[name] ?? spec.defaultBaseURLs.compactMap(URL.init(string:))
            // A server that cannot be reached (as opposed to answering 404) is not asked again
            // for the set's other files: 144 MIT-BIH files must not mean 144 timeouts.
            var unreachable = Set<URL>()
            for item in spec.downloads where item.provides(missing.map(\.path)) {
                var installed = false
                for base in bases where !installed && !unreachable.contains(base) {
                    guard let url = URL(string: item.remotePath, relativeTo: base)?.absoluteURL else { continue }
                    do {
                        let memberFailures = try download(item, from: url, spec: spec, directory: directory)
                        for failure in memberFailures { try note(failure.error, source: "", files: [failure.path]) }
                        installed = true
                    } catch let error as DatasetError {
                        try note(error, source: "", files: item.providedPaths)
                        if case let .downloadFailed(_, reason) = error, !reason.hasPrefix("HTTP status") { unreachable.insert(base) }
                    }
                }
                missing = spec.files.filter { !isPresent($0, in: directory) }
                if missing.isEmpty { break }
            }
            try recordVerified(spec.files.filter { isPresent($0, in: directory) }, in: directory)
            missing = spec.files.filter { !isPresent($0, in: directory) }
        } else if !missing.isEmpty {
            absences.append("downloads disabled")
        }

        guard missing.isEmpty else {
            // Files with a corrupt copy somewhere are reported as corrupt; the rest as absent.
            let absent = missing.map(\.path).filter { !filesWithCorruptCopies.contains($0) }
            let bases = baseURLs[name].map { $0.map(\.absoluteString) } ?? spec.defaultBaseURLs
            let urls = spec.downloads.filter { $0.provides(absent) }.compactMap { item in bases.first.map { $0 + item.remotePath } }
            let unavailable = DatasetError.unavailable(dataset: name.rawValue, missing: absent, urls: urls,
                                                       destination: directory.path, attempts: absences)
            guard corruptCopies.isEmpty else {
                var advice = "Nothing was installed in their place (\(directory.path) holds only verified files): "
                    + "replace the corrupt copies, in the mirror or at their source, and run fetch-data again."
                if !absent.isEmpty { advice += "\nBesides, " + unavailable.description }
                throw DatasetError.corrupt(dataset: name.rawValue, failures: corruptCopies, advice: advice)
            }
            throw unavailable
        }
        // Every file came in, some from a later source: the corrupt copies are still worth a word.
        for failure in corruptCopies { logIfShown("\(name.rawValue): another source was used; this copy fails verification: \(failure)") }
    }


    // MARK: - Presence and the verified list

    private static let verifiedListName = ".verified"

    /// Whether the file exists. `ensure` first verifies every file it did not place itself
    /// (`verifyFilesPlacedByHand`), so from then on a file that exists is a verified one.
    private func isPresent(_ file: DatasetSpec.ExpectedFile, in directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(file.path).path)
    }

    private func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    private func verifiedList(in directory: URL) -> Set<String> {
        guard let text = try? String(contentsOf: directory.appendingPathComponent(Self.verifiedListName), encoding: .utf8) else { return [] }
        return Set(text.split(separator: "\n").map(String.init))
    }

    /// Adds files to the `.verified` list (an entry is "size<TAB>path", so a replaced file of
    /// another size is verified again).
    private func recordVerified(_ files: [DatasetSpec.ExpectedFile], in directory: URL) throws {
        let entries = files.compactMap { entry(for: $0, in: directory) }
        let known = verifiedList(in: directory)
        guard !Set(entries).isSubset(of: known) else { return }
        let text = known.union(entries).sorted().joined(separator: "\n") + "\n"
        try writeAtomically(Array(text.utf8), to: directory.appendingPathComponent(Self.verifiedListName))
    }

    private func entry(for file: DatasetSpec.ExpectedFile, in directory: URL) -> String? {
        let url = directory.appendingPathComponent(file.path)
        guard let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber else { return nil }
        return "\(size.intValue)\t\(file.path)"
    }

    /// Files put in place by hand (any file not on the `.verified` list, whatever its size) are
    /// checked once, like downloads. Bad ones are reported together, as corrupt, and left alone:
    /// they are the user's files, never overwritten from the mirror or a server
    /// (data/README.md, "How a file gets here").
    private func verifyFilesPlacedByHand(_ spec: DatasetSpec, in directory: URL) throws {
        let known = verifiedList(in: directory)
        let unverified = spec.files.filter { isPresent($0, in: directory) && !known.contains(entry(for: $0, in: directory) ?? "") }
        guard !unverified.isEmpty else { return }
        var failures = [String]()
        for file in unverified {
            do { try verify(directory.appendingPathComponent(file.path), as: file) }
            catch let error as DatasetError { failures.append(error.description) }
        }
        guard failures.isEmpty else {
            throw DatasetError.corrupt(dataset: spec.name.rawValue, failures: failures, advice:
                "These files in \(directory.path) were not placed by fetch-data; they are left as they are. "
                + "Delete them (or put correct copies in their place) and run fetch-data again.")
        }
        try recordVerified(unverified, in: directory)
    }

    // MARK: - Installing

    private func verify(_ url: URL, as file: DatasetSpec.ExpectedFile, displayPath: String? = nil) throws {
        let shown = displayPath ?? url.path
        if let size = file.size {
            let actual = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? -1
            guard actual == size else { throw DatasetError.sizeMismatch(path: shown, expected: size, actual: actual) }
        }
        try file.digest?.verify(url, displayPath: shown)
        try file.validate?(url)
    }

    private func installFromMirror(_ file: DatasetSpec.ExpectedFile, source: DatasetSpec.MirrorFile, sourceURL: URL,
                                   directory: URL) throws {
        try source.digest?.verify(sourceURL, displayPath: sourceURL.path)
        let bytes = source.gunzip ? try Gzip.decompressFile(at: sourceURL) : try readBytes(sourceURL)
        try place(bytes, as: file, in: directory, shownAs: sourceURL.path)
        logIfShown("\(file.path): copied from mirror \(sourceURL.path)")
    }

    /// Downloads one item and installs what it provides. Throws when the download itself fails
    /// or does not verify; an archive's members are installed one by one, and those that fail
    /// their checks are returned with the expected path each would have become (the others still land).
    private func download(_ item: DatasetSpec.RemoteItem, from url: URL, spec: DatasetSpec,
                          directory: URL) throws -> [(path: String, error: DatasetError)] {
        let temporary = temporaryURL(for: directory.appendingPathComponent((item.remotePath as NSString).lastPathComponent))
        defer { try? FileManager.default.removeItem(at: temporary) }
        try Downloader.fetch(url, to: temporary, label: "\(spec.name.rawValue)/\(item.remotePath.removingPercentEncoding ?? item.remotePath)",
                             showProgress: showProgress, timeout: requestTimeout)
        let shown = url.absoluteString
        if let size = item.size {
            let actual = ((try? FileManager.default.attributesOfItem(atPath: temporary.path))?[.size] as? NSNumber)?.intValue ?? -1
            guard actual == size else { throw DatasetError.sizeMismatch(path: shown, expected: size, actual: actual) }
        }
        try item.digest?.verify(temporary, displayPath: shown)
        switch item.install {
        case .file(let path):
            guard let file = spec.files.first(where: { $0.path == path }) else { return [] }
            try file.validate?(temporary)
            try rename(temporary, to: directory.appendingPathComponent(path))
            return []
        case .zipMembers(let members):
            let archive = try readBytes(temporary)
            let entries = try Zip.entries(in: archive, path: shown)
            var failures = [(path: String, error: DatasetError)]()
            for (member, path) in members.sorted(by: { $0.key < $1.key }) {
                guard let file = spec.files.first(where: { $0.path == path }), !isPresent(file, in: directory) else { continue }
                do {
                    guard let entry = entries.first(where: { $0.name == member }) else {
                        throw DatasetError.badFormat(path: shown, offset: 0, reason: "archive has no member '\(member)'")
                    }
                    try place(Zip.extract(entry, from: archive, path: shown), as: file, in: directory, shownAs: "\(shown)[\(member)]")
                } catch let error as DatasetError {
                    failures.append((path, error))
                }
            }
            return failures
        }
    }

    /// Writes `bytes` to a temporary file next to the destination, verifies it, renames it.
    private func place(_ bytes: [UInt8], as file: DatasetSpec.ExpectedFile, in directory: URL, shownAs: String) throws {
        let destination = directory.appendingPathComponent(file.path)
        try createParent(of: destination)
        let temporary = temporaryURL(for: destination)
        defer { try? FileManager.default.removeItem(at: temporary) }
        try write(bytes, to: temporary)
        try verify(temporary, as: file, displayPath: shownAs)
        try rename(temporary, to: destination)
    }

    private func writeAtomically(_ bytes: [UInt8], to destination: URL) throws {
        let temporary = temporaryURL(for: destination)
        defer { try? FileManager.default.removeItem(at: temporary) }
        try write(bytes, to: temporary)
        try rename(temporary, to: destination)
    }

    private func write(_ bytes: [UInt8], to url: URL) throws {
        do { try Data(bytes).write(to: url) }
        catch { throw DatasetError.io(path: url.path, reason: "cannot write: \(error.localizedDescription)") }
    }

    private func createParent(of url: URL) throws {
        do { try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true) }
        catch { throw DatasetError.io(path: url.deletingLastPathComponent().path, reason: "cannot create folder") }
    }

    /// A hidden name in the destination's own folder, so the final rename stays on one file system.
    private func temporaryURL(for destination: URL) -> URL {
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        return destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).partial-\(getpid())-\(suffix)")
    }

    /// rename(2) replaces the destination atomically (FileManager.moveItem refuses to).
    private func rename(_ source: URL, to destination: URL) throws {
        try createParent(of: destination)
        #if canImport(Glibc)
        let status = Glibc.rename(source.path, destination.path)
        #else
        let status = Darwin.rename(source.path, destination.path)
        #endif
        guard status == 0 else {
            throw DatasetError.io(path: destination.path, reason: "cannot move into place: \(String(cString: strerror(errno)))")
        }
    }

    /// Removes `directory` and its subfolders when they hold no files (rmdir refuses non-empty ones).
    private func removeEmptyFolders(_ directory: URL) {
        let children = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        for child in children where (try? child.resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory == true {
            removeEmptyFolders(child)
        }
        rmdir(directory.path)
    }

    private func logIfShown(_ line: String) { if showProgress { logLine(line) } }
}

extension DatasetSpec.RemoteItem {
    /// The expected files this download installs.
    var providedPaths: [String] {
        switch install {
        case .file(let path): return [path]
        case .zipMembers(let members): return Array(members.values)
        }
    }

    func provides(_ paths: [String]) -> Bool { providedPaths.contains { paths.contains($0) } }
}
