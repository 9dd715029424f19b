import Datasets
import Foundation

/// A small UCI-HAR set in the release's layout (`train/Inertial Signals/body_acc_x_train.txt`,
/// `train/y_train.txt`, ...), written by the tests that run the recurrent cells end to end.
/// Each window's body_acc_x is offset by its activity (class − 2.5) plus noise and every other
/// channel is noise, so the activity can be learned and "walking" (class 0) lies at one end.
enum UCIHARFixture {
    static func write(to folder: URL, trainPerClass: Int, testPerClass: Int, seed: UInt64 = 1) throws {
        var state = seed
        func noise() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        for (split, perClass) in [(UCIHAR.Split.train, trainPerClass), (.test, testPerClass)] {
            let labels = (0..<(6 * perClass)).map { $0 % 6 }
            let signals = folder.appendingPathComponent("\(split.rawValue)/Inertial Signals")
            try FileManager.default.createDirectory(at: signals, withIntermediateDirectories: true)
            try (labels.map { String($0 + 1) }.joined(separator: "\n") + "\n")
                .write(to: folder.appendingPathComponent(UCIHAR.labelPath(split)), atomically: true, encoding: .utf8)
            try (labels.map { _ in "1" }.joined(separator: "\n") + "\n")
                .write(to: folder.appendingPathComponent(UCIHAR.subjectPath(split)), atomically: true, encoding: .utf8)
            for channel in UCIHAR.Channel.allCases {
                let rows = labels.map { label -> String in
                    (0..<UCIHAR.stepsPerWindow).map { _ in
                        let offset = channel == .bodyAccX ? Double(label) - 2.5 : 0
                        return String(format: "%.6e", offset + 0.3 * noise())
                    }.joined(separator: " ")
                }
                try (rows.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent(UCIHAR.signalPath(channel, split)),
                                                              atomically: true, encoding: .utf8)
            }
        }
    }
}
