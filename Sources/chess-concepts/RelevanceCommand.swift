import ArgumentParser
import ChessInterpretability
import Foundation
import Interpretability
import Neural

struct RelevanceCommand: WritesOutputDirectory {
    static let configuration = CommandConfiguration(
        commandName: "relevance",
        abstract: "Relevance maps: which squares and channels carry a concept probe's (or the value's) output for one position.",
        discussion: """
            Layer-wise relevance propagation (a rule per kind of layer, --rules; batch norm folded into the convolutions) from the \
            concept probe's logit at --layer, or from the value head's win-minus-loss logit with --concept value, \
            back to the input planes. On NNUE (--model stockfish) --concept value explains the evaluation, through \
            its layer stack, the pairwise products (half to each factor) and the feature transformer, down to the \
            two features of each piece. Writes the figure OUT/relevance in each --format (the board with a per-square heatmap: red \
            raises the output, blue lowers it), squares.csv, planes.csv, channels.csv (the layer's channels by \
            relevance), channels (Concept Relevance Propagation: the relevance flowing through each of \
            the most relevant channels alone) and relevance.json. OUT must be new, empty or an earlier relevance run.
            """)

    @OptionGroup var network: ModelOptions

    @OptionGroup var snapshot: CheckpointOptions

    @OptionGroup var probeCell: ProbeCellOptions

    @Option(help: "The position: a FEN or 'startpos'.")
    var fen: String

    @OptionGroup var relevanceRules: RelevanceRuleOptions

    @Option(help: "Most relevant channels to map one by one.")
    var channels = RelevanceRun.Settings.Defaults.channels

    @OptionGroup var savedProbes: SavedProbeOptions

    @OptionGroup var collections: CollectionOptions

    @OptionGroup var destination: OutputOptions

    @OptionGroup var figures: FigureOptions

    @OptionGroup var seeding: SeedOptions

    func run() throws {
        var settings = RelevanceRun.Settings(concept: probeCell.concept, fen: fen)
        settings.model = network.model
        settings.checkpoint = snapshot.checkpoint
        settings.layer = probeCell.layer
        settings.composite = try relevanceRules.composite()
        settings.channels = channels
        settings.probes = savedProbes.probes
        settings.data = collections.data
        settings.seed = seeding.seed
        let run = try RelevanceRun(settings: settings)
        let outcome = try run.run(out: outputDirectory, formats: figures.formats, onWarning: { printError($0) })
        print(String(format: "%@ at %@, step %d: prediction %.3f; relevance %.4g, on the input %.4g (%.4g kept by biases and ε)",
                     probeCell.concept, run.layer, run.step, outcome.prediction, outcome.total, outcome.squares.reduce(0, +), outcome.absorbed))
        print("most relevant squares: " + outcome.strongestSquares(5).map { String(format: "%@ %+.3g", "\($0.square)", $0.relevance) }.joined(separator: ", "))
        print("most relevant channels of \(run.layer): " + outcome.channels.prefix(5).map { String(format: "%d (%.3g)", $0.channel, $0.relevance) }.joined(separator: ", "))
        print("Wrote \(outputDirectory)/" + figures.files("relevance") + ", squares.csv, planes.csv, channels.csv, relevance.json")
    }
}
