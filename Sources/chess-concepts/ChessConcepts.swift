import ArgumentParser
import Neural

@main
struct ChessConcepts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chess-concepts",
        abstract: "Ask a chess network what it knows, when it learned it, and where it keeps it.",
        subcommands: [DemoCommand.self, ReportCommand.self],
        groupedSubcommands: [
            CommandGroup(name: "Rules", subcommands: [PerftCommand.self, MovesCommand.self, BoardCommand.self]),
            CommandGroup(name: "Collections", subcommands: [AnalyseCommand.self, ConceptsCommand.self]),
            CommandGroup(name: "Model", subcommands: [TrainCommand.self, EvaluateCommand.self, PlayCommand.self]),
            CommandGroup(name: "Interpret", subcommands: [
                ProbeCommand.self, ActivationsCommand.self, TCAVCommand.self, MaximiseCommand.self, RelevanceCommand.self,
                AttributeCommand.self, TabularCommand.self, ImagesCommand.self,
            ]),
        ]
    )

    /// Restarts under OpenBLAS kernels that suit this processor when OpenBLAS fell back to generic ones.
    static func main() {
        BLAS.restartWithRecommendedCore()
        main(nil)
    }
}
