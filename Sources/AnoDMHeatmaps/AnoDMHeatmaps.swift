import AnoDMStudy
import ArgumentParser

/// anodm Tables 1 and 2 and Figures 2, 3, 4 and 8 on MNIST and Fashion-MNIST.
@main
struct AnoDMHeatmaps: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anodm-heatmaps",
        abstract: "Regenerate anodm Tables 1, 2 and Figures 2, 3, 4, 8 (β-VAE + t-SNE anomaly scores on MNIST and Fashion-MNIST).",
        discussion: "Trains the cells that have no run file under results/runs/anodm-heatmaps/, then writes results/anodm-heatmaps/README.md, the CSVs and the figures.")

    @OptionGroup var options: AnoDMSectionOptions

    func run() throws {
        try options.run(commandName: Self.configuration.commandName!)
    }
}
