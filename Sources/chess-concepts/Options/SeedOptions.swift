import ArgumentParser
import ChessInterpretability

/// `--seed`: every random choice of a run flows from it, so equal seeds write equal files.
struct SeedOptions: ParsableArguments {
    @Option(help: "Seed of every random choice; the same seed gives the same files.")
    var seed = RunDefaults.seed
}
