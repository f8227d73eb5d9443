import ArgumentParser
import ChessInterpretability
import ChessModel

/// `--model`: the network a command reads, and whether its checkpoints are checked.
struct ModelOptions: ParsableArguments {
    @Option(help: "The network: a model directory (config.json and one safetensors file per checkpoint), a Stockfish 15.1 .nnue file, or 'stockfish' (the installed engine's own network).")
    var model = RunDefaults.model

    @Flag(name: .customLong("no-verify"), help: "Load checkpoints whose SHA-256 differs from the one config.json records.")
    var noVerify = false

    /// Parsing is the one moment every command passes through before it loads a network,
    /// so the switch is set here.
    func validate() throws {
        ModelDirectory.verifiesCheckpoints.store(!noVerify, ordering: .relaxed)
    }
}
