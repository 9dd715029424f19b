import Datasets
import Foundation

/// Time to parse MNIST train (60,000 images, gunzip + IDX) into bytes, best of three, and the
/// bytes it keeps. Reads data/mnist ($DATA_ROOT/mnist), or $DATA_MIRROR/mnist when the data are
/// not fetched yet; empty variables count as unset (DataStore.root, DataStore.mirror).
func mnistParseTiming() -> (milliseconds: Double, megabytes: Double)? {
    var candidates = [DataStore.defaultRoot.appendingPathComponent("mnist")]
    if let mirror = DataStore.environmentMirror {
        candidates.append(mirror.appendingPathComponent("mnist"))
    }
    guard let directory = candidates.first(where: {
        FileManager.default.fileExists(atPath: $0.appendingPathComponent("train-images-idx3-ubyte.gz").path)
    }) else { return nil }
    var best = Double.infinity
    var bytes = 0
    for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        guard let images = try? MNIST.load(.train, directory: directory) else { return nil }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        bytes = images.pixels.count
    }
    return (best, Double(bytes) / 1e6)
}
