import ArgumentParser
import VABCStudy

/// vabc (Bergamin et al., IJCNN 2022): Table I and Figures 2–9, V-ABC against the VAE.
@main
struct VABCNegativeGeneration: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vabc-negative-generation",
        abstract: "Regenerate vabc Table I and Figures 2–9: V-ABC against the VAE on the moons and MNIST, judged by a CNN.",
        discussion: "Trains the cells that have no run file under results/runs/vabc-negative-generation/, then writes results/vabc-negative-generation/README.md, the CSV and the figures.")

    @OptionGroup var options: VABCSectionOptions

    func run() throws {
        try options.run(commandName: Self.configuration.commandName!)
    }
}
