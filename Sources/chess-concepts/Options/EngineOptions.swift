import ArgumentParser
import Chess

/// `--engine` and `--nodes`: the Stockfish that `play` meets and `evaluate` measures beside
/// the network. One thread and a fixed node count make its answers repeatable.
struct EngineOptions: ParsableArguments {
    @Option(help: "Nodes Stockfish searches per move (one thread).")
    var nodes = 100

    @Option(help: "The Stockfish executable (default: /usr/games/stockfish or the first on PATH).")
    var engine: String?

    func validate() throws {
        guard nodes >= 1 else { throw ValidationError("--nodes must be at least 1") }
    }

    /// The executable to start.
    func path() throws -> String {
        guard let path = engine ?? UCIEngine.findStockfish() else { throw UCIError.notFound("stockfish") }
        return path
    }
}
