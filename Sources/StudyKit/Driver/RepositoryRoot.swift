import Foundation

/// The repository a section executable belongs to: the folder with `Package.swift` and
/// `papers/`. Found from the working directory or, failing that, from the executable's own
/// path (`<root>/.build/<configuration>/<name>`), so a section runs from any directory.
public enum RepositoryRoot {
    public static func isRoot(_ folder: URL) -> Bool {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        return manager.fileExists(atPath: folder.appendingPathComponent("Package.swift").path)
            && manager.fileExists(atPath: folder.appendingPathComponent("papers").path, isDirectory: &isFolder) && isFolder.boolValue
    }

    /// The nearest folder at or above `start` that is the repository root.
    public static func enclosing(_ start: URL) -> URL? {
        var folder = start.standardizedFileURL
        while true {
            if isRoot(folder) { return folder }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { return nil }
            folder = parent
        }
    }

    /// The root above the working directory, else above the running executable.
    public static func locate(executable: String = CommandLine.arguments.first ?? "") throws -> URL {
        let workingDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if let root = enclosing(workingDirectory) { return root }
        let executableURL = URL(fileURLWithPath: executable, relativeTo: workingDirectory).resolvingSymlinksInPath()
        if let root = enclosing(executableURL.deletingLastPathComponent()) { return root }
        throw StudyError.invalidArgument("cannot find the repository (a folder with Package.swift and papers/) above the working directory \(workingDirectory.path) or the executable \(executableURL.path); run the section from the repository")
    }
}
