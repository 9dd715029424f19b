import ArgumentParser
import SemiSupervisedStudy

/// semisupervised-vae Tables 4 and 8: with every label, does the decoder still help?
@main
struct DecoderRegularizer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decoder-regularizer",
        abstract: "Regenerate semisupervised-vae Tables 4 and 8 (SS vs ES with every label).",
        discussion: "Trains the cells that have no run file under results/runs/decoder-regularizer/, then writes results/decoder-regularizer/README.md, one CSV per table and the figures.")

    @OptionGroup var options: ClassificationSectionOptions

    func run() throws {
        try options.run(.decoderRegularizer, commandName: Self.configuration.commandName!)
    }
}
