import ArgumentParser
import ChessInterpretability

/// `--model`: the network a command reads.
struct ModelOptions: ParsableArguments {
    @Option(help: "The network: a model directory (config.json and one safetensors file per checkpoint), a Stockfish 15.1 .nnue file, or 'stockfish' (the installed engine's own network).")
    var model = RunDefaults.model
}
