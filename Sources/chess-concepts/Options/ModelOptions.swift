import ArgumentParser
import ChessInterpretability

/// `--model`: the network a command reads.
struct ModelOptions: ParsableArguments {
    @Option(help: "The model directory (config.json and one safetensors file per checkpoint).")
    var model = RunDefaults.model
}
