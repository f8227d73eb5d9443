import ArgumentParser
import Neural

@main
struct ChessConcepts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chess-concepts",
        abstract: "Ask a chess network what it knows, when it learned it, and where it keeps it.",
        subcommands: [PerftCommand.self, MovesCommand.self, AnalyseCommand.self, ConceptsCommand.self, TrainCommand.self, EvaluateCommand.self, PlayCommand.self, ProbeCommand.self, ActivationsCommand.self, MaximiseCommand.self, TabularCommand.self, ImagesCommand.self, TCAVCommand.self, AttributeCommand.self, RelevanceCommand.self, BoardCommand.self, ReportCommand.self, DemoCommand.self]
    )

    /// Restarts under OpenBLAS kernels that suit this processor when OpenBLAS fell back to generic ones.
    static func main() {
        BLAS.restartWithRecommendedCore()
        main(nil)
    }
}
