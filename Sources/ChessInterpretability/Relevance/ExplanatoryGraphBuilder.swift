import Chess
import ChessModel
import Interpretability
import Neural

/// Builds the explanatory graph of one position: the `top` most relevant channels of the
/// top layer, then, for each node, the relevance flowing from it into every channel of the
/// layer below, conditioned on the nodes kept above (CRP's chained conditions). A
/// channel below becomes a node when it takes at least `threshold` of a parent's relevance
/// and is among the layer's `top` by the relevance reaching it.
///
/// ```swift
/// let builder = ExplanatoryGraphBuilder(network: network, layers: ["block2", "block1", "stem"], composite: .standard, top: 3, threshold: 0.1)
/// let (graph, heatmaps) = builder.graph(of: position, explaining: .output, name: "value")
/// ```
package struct ExplanatoryGraphBuilder {
    package let network: PolicyValueNetwork
    /// Top to bottom.
    package let layers: [String]
    package let composite: RelevanceComposite
    package let top: Int
    package let threshold: Double

    package init(network: PolicyValueNetwork, layers: [String], composite: RelevanceComposite, top: Int, threshold: Double) {
        self.network = network
        self.layers = layers
        self.composite = composite
        self.top = top
        self.threshold = threshold
    }

    /// The graph of `position` and each node's conditional heatmap over the board (per
    /// `Square.index`): the input relevance flowing through the nodes above and it.
    package func graph(of position: Position, explaining source: RelevanceSource, name: String) -> (graph: ExplanatoryGraph, heatmaps: [ExplanatoryGraph.NodeID: [Double]]) {
        let (trace, start) = network.relevanceTrace(of: [position], explaining: source, composite: composite)
        var nodes = [ExplanatoryGraph.Node](), edges = [ExplanatoryGraph.Edge](), heatmaps = [ExplanatoryGraph.NodeID: [Double]]()
        var above = [LayerwiseRelevance.Condition]()
        let first = PolicyValueNetwork.channelSums(trace.propagate(start, to: layers[0]).relevance)
        var level = strongest(first.enumerated().map { ($0.offset, $0.element) })
        for (depth, layer) in layers.enumerated() {
            let below = depth + 1 < layers.count ? layers[depth + 1] : nil
            var inflow = [Int: Double]()
            var levelEdges = [ExplanatoryGraph.Edge]()
            for (channel, relevance) in level {
                let id = ExplanatoryGraph.NodeID(layer: layer, channel: channel)
                // One propagation to the input gives the node's heatmap and, on the way, its flows into the layer below.
                let (input, recorded) = trace.propagate(start, conditions: above + [.init(layer: layer, channels: [channel])])
                heatmaps[id] = PolicyValueNetwork.squares(of: input, row: 0, sideToMove: position.sideToMove)
                var node = ExplanatoryGraph.Node(id: id, relevance: relevance, outflow: nil, absorbed: nil, appearances: 1, references: [])
                if let below {
                    let flows = PolicyValueNetwork.channelSums(recorded[below]!)
                    node.outflow = flows.reduce(0, +)
                    node.absorbed = relevance - node.outflow!
                    for (child, flow) in flows.enumerated() {
                        inflow[child, default: 0] += flow
                        if abs(flow) >= threshold * abs(relevance) && flow != 0 {
                            levelEdges.append(.init(from: id, to: .init(layer: below, channel: child), flow: flow, appearances: 1))
                        }
                    }
                }
                nodes.append(node)
            }
            above.append(.init(layer: layer, channels: Set(level.map(\.channel))))
            guard below != nil else { break }
            // The layer below keeps its `top` channels by relevance reaching them, among those an edge reaches.
            let reached = Set(levelEdges.map(\.to.channel))
            level = strongest(inflow.filter { reached.contains($0.key) }.map { ($0.key, $0.value) })
            let kept = Set(level.map(\.channel))
            edges += levelEdges.filter { kept.contains($0.to.channel) }
        }
        let graph = ExplanatoryGraph(source: name, layers: layers, fen: position.fen, positions: 1, nodes: nodes, edges: edges)
        return (graph, heatmaps)
    }

    /// The `top` channels with the most (positive) relevance, strongest first.
    private func strongest(_ channels: [(Int, Double)]) -> [(channel: Int, relevance: Double)] {
        channels.filter { $0.1 > 0 }.sorted { ($0.1, -$0.0) > ($1.1, -$1.0) }.prefix(top).map { (channel: $0.0, relevance: $0.1) }
    }

    /// For each of `layers`, the relevance of `source` per channel on each of `positions`
    /// ([layer][position][channel]), unconditioned: what reference positions are ranked by.
    package func channelRelevance(of positions: [Position], explaining source: RelevanceSource) -> [String: [[Double]]] {
        let (trace, start) = network.relevanceTrace(of: positions, explaining: source, composite: composite)
        let (lowest, recorded) = trace.propagate(start, to: layers.last!)
        var result = [String: [[Double]]]()
        for layer in layers {
            let relevance = layer == layers.last! ? lowest : recorded[layer]!
            let channels = relevance.shape.last!, width = relevance.rowSize
            result[layer] = (0..<positions.count).map { row in
                var sums = [Double](repeating: 0, count: channels)
                for i in 0..<width { sums[i % channels] += Double(relevance.storage[row * width + i]) }
                return sums
            }
        }
        return result
    }
}
