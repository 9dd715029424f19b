import Foundation

/// The data sets the three papers use; the raw value is the folder under `data/` (and under a mirror).
public enum DatasetName: String, CaseIterable, Sendable {
    case mnist
    case fashionMNIST = "fashion-mnist"
    case uciHAR = "uci-har"
    case smallNORB = "smallnorb"
    case cifar10
    case mitbih
}

/// What one data set needs on disk and where each file can come from.
struct DatasetSpec {
    /// A file that must exist in `data/<name>/` for the loaders.
    struct ExpectedFile {
        var path: String
        var size: Int?
        var digest: Checksum?
        /// Structural check for files without a published digest (UCI-HAR text files).
        var validate: ((URL) throws -> Void)?
    }

    /// Where a mirror holds an expected file; `gunzip` when the mirror stores it compressed.
    struct MirrorFile {
        var path: String
        var gunzip: Bool
        /// Checksum of the mirror's (compressed) file when the expected file has none of its own.
        var digest: Checksum?
    }

    /// One download: a path relative to the data set's base URL, and what it provides.
    struct RemoteItem {
        enum Install {
            /// The download is the expected file of this path.
            case file(String)
            /// The download is a zip archive; members (path inside the archive → expected path).
            case zipMembers([String: String])
        }
        var remotePath: String
        var size: Int?
        var digest: Checksum?
        var install: Install
    }

    var name: DatasetName
    var files: [ExpectedFile]
    var mirror: [String: MirrorFile]
    var downloads: [RemoteItem]
    var defaultBaseURLs: [String]
}

