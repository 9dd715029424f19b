import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that a reader sees either the old file or the complete new one, never a
/// part: the bytes go to a temporary file in the same folder, are flushed to disk, and the
/// temporary file is renamed over the destination. A run killed mid-write leaves only a
/// temporary file, whose name starts with `.` and contains `.tmp-`.
public enum AtomicFile {
    /// The marker in temporary files' names; `RunStore` ignores and removes stray ones.
    public static let temporaryMarker = ".tmp-"

    /// Writes `data` to `url` atomically, creating the parent folder when missing.
    public static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = temporaryURL(for: url)
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else {
            throw AtomicFileError.system(operation: "create", path: temporary.path, code: errno)
        }
        var closed = false
        defer {
            if !closed { close(descriptor) }
        }
        do {
            try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw AtomicFileError.system(operation: "write", path: temporary.path, code: errno)
                    }
                    offset += written
                }
            }
            guard fsync(descriptor) == 0 else {
                throw AtomicFileError.system(operation: "fsync", path: temporary.path, code: errno)
            }
            closed = true
            guard close(descriptor) == 0 else {
                throw AtomicFileError.system(operation: "close", path: temporary.path, code: errno)
            }
            guard rename(temporary.path, url.path) == 0 else {
                throw AtomicFileError.system(operation: "rename to \(url.path)", path: temporary.path, code: errno)
            }
        } catch {
            unlink(temporary.path)
            throw error
        }
        // Make the rename itself durable.
        let folderDescriptor = open(folder.path, O_RDONLY)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// Writes UTF-8 text to `url` atomically.
    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// A fresh temporary path next to `url` (hidden, with the process id and a random suffix
    /// so concurrent writers on a shared file system never collide).
    public static func temporaryURL(for url: URL) -> URL {
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let name = "." + url.lastPathComponent + temporaryMarker + "\(getpid())-" + suffix
        return url.deletingLastPathComponent().appendingPathComponent(name)
    }

    /// Whether a file name is one of our temporary files.
    public static func isTemporaryName(_ name: String) -> Bool {
        name.hasPrefix(".") && name.contains(temporaryMarker)
    }
}

public struct AtomicFileError: Error, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var code: Int32

    public static func system(operation: String, path: String, code: Int32) -> AtomicFileError {
        AtomicFileError(operation: operation, path: path, code: code)
    }

    public var description: String {
        "could not \(operation) \(path): \(String(cString: strerror(code)))"
    }
}
