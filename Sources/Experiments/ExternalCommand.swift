import Foundation

/// Runs a program found on `PATH` and collects its output (git for provenance, gnuplot for
/// figures).
public enum ExternalCommand {
    public struct Output: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// The full path of `name` on `PATH`, or nil when it is not installed.
    public static func locate(_ name: String,
                              path: String? = ProcessInfo.processInfo.environment["PATH"]) -> URL? {
        let folders = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for folder in folders {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Runs `executable` with `arguments` in `directory` (the current folder when nil) and
    /// waits for it. Standard output and error are read concurrently, so a chatty program
    /// cannot block on a full pipe.
    public static func run(_ executable: URL, arguments: [String],
                           in directory: URL? = nil) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Standard error on its own thread; the box carries its bytes back.
        final class Box: @unchecked Sendable { var data = Data() }
        let errorBox = Box()
        let errorDone = DispatchSemaphore(value: 0)
        let errorHandle = errorPipe.fileHandleForReading
        Thread.detachNewThread {
            errorBox.data = errorHandle.readDataToEndOfFile()
            errorDone.signal()
        }
        let outputData = outputPipe.fileHandleForReading.readDataToEndOfFile()
        errorDone.wait()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      standardOutput: String(decoding: outputData, as: UTF8.self),
                      standardError: String(decoding: errorBox.data, as: UTF8.self))
    }
}
