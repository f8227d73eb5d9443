import ArgumentParser
import Chess
import ChessInterpretability
import PositionCollections

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "A network's view of positions: the own network's top moves and win/draw/loss, or NNUE's evaluation and buckets.",
        discussion: """
            With --model stockfish (or a .nnue file) and --json, each line's nnue_evaluation (White's view), \
            bucket and buckets (PSQT and positional per bucket, the side to move's view) equal what \
            Stockfish 15.1's `eval` command prints, in pawns of 361 internal units rounded as it rounds.
            """)

    @OptionGroup var model: ModelOptions
    @OptionGroup var checkpoint: CheckpointOptions

    @Option(name: .customLong("fen"), help: "A position: a FEN or 'startpos' (repeatable).")
    var fens: [String] = []

    @Option(help: "A PGN, EPD or FEN collection (optionally gzipped): every position in it.")
    var positions: String?

    @Flag(help: "One JSON object per position and line.")
    var json = false

    @Option(help: "Moves listed for a policy network.")
    var moves = 5

    func validate() throws {
        guard !fens.isEmpty || positions != nil else { throw ValidationError("give --fen or --positions") }
        guard moves >= 1 else { throw ValidationError("--moves must be at least 1") }
    }

    func run() throws {
        let source = try NetworkModel(model.model)
        let network = try source.network(at: try source.checkpoint(checkpoint.checkpoint))
        func show(_ position: Position) {
            let view = PositionEvaluation(network: network, position: position, moves: moves)
            print(json ? view.jsonLine : view.text + "\n")
        }
        for fen in fens { show(try parsePosition(fen)) }
        guard let positions else { return }
        let reader: CollectionReader
        do { reader = try CollectionReader(path: positions) } catch { throw ValidationError("--positions: \(error)") }
        var failures = 0
        while let item = reader.next() {
            switch item.positions(path: positions) {
            case .success(let (found, warnings)):
                for warning in warnings { printError("warning: \(warning)") }
                found.forEach(show)
            case .failure(let error):
                failures += 1
                printError("warning: \(error); skipped")
            }
        }
        if failures > 0 { printError("\(failures) entries of \(positions) could not be read") }
    }
}
