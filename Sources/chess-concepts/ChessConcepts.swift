import ArgumentParser
import ChessInterpretability
import Neural

@main
struct ChessConcepts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chess-concepts",
        abstract: "Ask a chess network what it knows, when it learned it, and where it keeps it.",
        subcommands: [DemoCommand.self, ReportCommand.self],
        groupedSubcommands: [
            CommandGroup(name: "Rules", subcommands: [PerftCommand.self, MovesCommand.self, BoardCommand.self]),
            CommandGroup(name: "Collections", subcommands: [AnalyseCommand.self, ConceptsCommand.self]),
            CommandGroup(name: "Model", subcommands: [TrainCommand.self, EvaluateCommand.self, EvalCommand.self, PlayCommand.self]),
            CommandGroup(name: "View", subcommands: [ServeCommand.self]),
            CommandGroup(name: "Interpret", subcommands: [
                ProbeCommand.self, ActivationsCommand.self, TCAVCommand.self, MaximiseCommand.self, RelevanceCommand.self,
                RelMaxCommand.self, GraphCommand.self,
                AttributeCommand.self, TabularCommand.self, ImagesCommand.self,
            ]),
        ]
    )

    /// Restarts under OpenBLAS kernels that suit this processor when OpenBLAS fell back to generic ones.
    /// Library errors are mapped to the command line's words (flags, exit statuses) here,
    /// once: a bad setting exits 64 (EX_USAGE), any other failure of a run exits 1, each
    /// with one `Error:` line and no usage text (the subcommand's `--help` has it).
    static func main() async {
        BLAS.restartWithRecommendedCore()
        var command: any ParsableCommand
        do { command = try parseAsRoot() } catch { exit(withError: error) }
        do {
            if var served = command as? any AsyncParsableCommand { try await served.run() } else { try command.run() }
        } catch let error as RunError {
            printError("Error: \(error.commandLineMessage)")
            exit(withError: error.setting != nil ? ExitCode.validationFailure : ExitCode.failure)
        } catch let error as ValidationError {
            printError("Error: \(error.message)")
            exit(withError: ExitCode.validationFailure)
        } catch where error is ExitCode || exitCode(for: error) == .success || exitCode(for: error) == .validationFailure {
            // The parser's own outcomes (help, a bad flag met while running a nested command) keep its handling.
            exit(withError: error)
        } catch {
            printError("Error: \(error)")
            exit(withError: ExitCode.failure)
        }
    }
}
