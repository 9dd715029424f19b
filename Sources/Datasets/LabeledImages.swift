/// Images kept as the bytes the files store, with one integer label each.
///
/// Keeping bytes (47 MB for MNIST train instead of 188 MB of Float32) makes loading fast and
/// leaves the conversion to the batch that needs it: `fillBatch` writes Float32 values in [0, 1]
/// for a list of indices into a buffer the caller owns and reuses.
public struct LabeledImages: Sendable {
    /// Pixel bytes, image after image; each image is `shape` in row-major order.
    public let pixels: [UInt8]
    /// One label per image.
    public let labels: [Int32]
    /// The shape of one image, channels last (docs/CONVENTIONS.md): [28, 28, 1] for MNIST, [32, 32, 3] for CIFAR-10.
    public let shape: [Int]

    public init(pixels: [UInt8], labels: [Int32], shape: [Int]) {
        precondition(pixels.count == labels.count * shape.reduce(1, *), "pixel count does not match labels × shape")
        self.pixels = pixels
        self.labels = labels
        self.shape = shape
    }

    public var count: Int { labels.count }
    /// Values per image (784 for MNIST).
    public var imageSize: Int { shape.reduce(1, *) }

    /// The bytes of image `index`.
    public func image(_ index: Int) -> ArraySlice<UInt8> {
        pixels[index * imageSize ..< (index + 1) * imageSize]
    }

    /// Writes images `indices` as Float32 in [0, 1] (byte / 255), one after another, into
    /// `buffer`, which must hold at least `indices.count * imageSize` values.
    public func fillBatch(_ indices: [Int], into buffer: UnsafeMutableBufferPointer<Float>) {
        let size = imageSize
        precondition(buffer.count >= indices.count * size, "batch buffer holds \(buffer.count) values, needs \(indices.count * size)")
        pixels.withUnsafeBufferPointer { source in
            var out = 0
            for index in indices {
                precondition(index >= 0 && index < count, "image index \(index) out of 0..<\(count)")
                let start = index * size
                for k in 0..<size { buffer[out + k] = Float(source[start + k]) / 255 }
                out += size
            }
        }
    }

    /// Convenience form of `fillBatch` for a Swift array, reused as a staging buffer: afterwards
    /// it holds exactly `indices.count * imageSize` values (it keeps its capacity when it
    /// shrinks, so a last, smaller batch costs no allocation and leaves no stale images behind).
    public func fillBatch(_ indices: [Int], into array: inout [Float]) {
        let needed = indices.count * imageSize
        if array.count < needed {
            array.append(contentsOf: repeatElement(0, count: needed - array.count))
        } else if array.count > needed {
            array.removeLast(array.count - needed)
        }
        array.withUnsafeMutableBufferPointer { fillBatch(indices, into: $0) }
    }

    /// The labels of images `indices`.
    public func labels(_ indices: [Int]) -> [Int32] { indices.map { labels[$0] } }

    /// A copy holding only images `indices` (in that order).
    public func subset(_ indices: [Int]) -> LabeledImages {
        var out = [UInt8]()
        out.reserveCapacity(indices.count * imageSize)
        for index in indices { out.append(contentsOf: image(index)) }
        return LabeledImages(pixels: out, labels: labels(indices), shape: shape)
    }
}
