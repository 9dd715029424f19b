import AnoDMHeartbeatStudy
import ArgumentParser

/// anodm Figures 2e, 5, 6, 8b and Table 2's Arrhythmia rows on the MIT-BIH heartbeats.
@main
struct AnoDMECG: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anodm-ecg",
        abstract: "Regenerate anodm Figures 2e, 5, 6, 8b and Table 2's Arrhythmia rows (β-VAE + t-SNE anomaly scores on ECG heartbeats: TCN, CNN and LSTM encoders).",
        discussion: "Trains the cells that have no run file under results/runs/anodm-ecg/, then writes results/anodm-ecg/README.md, the CSVs and the figures.")

    @OptionGroup var options: HeartbeatSectionOptions

    func run() throws {
        try options.run(commandName: Self.configuration.commandName!)
    }
}