extension DatasetName {
    var spec: DatasetSpec {
        switch self {
        case .mnist: return Catalog.idx(.mnist, files: [
            ("train-images-idx3-ubyte.gz", 9_912_422, "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
            ("train-labels-idx1-ubyte.gz", 28_881, "d53e105ee54ea40749a09fcbcd1e9432"),
            ("t10k-images-idx3-ubyte.gz", 1_648_877, "9fb629c4189551a2d022fa330f9573f3"),
            ("t10k-labels-idx1-ubyte.gz", 4_542, "ec29112dd5afa0611ce80d1b7f02629c"),
        ], bases: ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"])
        case .fashionMNIST: return Catalog.idx(.fashionMNIST, files: [
            ("train-images-idx3-ubyte.gz", 26_421_880, "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
            ("train-labels-idx1-ubyte.gz", 29_515, "25c81989df183df01b3e8a0aad5dffbe"),
            ("t10k-images-idx3-ubyte.gz", 4_422_102, "bef4ecab320f06d8554ea6380940ec79"),
            ("t10k-labels-idx1-ubyte.gz", 5_148, "bb300cfdad3c16e7a12a480ee83cd310"),
        ], bases: ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"])
        case .uciHAR: return Catalog.uciHAR
        case .smallNORB: return Catalog.smallNORB
        case .cifar10:
            let file = DatasetSpec.ExpectedFile(path: CIFAR10.archiveName, size: 170_052_171,
                                                digest: .md5("c32a1d4ab5d03f1284b67883e8d87530"))
            return DatasetSpec(name: .cifar10, files: [file],
                               mirror: [file.path: .init(path: "cifar10/" + file.path, gunzip: false)],
                               downloads: [.init(remotePath: file.path, size: file.size, digest: file.digest, install: .file(file.path))],
                               defaultBaseURLs: ["https://www.cs.toronto.edu/~kriz/"])
        case .mitbih:
            let files = mitbihFiles.map { DatasetSpec.ExpectedFile(path: $0.name, size: $0.size, digest: .sha256($0.sha256)) }
            return DatasetSpec(name: .mitbih, files: files,
                               mirror: Dictionary(uniqueKeysWithValues: files.map { ($0.path, .init(path: "mitbih/" + $0.path, gunzip: false)) }),
                               downloads: files.map { .init(remotePath: $0.path, size: $0.size, digest: $0.digest, install: .file($0.path)) },
                               defaultBaseURLs: ["https://physionet.org/files/mitdb/1.0.0/"])
        }
    }
}

enum Catalog {
    /// MNIST-style sets: four .gz files kept as distributed, same names in mirror and on the server.
    static func idx(_ name: DatasetName, files list: [(String, Int, String)], bases: [String]) -> DatasetSpec {
        let files = list.map { DatasetSpec.ExpectedFile(path: $0.0, size: $0.1, digest: .md5($0.2)) }
        return DatasetSpec(name: name, files: files,
                           mirror: Dictionary(uniqueKeysWithValues: files.map { ($0.path, .init(path: "\(name.rawValue)/\($0.path)", gunzip: false)) }),
                           downloads: files.map { .init(remotePath: $0.path, size: $0.size, digest: $0.digest, install: .file($0.path)) },
                           defaultBaseURLs: bases)
    }

    /// Small-NORB: the six .mat.gz files, kept compressed (md5s as published on the NYU page).
    static var smallNORB: DatasetSpec {
        let md5s: [(SmallNORB.Split, String, String)] = [
            (.training, "dat", "66054832f9accfe74a0f4c36a75bc0a2"), (.training, "cat", "23c8b86101fbf0904a000b43d3ed2fd9"),
            (.training, "info", "51dee1210a742582ff607dfd94e332e3"), (.testing, "dat", "e4ad715691ed5a3a5f138751a4ceb071"),
            (.testing, "cat", "5aa791cd7e6016cf957ce9bdb93b8603"), (.testing, "info", "a9454f3864d7fd4bb3ea7fc3eb84924e"),
        ]
        let files = md5s.map { DatasetSpec.ExpectedFile(path: SmallNORB.fileName($0.0, $0.1), size: nil, digest: .md5($0.2)) }
        return DatasetSpec(name: .smallNORB, files: files,
                           mirror: Dictionary(uniqueKeysWithValues: files.map { ($0.path, .init(path: "smallnorb/" + $0.path, gunzip: false)) }),
                           downloads: files.map { .init(remotePath: $0.path, size: nil, digest: $0.digest, install: .file($0.path)) },
                           defaultBaseURLs: ["https://cs.nyu.edu/~ylclab/data/norb-v1.0-small/"])
    }

    /// UCI-HAR: the files the loader reads, unpacked into the release's layout.
    /// UCI publishes no checksum for the archive, so a download is verified member by member:
    /// each member's CRC-32 from the zip directory, then the structure the loader relies on
    /// (row counts 7,352 / 2,947, 128 numbers per signal row, labels 1...6, subjects 1...30).
    /// Mirror copies (each file gzipped) are verified against the SHA-256 of the .gz listed in
    /// the mirror's MANIFEST.md and then by the same structural check.
    static var uciHAR: DatasetSpec {
        let rows: [UCIHAR.Split: Int] = [.train: 7352, .test: 2947]
        var files = [DatasetSpec.ExpectedFile]()
        var members = [String: String]()
        for split in [UCIHAR.Split.train, .test] {
            let n = rows[split]!
            files.append(.init(path: UCIHAR.labelPath(split), validate: { url in
                try checkRows(UCIHAR.loadIntegers(url, range: 1...6).count, n, url) }))
            files.append(.init(path: UCIHAR.subjectPath(split), validate: { url in
                try checkRows(UCIHAR.loadIntegers(url, range: 1...30).count, n, url) }))
            for channel in UCIHAR.Channel.allCases {
                files.append(.init(path: UCIHAR.signalPath(channel, split), validate: { url in
                    try checkRows(UCIHAR.parseTable(readBytes(url), columns: 128, path: url.path).count / 128, n, url) }))
            }
        }
        for file in files { members["UCI HAR Dataset/" + file.path] = file.path }
        let mirrorDigests: [String: String] = [
            "train/y_train.txt": "aaf87bd71bdf73ac95133f15ee61ea7779cd6d9bf4c46cf93a06f796df43404b",
            "train/subject_train.txt": "d42f7bfbc3ea3029f1c19b6071246051efb0ad42374aa12848134edea4c248c6",
            "test/y_test.txt": "17bc6588bd4faea64558b0697197e8094fbdbba7be31d5b6d872525ca3d14b83",
            "test/subject_test.txt": "0a4718381415fbbac5fd6fa65a376fcc23239e06625d76a37e72f147c3392276",
        ]
        var mirror = [String: DatasetSpec.MirrorFile]()
        for file in files {
            mirror[file.path] = .init(path: "uci-har/" + file.path + ".gz", gunzip: true, digest: mirrorDigests[file.path].map(Checksum.sha256))
        }
        return DatasetSpec(name: .uciHAR, files: files, mirror: mirror,
                           downloads: [.init(remotePath: "UCI%20HAR%20Dataset.zip", size: nil, digest: nil, install: .zipMembers(members))],
                           defaultBaseURLs: ["https://archive.ics.uci.edu/ml/machine-learning-databases/00240/"])
    }

    static func checkRows(_ actual: Int, _ expected: Int, _ url: URL) throws {
        guard actual == expected else {
            throw DatasetError.badText(path: url.path, line: actual + 1, reason: "\(actual) rows, the release has \(expected)")
        }
    }
}
