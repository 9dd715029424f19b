// fetch-data: brings data sets into data/ (from a mirror folder or the official servers, verified
// by checksum) and, with --check, parses each one with its loader and prints what it holds.
// Exit status: 0 all ready, 1 a set is absent (no source has it; 0 with --available),
// 2 a file is corrupt or something else failed (whatever the flags).
import ArgumentParser
import Datasets
import Foundation
import Randomness

struct FetchData: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch-data",
        abstract: "Download (or copy from a mirror) and verify the data sets the experiments use.",
        discussion: """
            Data sets: \(DatasetName.allCases.map(\.rawValue).joined(separator: ", ")). See data/README.md.
            Exit status: 0 every set ready; \(FetchSummary.absentStatus) a set is absent (no source has it), 0 with --available; \
            \(FetchSummary.failedStatus) a file is corrupt (found, but failing verification) or anything else failed, whatever the flags.
            """)

    @Argument(help: "Data sets to fetch.")
    var names: [String] = []

    @Flag(help: "Fetch every data set.")
    var all = false

    @Option(help: "Folder the data sets go into (one subfolder per set; default $DATA_ROOT, else data).")
    var root: String?

    @Option(help: "Folder laid out like data/ to copy from before downloading (default: $DATA_MIRROR).")
    var mirror: String?

    @Flag(help: "Fetch what can be obtained; list the sets no source has and still exit 0 (never for a corrupt file).")
    var available = false

    @Flag(help: "Never download; use only files in place and the mirror.")
    var offline = false

    @Flag(help: "After fetching, parse each set with its loader and print counts and timings.")
    var check = false

    @Flag(help: "Do not draw download progress.")
    var quiet = false

    func validate() throws {
        guard all || !names.isEmpty else { throw ValidationError("name at least one data set, or pass --all") }
        for name in names where DatasetName(rawValue: name) == nil {
            throw ValidationError("unknown data set '\(name)'; known: \(DatasetName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let store = DataStore(root: DataStore.root(option: root), mirror: DataStore.mirror(option: mirror),
                              allowDownload: !offline, showProgress: !quiet)
        do { try store.checkMirror() } catch {
            printError("fetch-data: \(error)")
            throw ExitCode(FetchSummary.failedStatus)
        }
        let sets = all ? DatasetName.allCases : names.compactMap(DatasetName.init(rawValue:))
        var summary = FetchSummary()
        for name in sets {
            let outcome = summary.record(name) {
                try store.ensure(name)
                print("\(name.rawValue): ready in \(store.directory(for: name).path)")
                if check { try Check.run(name, store: store) }
            }
            // Each error is printed once, here; its message names the set and the files.
            switch outcome {
            case .ready: break
            case .absent(let error): printError(error.description)
            case .failed(let message): printError(message)
            }
        }
        for line in summary.closingLines(acceptingAbsent: available) { printError("fetch-data: " + line) }
        let status = summary.exitStatus(acceptingAbsent: available)
        if status != 0 { throw ExitCode(status) }
    }
}

/// Loads a data set with its loader and prints what it holds (the numbers quoted in data/README.md).
enum Check {
    static func run(_ name: DatasetName, store: DataStore) throws {
        let directory = store.directory(for: name)
        switch name {
        case .mnist, .fashionMNIST:
            for split in [ImageSplit.train, .test] {
                let (images, seconds) = try timed { try MNIST.load(split, directory: directory) }
                print("  \(split.rawValue): \(images.count) images \(images.shape), parsed in \(ms(seconds)); labels per class \(histogram(images.labels, 10))")
            }
        case .cifar10:
            for split in [CIFAR10.Split.train, .test] {
                let (images, seconds) = try timed { try CIFAR10.load(split, archive: directory.appendingPathComponent(CIFAR10.archiveName)) }
                print("  \(split): \(images.count) images \(images.shape), parsed in \(ms(seconds)); labels per class \(histogram(images.labels, 10))")
            }
        case .smallNORB:
            for split in [SmallNORB.Split.training, .testing] {
                let (set, seconds) = try timed { try SmallNORB.load(split, directory: directory) }
                print("  \(split.rawValue): \(set.count) stereo pairs, parsed in \(ms(seconds))")
            }
        case .uciHAR:
            for split in [UCIHAR.Split.train, .test] {
                let (set, seconds) = try timed { try UCIHAR.load(split, directory: directory) }
                print("  \(split.rawValue): \(set.count) windows (128, \(set.channels.count)), parsed in \(ms(seconds)); labels per class \(histogram(set.labels, 6))")
            }
        case .mitbih:
            let (beats, seconds) = try timed { try Heartbeats.extract(directory: directory) }
            print("  heartbeats (Kachuee et al. 2018 procedure, 48 records): \(beats.count) beats in \(ms(seconds))")
            print("  per AAMI class N S V F Q: \(beats.classCounts)   (Kaggle: 109446 = [90589, 2779, 7236, 803, 8039])")
            var generator = SeededGenerator(seed: 0)
            let (train, test) = beats.split(generator: &generator)
            print("  stratified 80/20 split: train \(train.count) \(train.classCounts), test \(test.count) \(test.classCounts)")
            print("  (Kaggle: train 87554 [72471, 2223, 5788, 641, 6431], test 21892 [18118, 556, 1448, 162, 1608])")
        }
    }

    static func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let value = try body()
        return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    static func ms(_ seconds: Double) -> String { String(format: "%.0f ms", seconds * 1000) }
    static func histogram(_ labels: [Int32], _ classes: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: classes)
        for label in labels where label >= 0 && Int(label) < classes { counts[Int(label)] += 1 }
        return counts
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write((message + "\n").data(using: .utf8)!)
}

FetchData.main()
