import ArgumentParser
import ChessInterpretability
import Foundation

struct GraphCommand: WritesOutputDirectory {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "The explanatory graph: how the value's (or a concept probe's) relevance flows down the tower, channel to channel.",
        discussion: """
            Concept Relevance Propagation's explanatory graph. Starts from the --top most relevant channels of the top \
            layer (--layer, default the last residual block; for a concept, its probe's layer) and follows the relevance \
            flowing from each into the channels of the layer below, conditioned on the nodes kept above, down to the stem: \
            an edge carries at least --threshold of its node's relevance, and each layer keeps its --top channels. With \
            --fen, for one position; without, aggregated over the first --positions positions of --data, each node and \
            edge with its mean over the positions it appears on and how often it does. Each node's reference positions \
            are those of the first --references positions of --data where its channel carries the most relevance. Writes \
            OUT/graph.json, graph.dot, graph.svg (layers as rows, edge width by flow), nodes in each --format (each node's \
            conditional heatmap, then its reference positions) and run.json. OUT must be new, empty or an earlier graph run.
            """)

    @OptionGroup var network: ModelOptions

    @OptionGroup var snapshot: CheckpointOptions

    @Option(help: "What is explained: 'value', or a binary or scalar concept whose probe at --layer is followed.")
    var from = "value"

    @Option(help: "The top layer (default: the last residual block).")
    var layer: String?

    @Option(help: "The position, a FEN or 'startpos' (default: a graph aggregated over --positions positions of --data).")
    var fen: String?

    @Option(help: "Positions the aggregated graph is built from, read from the start of --data.")
    var positions = ExplanatoryGraphRun.Settings.Defaults.positions

    @Option(name: .customLong("top-k"), help: "Nodes kept per layer.")
    var top = ExplanatoryGraphRun.Settings.Defaults.top

    @Option(help: "The share of a node's relevance an edge must carry (0…1).")
    var threshold = ExplanatoryGraphRun.Settings.Defaults.threshold

    @Option(help: "Positions of --data to find each node's reference positions among (0: none).")
    var references = ExplanatoryGraphRun.Settings.Defaults.references

    @OptionGroup var collections: CollectionOptions

    @OptionGroup var relevanceRules: RelevanceRuleOptions

    @OptionGroup var savedProbes: SavedProbeOptions

    @OptionGroup var destination: OutputOptions

    @OptionGroup var figures: FigureOptions

    @OptionGroup var seeding: SeedOptions

    func run() throws {
        var settings = ExplanatoryGraphRun.Settings()
        settings.model = network.model
        settings.checkpoint = snapshot.checkpoint
        settings.from = from
        settings.layer = layer
        settings.fen = fen
        settings.positions = positions
        settings.top = top
        settings.threshold = threshold
        settings.references = references
        settings.data = collections.data
        settings.composite = try relevanceRules.composite()
        settings.probes = savedProbes.probes
        settings.seed = seeding.seed
        let run = try ExplanatoryGraphRun(settings: settings, onWarning: { printError($0) })
        let line = ProgressLine(unit: "positions")
        let outcome = try run.run(out: outputDirectory, formats: figures.formats, onError: { printError("warning: \($0)") }) { line.update(count: $0, detail: "of \(positions)") }
        line.clear()
        let graph = outcome.graph
        print("\(graph.nodes.count) nodes and \(graph.edges.count) edges over \(graph.positions) position\(graph.positions == 1 ? "" : "s"), step \(run.step), in \(line.elapsedText)")
        for layer in graph.layers {
            let members = graph.nodes.filter { $0.id.layer == layer }.sorted { $0.relevance > $1.relevance }
            print("\(layer): " + members.map { String(format: "#%d %.3g", $0.id.channel, $0.relevance) }.joined(separator: ", "))
        }
        print(String(format: "largest share of a node's relevance taken by biases and stabilisers: %.2g", outcome.largestAbsorbedShare))
        print("Wrote \(outputDirectory)/graph.json, graph.dot, graph.svg, " + figures.files("nodes") + ", run.json")
    }
}
