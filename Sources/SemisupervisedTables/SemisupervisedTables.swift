import ArgumentParser
import SemiSupervisedStudy

/// semisupervised-vae Tables 3 and 7: semi-supervised classification with 100 and 1,000 labels.
@main
struct SemisupervisedTables: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "semisupervised-tables",
        abstract: "Regenerate semisupervised-vae Tables 3 and 7 (SS vs ES with 100 and 1,000 labels).",
        discussion: "Trains the cells that have no run file under results/runs/semisupervised-tables/, then writes results/semisupervised-tables/README.md, one CSV per table and the figures.")

    @OptionGroup var options: ClassificationSectionOptions

    func run() throws {
        try options.run(.semiSupervisedTables, commandName: Self.configuration.commandName!)
    }
}
