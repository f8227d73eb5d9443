import ArgumentParser
import ChessInterpretability

/// `--data`: the collections a command draws positions from.
struct CollectionOptions: ParsableArguments {
    @Option(parsing: .upToNextOption, help: "PGN, EPD or FEN collections (optionally gzipped) to draw positions from.")
    var data = RunDefaults.collections
}
