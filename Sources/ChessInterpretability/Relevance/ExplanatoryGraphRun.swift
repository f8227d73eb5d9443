import Chess
import ChessModel
import Concepts
import DataFiles
import Foundation
import Interpretability
import Plotting
import PositionCollections

/// The explanatory graph of the value (or a concept probe) down the residual tower, for
/// one position or aggregated over positions of collections, with reference positions
/// for each node: where its channel carries the most relevance in a collection. Writes
/// `graph.json`, `graph.dot`, `graph.svg`, `nodes.png` and `.svg` (each node's
/// conditional heatmap, then its reference positions with theirs) and `run.json`, into a
/// directory that is new, empty, or an earlier graph's.
///
/// ```swift
/// var settings = ExplanatoryGraphRun.Settings()
/// settings.fen = "r1bqkbnr/pppp1ppp/2n5/4p3/4P3/5N2/PPPP1PPP/RNBQKB1R w KQkq - 2 3"
/// let graph = try ExplanatoryGraphRun(settings: settings).run(out: "graph").graph
/// ```
package struct ExplanatoryGraphRun {
    package struct Settings: Codable, Sendable {
        package enum Defaults {
            package static let top = 3
            package static let threshold = 0.1
            package static let positions = 64
            package static let references = 2_000
            package static let referencesPerNode = 3
        }

        package var model = RunDefaults.model
        package var checkpoint: Int?
        /// `value`, or a concept whose probe at `layer` is explained.
        package var from = "value"
        /// The top layer (the probe's, for a concept); `nil` for the last residual block.
        package var layer: String?
        /// The position explained; `nil` for a graph aggregated over `positions` of `data`.
        package var fen: String?
        package var data = RunDefaults.collections
        /// Positions the aggregated graph is built from, read from the start of `data`.
        package var positions = Defaults.positions
        /// Nodes kept per layer.
        package var top = Defaults.top
        /// The share of a node's relevance an edge must carry.
        package var threshold = Defaults.threshold
        /// Positions of `data` to find each node's reference positions among (0: none).
        package var references = Defaults.references
        package var composite = RelevanceComposite.standard
        package var probes = RelevanceRun.Settings.Defaults.probes
        package var seed: UInt64 = RunDefaults.seed

        package init() {}
    }

    package struct Outcome: Sendable {
        package let graph: ExplanatoryGraph
        /// The largest |relevance − outflow| / |relevance| over the nodes: what biases and stabilisers take.
        package let largestAbsorbedShare: Double
    }

    package let settings: Settings
    package let step: Int
    private let builder: ExplanatoryGraphBuilder
    private let source: RelevanceSource
    /// The position explained, for a graph of one.
    private let position: Position?

    /// Resolves the model, layers, source and position; errors name the bad setting.
    package init(settings: Settings, onWarning: (String) -> Void = { _ in }) throws(RunError) {
        let (step, resolved) = try NetworkModel(settings.model).network(checkpoint: settings.checkpoint, seed: settings.seed)
        guard let network = resolved as? PolicyValueNetwork else {
            throw RunError.invalidSetting("model", value: settings.model,
                                          requirement: "the explanatory graph follows convolution channels down a residual tower; this network has none")
        }
        let trunk = network.sensitivityLayers
        let top = settings.layer ?? trunk.last!
        guard let end = trunk.firstIndex(of: top) else {
            throw RunError.invalidSetting("layer", value: top, requirement: "not a layer of the tower (\(trunk.joined(separator: ", ")))")
        }
        guard settings.top > 0 else { throw RunError.invalidSetting("top", value: "\(settings.top)", requirement: "must be positive") }
        guard (0...1).contains(settings.threshold) else { throw RunError.invalidSetting("threshold", value: "\(settings.threshold)", requirement: "must lie in 0…1") }
        guard settings.fen != nil || settings.positions > 0 else { throw RunError.invalidSetting("positions", value: "\(settings.positions)", requirement: "must be positive") }
        do { position = try settings.fen.map { try Position(fenOrStartpos: $0) } } catch { throw RunError.unreadableSetting("fen", underlying: error) }
        if settings.from == "value" {
            source = .output
        } else {
            let concept: Concept
            do { concept = try ConceptCatalogue.named(settings.from) } catch { throw RunError.unreadableSetting("from", underlying: error) }
            guard concept.kind == .binary || concept.kind == .scalar else {
                throw RunError.invalidSetting("from", value: concept.name, requirement: "categorical; the graph needs a one-output (binary or scalar) probe")
            }
            let store = ProbeStore(directory: settings.probes, model: settings.model, data: settings.data, seed: settings.seed)
            source = .probe(layer: top, direction: try store.probe(concept: concept.name, step: step, layer: top, onWarning: onWarning).direction)
        }
        self.step = step
        self.settings = settings
        builder = ExplanatoryGraphBuilder(network: network, layers: Array(trunk[...end].reversed()), composite: settings.composite,
                                          top: settings.top, threshold: settings.threshold)
    }

    package func run(out: String, formats: FigureFormats = RunDefaults.figureFormats, onError: @escaping (CollectionError) -> Void = { _ in },
                     progress: (Int) -> Void = { _ in }) throws -> Outcome {
        try OutputDirectory.claim(out, marker: "graph.json")
        var graph: ExplanatoryGraph
        var shown: [ExplanatoryGraph.NodeID: (position: Position, heat: [Double])]
        if let position {
            let (single, heatmaps) = builder.graph(of: position, explaining: source, name: settings.from)
            graph = single
            shown = heatmaps.mapValues { (position, $0) }
        } else {
            (graph, shown) = aggregate(PositionStream(paths: settings.data, onError: onError).next(settings.positions).map(\.position), progress: progress)
        }
        if settings.references > 0 { attachReferences(to: &graph, onError: onError) }
        let largestAbsorbed = graph.nodes.compactMap { node in node.absorbed.map { abs($0) / max(abs(node.relevance), 1e-12) } }.max() ?? 0
        try JSONFile.write(graph, to: "\(out)/graph.json")
        try AtomicFileWriter.write(Data(graph.dot().utf8), to: "\(out)/graph.dot")
        try ExplanatoryGraphFigure(graph).write(to: "\(out)/graph", formats: formats)
        try drawNodes(graph, shown: shown, out: out, formats: formats)
        try RunManifest(
            command: "graph", title: "Explanatory graph of \(settings.from)" + (settings.fen == nil ? " over \(graph.positions) positions" : ""),
            summary: "Concept Relevance Propagation's explanatory graph (LRP \(settings.composite)) of \(settings.from == "value" ? "the value head's win-minus-loss logit" : "the \(settings.from) probe's read-out") "
                + "from \(builder.layers.first!) down to \(builder.layers.last!) at step \(step): the \(settings.top) most relevant channels of each layer, "
                + "conditioned on the nodes above, joined by the relevance flowing between them (edges carrying at least \(Int(settings.threshold * 100))% of their source). "
                + "Each node's board shows the relevance flowing through it, then the positions of the collection where its channel carries the most relevance.",
            settings: settings, outcome: Summary(nodes: graph.nodes.count, edges: graph.edges.count, positions: graph.positions, largestAbsorbedShare: largestAbsorbed),
            findings: findings(graph, largestAbsorbed: largestAbsorbed),
            figures: [.init(path: formats.file("graph"), caption: "the graph: layers as rows, edge width by flow"),
                      .init(path: formats.file("nodes"), caption: "each node's conditional heatmap, then its reference positions")],
            files: [.init(path: "graph.json", caption: "nodes, edges, flows and reference positions"), .init(path: "graph.dot", caption: "the graph for Graphviz")]
        ).write(to: out)
        return Outcome(graph: graph, largestAbsorbedShare: largestAbsorbed)
    }

    /// One graph per position, merged: each node and edge with its mean over the positions it appears on and how often it does;
    /// each layer keeps its `top` nodes by summed relevance. A node is shown on the position where it carries the most.
    private func aggregate(_ positions: [Position], progress: (Int) -> Void) -> (ExplanatoryGraph, [ExplanatoryGraph.NodeID: (position: Position, heat: [Double])]) {
        var nodes = [ExplanatoryGraph.NodeID: (relevance: Double, outflow: Double, absorbed: Double, count: Int)]()
        var edges = [Pair: (flow: Double, count: Int)]()
        var best = [ExplanatoryGraph.NodeID: (relevance: Double, position: Position, heat: [Double])]()
        for (index, position) in positions.enumerated() {
            let (single, heatmaps) = builder.graph(of: position, explaining: source, name: settings.from)
            for node in single.nodes {
                let sum = nodes[node.id] ?? (0, 0, 0, 0)
                nodes[node.id] = (sum.relevance + node.relevance, sum.outflow + (node.outflow ?? 0), sum.absorbed + (node.absorbed ?? 0), sum.count + 1)
                if node.relevance > (best[node.id]?.relevance ?? -.infinity) { best[node.id] = (node.relevance, position, heatmaps[node.id]!) }
            }
            for edge in single.edges {
                let sum = edges[Pair(from: edge.from, to: edge.to)] ?? (0, 0)
                edges[Pair(from: edge.from, to: edge.to)] = (sum.flow + edge.flow, sum.count + 1)
            }
            progress(index + 1)
        }
        var kept = Set<ExplanatoryGraph.NodeID>()
        for layer in builder.layers {
            kept.formUnion(nodes.filter { $0.key.layer == layer }.sorted { ($0.value.relevance, $1.key) > ($1.value.relevance, $0.key) }.prefix(settings.top).map(\.key))
        }
        let lowest = builder.layers.last!
        let graphNodes = kept.sorted().map { id in
            let sum = nodes[id]!, n = Double(sum.count)
            return ExplanatoryGraph.Node(id: id, relevance: sum.relevance / n, outflow: id.layer == lowest ? nil : sum.outflow / n,
                                         absorbed: id.layer == lowest ? nil : sum.absorbed / n, appearances: sum.count, references: [])
        }
        let graphEdges = edges.filter { kept.contains($0.key.from) && kept.contains($0.key.to) }.sorted { ($0.key.from, $0.key.to) < ($1.key.from, $1.key.to) }
            .map { ExplanatoryGraph.Edge(from: $0.key.from, to: $0.key.to, flow: $0.value.flow / Double($0.value.count), appearances: $0.value.count) }
        let graph = ExplanatoryGraph(source: settings.from, layers: builder.layers, fen: nil, positions: positions.count, nodes: graphNodes, edges: graphEdges)
        return (graph, best.filter { kept.contains($0.key) }.mapValues { ($0.position, $0.heat) })
    }

    private struct Pair: Hashable {
        let from: ExplanatoryGraph.NodeID, to: ExplanatoryGraph.NodeID
    }

    /// Streams `references` positions and gives each node the ones where its channel carries the most relevance.
    private func attachReferences(to graph: inout ExplanatoryGraph, onError: @escaping (CollectionError) -> Void) {
        var rankings = Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.id, RankedPositions(capacity: Settings.Defaults.referencesPerNode)) })
        let stream = PositionStream(paths: settings.data, onError: onError)
        var read = 0
        while read < settings.references {
            let batch = stream.next(min(256, settings.references - read))
            if batch.isEmpty { break }
            let relevance = builder.channelRelevance(of: batch.map(\.position), explaining: source)
            for (row, item) in batch.enumerated() {
                for id in rankings.keys {
                    let value = relevance[id.layer]![row][id.channel]
                    guard rankings[id]!.admits(value) else { continue }
                    rankings[id]!.offer(.init(fen: item.position.fen, source: item.source, game: item.game, ply: item.ply, score: value, relevance: value, activation: 0))
                }
            }
            read += batch.count
        }
        for index in graph.nodes.indices { graph.nodes[index].references = rankings[graph.nodes[index].id]!.entries }
    }

    /// One row per node: its conditional heatmap on the position explained (or where it carries
    /// the most), then its reference positions, each with the relevance through its channel alone.
    private func drawNodes(_ graph: ExplanatoryGraph, shown: [ExplanatoryGraph.NodeID: (position: Position, heat: [Double])], out: String, formats: FigureFormats) throws {
        var rows = [[BoardPicture]]()
        for layer in graph.layers {
            for node in graph.nodes.filter({ $0.id.layer == layer }).sorted(by: { $0.relevance > $1.relevance }) {
                var row = [BoardPicture]()
                if let (position, heat) = shown[node.id] {
                    row.append(BoardPicture(position, title: "\(node.id.name): R \(String(format: "%.3g", node.relevance))", heat: RelevanceRun.normalised(heat)))
                }
                for (rank, entry) in node.references.enumerated() {
                    let position = try Position(fen: entry.fen)
                    let map = builder.network.relevance(of: position, explaining: source, rankedAt: layer, through: .channels([node.id.channel]), composite: settings.composite)
                    row.append(BoardPicture(position, title: "#\(node.id.channel) reference \(rank + 1): \(String(format: "%.3g", entry.relevance))", heat: RelevanceRun.normalised(map.squares)))
                }
                rows.append(row)
            }
        }
        try BoardPicture.rows(rows).write(to: "\(out)/nodes", formats: formats)
    }

    private func findings(_ graph: ExplanatoryGraph, largestAbsorbed: Double) -> [String] {
        var findings = [String]()
        for layer in graph.layers {
            let members = graph.nodes.filter { $0.id.layer == layer }.sorted { $0.relevance > $1.relevance }
            guard !members.isEmpty else { continue }
            findings.append("\(layer): " + members.map { "#\($0.id.channel) (\(String(format: "%.3g", $0.relevance))" + (graph.positions > 1 ? ", on \($0.appearances) of \(graph.positions)" : "") + ")" }.joined(separator: ", ") + ".")
        }
        if let strongest = graph.edges.max(by: { abs($0.flow) < abs($1.flow) }) {
            findings.append("The strongest flow: \(strongest.from.name) → \(strongest.to.name), \(String(format: "%.3g", strongest.flow)).")
        }
        findings.append(String(format: "Conservation: every node's flows into the layer below sum to its relevance but for at most %.2g of it, what biases and stabilisers take.", largestAbsorbed))
        return findings
    }

    struct Summary: Codable {
        let nodes: Int, edges: Int, positions: Int, largestAbsorbedShare: Double
    }
}
