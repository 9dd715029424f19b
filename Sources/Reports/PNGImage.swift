import CPNG
import Experiments
import Foundation

/// An 8-bit grayscale image, row-major (`pixels[row * width + column]`, 0 black, 255 white),
/// written and read through libpng's simplified API. That API reports errors in the
/// `png_image` struct instead of by `longjmp`, which Swift cannot survive.
public struct PNGImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0 else {
            throw PNGError.invalidSize("an image needs a positive size, got \(width)×\(height)")
        }
        guard pixels.count == width * height else {
            throw PNGError.invalidSize("\(pixels.count) pixels for a \(width)×\(height) image")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// From intensities in [0, 1] (clamped; NaN reads as 0): byte = round(255 · value).
    public init(width: Int, height: Int, values: [Float]) throws {
        try self.init(width: width, height: height, pixels: values.map(PNGImage.byte))
    }

    /// round(255 · clamp(value, 0, 1)), with NaN as 0.
    public static func byte(_ value: Float) -> UInt8 {
        guard value == value else { return 0 }
        return UInt8((min(max(value, 0), 1) * 255).rounded())
    }

    public subscript(row: Int, column: Int) -> UInt8 {
        pixels[row * width + column]
    }

    /// Tiles of equal size laid out in rows of `columns`, with `separator` pixels of
    /// `separatorValue` between neighbouring tiles (none around the edge). The last row's
    /// empty slots are filled with `separatorValue`.
    public static func grid(_ tiles: [PNGImage], columns: Int, separator: Int = 1,
                            separatorValue: UInt8 = 255) throws -> PNGImage {
        guard let first = tiles.first else { throw PNGError.invalidGrid("a grid needs at least one tile") }
        guard columns > 0 else { throw PNGError.invalidGrid("a grid needs at least one column, got \(columns)") }
        guard separator >= 0 else { throw PNGError.invalidGrid("negative separator \(separator)") }
        if let odd = tiles.firstIndex(where: { $0.width != first.width || $0.height != first.height }) {
            throw PNGError.invalidGrid(
                "tile \(odd) is \(tiles[odd].width)×\(tiles[odd].height), tile 0 is \(first.width)×\(first.height)")
        }
        let columnCount = min(columns, tiles.count)
        let rowCount = (tiles.count + columns - 1) / columns
        let width = columnCount * first.width + (columnCount - 1) * separator
        let height = rowCount * first.height + (rowCount - 1) * separator
        var pixels = [UInt8](repeating: separatorValue, count: width * height)
        for (index, tile) in tiles.enumerated() {
            let top = (index / columns) * (first.height + separator)
            let left = (index % columns) * (first.width + separator)
            for row in 0..<tile.height {
                let destination = (top + row) * width + left
                pixels.replaceSubrange(destination..<(destination + tile.width),
                                       with: tile.pixels[(row * tile.width)..<((row + 1) * tile.width)])
            }
        }
        return try PNGImage(width: width, height: height, pixels: pixels)
    }

    /// A grid of tiles given as intensities in [0, 1], each `tileWidth × tileHeight` row-major.
    public static func grid(values tiles: [[Float]], tileWidth: Int, tileHeight: Int, columns: Int,
                            separator: Int = 1, separatorValue: Float = 1) throws -> PNGImage {
        let images = try tiles.map { try PNGImage(width: tileWidth, height: tileHeight, values: $0) }
        return try grid(images, columns: columns, separator: separator,
                        separatorValue: byte(separatorValue))
    }

    /// The PNG file's bytes.
    public func pngData() throws -> Data {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = png_uint_32(PNG_FORMAT_GRAY)
        var size: png_alloc_size_t = 0
        let rowStride = png_int_32(width)
        let sized = pixels.withUnsafeBytes { buffer in
            png_image_write_to_memory(&image, nil, &size, 0, buffer.baseAddress, rowStride, nil)
        }
        guard sized != 0, size > 0 else {
            defer { png_image_free(&image) }
            throw PNGError.libpng(operation: "encode", path: nil, message: PNGImage.message(of: &image))
        }
        var data = Data(count: Int(size))
        let written = data.withUnsafeMutableBytes { memory in
            pixels.withUnsafeBytes { buffer in
                png_image_write_to_memory(&image, memory.baseAddress, &size, 0, buffer.baseAddress, rowStride, nil)
            }
        }
        guard written != 0 else {
            defer { png_image_free(&image) }
            throw PNGError.libpng(operation: "encode", path: nil, message: PNGImage.message(of: &image))
        }
        data.count = Int(size)
        return data
    }

    /// Writes the image to `url` atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(try pngData(), to: url)
    }

    /// Reads a PNG file as 8-bit grayscale (libpng converts colour images).
    public static func read(from url: URL) throws -> PNGImage {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, url.path) != 0 else {
            defer { png_image_free(&image) }
            throw PNGError.libpng(operation: "read", path: url.path, message: message(of: &image))
        }
        image.format = png_uint_32(PNG_FORMAT_GRAY)
        let width = Int(image.width)
        let height = Int(image.height)
        var pixels = [UInt8](repeating: 0, count: width * height)
        let finished = pixels.withUnsafeMutableBytes { buffer in
            png_image_finish_read(&image, nil, buffer.baseAddress, png_int_32(width), nil)
        }
        guard finished != 0 else {
            defer { png_image_free(&image) }
            throw PNGError.libpng(operation: "decode", path: url.path, message: message(of: &image))
        }
        return try PNGImage(width: width, height: height, pixels: pixels)
    }

    static func message(of image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { bytes in
            let text = bytes.prefix { $0 != 0 }
            return String(decoding: text, as: UTF8.self)
        }
    }
}

public enum PNGError: Error, CustomStringConvertible, Equatable {
    case invalidSize(String)
    case invalidGrid(String)
    case libpng(operation: String, path: String?, message: String)

    public var description: String {
        switch self {
        case .invalidSize(let message): return "invalid image: \(message)"
        case .invalidGrid(let message): return "invalid image grid: \(message)"
        case .libpng(let operation, let path, let message):
            return "libpng could not \(operation)" + (path.map { " \($0)" } ?? "") + ": \(message)"
        }
    }
}
