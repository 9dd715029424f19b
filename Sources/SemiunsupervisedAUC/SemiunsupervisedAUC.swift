import AnomalyStudy
import ArgumentParser

/// semisupervised-vae Tables 5, 6 and 9, Figures 2–4, and the feedback scheme of its section 5.
@main
struct SemiunsupervisedAUC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "semiunsupervised-auc",
        abstract: "Regenerate semisupervised-vae Tables 5, 6, 9 (anomaly AUC, EU_D vs SS_D), Figures 2–4 and the section-5 feedback experiment.",
        discussion: "Trains the cells that have no run file under results/runs/semiunsupervised-auc/, then writes results/semiunsupervised-auc/README.md, one CSV per table and the figures.")

    @OptionGroup var options: AnomalySectionOptions

    func run() throws {
        try options.run(commandName: Self.configuration.commandName!)
    }
}
