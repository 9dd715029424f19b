import Datasets
import Metrics
import TensorCore

extension BatchedInference {
    /// As above for labelled images kept as bytes (converted chunk by chunk).
    public static func forEachChunk(of images: LabeledImages, exampleShape: [Int], chunk: Int = 500,
                                    _ body: (Range<Int>, Tensor) throws -> Void) rethrows {
        var staging: [Float] = []
        var start = 0
        while start < images.count {
            let range = start..<min(start + chunk, images.count)
            images.fillBatch(Array(range), into: &staging)
            try body(range, Tensor(shape: [range.count] + exampleShape, scalars: staging))
            start = range.upperBound
        }
    }
}
