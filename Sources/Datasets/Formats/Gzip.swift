#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib
import Foundation

/// gzip and raw-deflate decompression through the system zlib.
///
/// Speed matters here (MNIST train must parse in well under half a second), so the output buffer
/// is allocated once at its final size, read from the gzip trailer (ISIZE, the uncompressed size
/// modulo 2^32), and zlib inflates straight into it; it only grows if the trailer lied (streams
/// over 4 GiB or several concatenated members).
public enum Gzip {
    /// Decompresses a whole gzip file (one or more members). `path` only names the file in errors.
    public static func decompress(_ compressed: [UInt8], path: String) throws -> [UInt8] {
        guard compressed.count >= 18, compressed[0] == 0x1F, compressed[1] == 0x8B else {
            throw DatasetError.corruptCompression(path: path, offset: 0, reason: "not a gzip file (magic bytes \(hexPrefix(compressed)), expected 1f 8b)")
        }
        let n = compressed.count
        let trailerSize = Int(compressed[n - 4]) | Int(compressed[n - 3]) << 8
            | Int(compressed[n - 2]) << 16 | Int(compressed[n - 1]) << 24
        // The trailer can be garbage on a truncated file; cap the guess so a bad file cannot
        // make us allocate gigabytes before zlib notices.
        let guess = min(max(trailerSize, 1024), max(n * 1100, 1 << 20))
        return try inflate(compressed, windowBits: 15 + 16, expectedSize: guess, path: path, allowConcatenated: true)
    }

    /// Reads and decompresses a gzip file from disk.
    public static func decompressFile(at url: URL) throws -> [UInt8] {
        try decompress(readBytes(url), path: url.path)
    }

    /// Inflates a raw deflate stream (as stored in zip members) of known uncompressed size.
    public static func inflateRaw(_ compressed: ArraySlice<UInt8>, uncompressedSize: Int, path: String) throws -> [UInt8] {
        try inflate(Array(compressed), windowBits: -15, expectedSize: uncompressedSize, path: path, allowConcatenated: false)
    }

    /// CRC-32 (the zip and gzip checksum).
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            var crc = CZlib.crc32(0, nil, 0)
            var offset = 0
            // zlib takes a 32-bit length; feed large buffers in pieces.
            while offset < buffer.count {
                let chunk = min(buffer.count - offset, 1 << 30)
                crc = CZlib.crc32(crc, buffer.baseAddress! + offset, uInt(chunk))
                offset += chunk
            }
            return UInt32(crc)
        }
    }

    private static func inflate(_ input: [UInt8], windowBits: Int32, expectedSize: Int, path: String,
                                allowConcatenated: Bool) throws -> [UInt8] {
        // Uninitialised: zlib writes every byte we keep, and zero-filling 47 MB costs time.
        var output = [UInt8](unsafeUninitializedCapacity: max(expectedSize, 1)) { _, count in count = max(expectedSize, 1) }
        var produced = 0
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DatasetError.corruptCompression(path: path, offset: 0, reason: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var consumed = 0
        try input.withUnsafeBufferPointer { inBuffer in
            while true {
                if produced == output.count {
                    output.append(contentsOf: repeatElement(0, count: max(output.count / 2, 1 << 16)))
                }
                let status: Int32 = output.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress! + consumed)
                    stream.avail_in = uInt(min(inBuffer.count - consumed, Int(UInt32.max)))
                    stream.next_out = outBuffer.baseAddress! + produced
                    stream.avail_out = uInt(min(outBuffer.count - produced, Int(UInt32.max)))
                    let inBefore = stream.avail_in, outBefore = stream.avail_out
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    consumed += Int(inBefore - stream.avail_in)
                    produced += Int(outBefore - stream.avail_out)
                    return status
                }
                switch status {
                case Z_STREAM_END:
                    // Skip zero padding some tools append; restart on a further gzip member.
                    while consumed < inBuffer.count && inBuffer[consumed] == 0 { consumed += 1 }
                    if allowConcatenated && consumed + 1 < inBuffer.count
                        && inBuffer[consumed] == 0x1F && inBuffer[consumed + 1] == 0x8B {
                        inflateReset(&stream)
                        continue
                    }
                    if consumed < inBuffer.count && !allowConcatenated {
                        throw DatasetError.corruptCompression(path: path, offset: consumed, reason: "trailing bytes after the deflate stream")
                    }
                    return
                case Z_OK, Z_BUF_ERROR:
                    if consumed == inBuffer.count && produced < output.count {
                        throw DatasetError.corruptCompression(path: path, offset: consumed,
                            reason: "unexpected end of data (file truncated?) after \(produced) uncompressed bytes")
                    }
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw DatasetError.corruptCompression(path: path, offset: consumed, reason: message)
                }
            }
        }
        if produced < output.count { output.removeSubrange(produced...) }
        return output
    }
}

/// Reads a whole file with POSIX calls straight into an array (no intermediate `Data`).
func readBytes(_ url: URL) throws -> [UInt8] {
    let fd = open(url.path, O_RDONLY)
    guard fd >= 0 else {
        if errno == ENOENT { throw DatasetError.missingFile(path: url.path) }
        throw DatasetError.io(path: url.path, reason: "cannot open: \(String(cString: strerror(errno)))")
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw DatasetError.io(path: url.path, reason: "cannot stat") }
    let size = Int(info.st_size)
    var failure: String? = nil
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        count = 0
        while count < size {
            let n = read(fd, buffer.baseAddress! + count, size - count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { failure = n < 0 ? String(cString: strerror(errno)) : "file shrank while reading"; break }
            count += n
        }
    }
    if let failure = failure { throw DatasetError.io(path: url.path, reason: "cannot read: \(failure)") }
    return bytes
}

/// Reads a file, gunzipping it when its name ends in .gz.
func readMaybeGzipped(_ url: URL) throws -> [UInt8] {
    url.pathExtension == "gz" ? try Gzip.decompressFile(at: url) : try readBytes(url)
}

func hexPrefix(_ bytes: [UInt8], count: Int = 4) -> String {
    bytes.prefix(count).map { String(format: "%02x", $0) }.joined(separator: " ")
}
