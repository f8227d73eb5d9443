import ArgumentParser

/// `--checkpoint`: which of a model's saved steps a command reads.
struct CheckpointOptions: ParsableArguments {
    @Option(help: "Checkpoint step (default: the last saved).")
    var checkpoint: Int?
}
