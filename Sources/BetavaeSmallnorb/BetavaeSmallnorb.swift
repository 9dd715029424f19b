import ArgumentParser
import DisentanglementStudy

/// semisupervised-vae section 4, Table 12: the βVAE score against label budgets, with the
/// model of Table 16, on Small-NORB where its files are and on rendered dSprites everywhere.
@main
struct BetavaeSmallnorb: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "betavae-smallnorb",
        abstract: "Regenerate semisupervised-vae Table 12 (βVAE score against label budgets; Small-NORB where present, rendered dSprites here).",
        discussion: "Trains the cells that have no run file under results/runs/betavae-smallnorb/ (Small-NORB cells only where `make data` installed it), then writes results/betavae-smallnorb/README.md, its CSV and figures.")

    @OptionGroup var options: DisentanglementSectionOptions

    func run() throws {
        try options.run(commandName: Self.configuration.commandName!)
    }
}
