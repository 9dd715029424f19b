import Foundation
@testable import Experiments

/// A fresh empty folder under the system temporary folder, removed by the caller.
func makeTemporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("experiments-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

let testProvenance = Provenance(
    git: GitState(commit: "0123456789abcdef0123456789abcdef01234567", dirty: true),
    machine: MachineDescription(hostname: "node7", cpuModel: "Test CPU @ 2.0GHz", coreCount: 16,
                                openBLASCore: "Haswell", blasThreads: 4))

func cell(_ seed: UInt64, section: String = "toy-section", model: String = "SS_D") -> CellConfiguration {
    CellConfiguration(section: section, dataset: "MNIST", model: model, setting: "100 labels",
                      seed: seed, profile: .smoke,
                      hyperparameters: ["epochs": 3, "learning rate": 0.0003])
}

func sampleRecord(_ configuration: CellConfiguration, accuracy: Double = 0.75) -> RunRecord {
    RunRecord(configuration: configuration,
              result: CellResult(metrics: ["test accuracy": accuracy, "test loss": .nan],
                                 history: ["train loss": [2.5, 1.25, 0.625]], epochs: 3,
                                 seeds: ["initialisation": configuration.seed, "data split": 42]),
              seconds: 12.5, provenance: testProvenance, date: "2026-11-21T11:15:18Z")
}
