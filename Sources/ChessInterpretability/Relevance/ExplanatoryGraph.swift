import Foundation

/// Concept Relevance Propagation's explanatory graph (Achtibat et al. 2023): channels as
/// nodes, layer by layer from the top, and the relevance flowing from a channel into the
/// channels of the layer below as edges. A node's relevance is what reaches it through
/// the nodes kept above (conditions chained layer after layer); an edge's flow is what
/// passes from one node into the other. Over several positions, nodes and edges carry
/// their mean and how often they appear.
///
/// ```swift
/// let graph = try ExplanatoryGraphRun(settings: settings).run(out: "graph").graph
/// graph.nodes.first { $0.layer == "block6" }?.relevance
/// ```
package struct ExplanatoryGraph: Codable, Sendable, Equatable {
    /// A channel of a layer.
    package struct NodeID: Codable, Sendable, Hashable, Comparable {
        package let layer: String
        package let channel: Int

        package var name: String { "\(layer) #\(channel)" }

        package static func < (a: NodeID, b: NodeID) -> Bool { (a.layer, a.channel) < (b.layer, b.channel) }
    }

    package struct Node: Codable, Sendable, Equatable {
        package let id: NodeID
        /// Relevance reaching the channel through the nodes above (mean over the positions it appears on).
        package var relevance: Double
        /// Relevance passing from it into every channel of the layer below (nil on the lowest layer).
        package var outflow: Double?
        /// What the layers between take (biases, stabilisers): `relevance` − `outflow`.
        package var absorbed: Double?
        /// Positions on which the node is in the graph.
        package var appearances: Int
        /// Positions where the channel carries the most relevance for the output, with their relevance.
        package var references: [RankedPositions.Entry]
    }

    package struct Edge: Codable, Sendable, Equatable {
        package let from: NodeID, to: NodeID
        /// Relevance flowing along it (mean over the positions it appears on).
        package var flow: Double
        package var appearances: Int
    }

    /// What is explained: `value`, or a concept probe's read-out.
    package let source: String
    /// Top to bottom.
    package let layers: [String]
    /// The position explained, for a graph of one.
    package let fen: String?
    /// Positions the graph is built from.
    package let positions: Int
    package var nodes: [Node]
    package var edges: [Edge]

    /// Graphviz's DOT: one rank per layer, edge width by flow.
    package func dot() -> String {
        let largest = edges.map { abs($0.flow) }.max() ?? 1
        var text = "digraph explanatory {\n  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\"];\n"
        for layer in layers {
            let members = nodes.filter { $0.id.layer == layer }
            guard !members.isEmpty else { continue }
            text += "  { rank=same; " + members.map { "\"\($0.id.name)\"" }.joined(separator: "; ") + "; }\n"
            for node in members {
                text += "  \"\(node.id.name)\" [label=\"\(node.id.name)\\nR = \(Self.format(node.relevance))\"];\n"
            }
        }
        for edge in edges {
            let width = max(0.5, 6 * abs(edge.flow) / max(largest, 1e-12))
            text += "  \"\(edge.from.name)\" -> \"\(edge.to.name)\" [penwidth=\(String(format: "%.2f", width)), label=\"\(Self.format(edge.flow))\""
                + (edge.flow < 0 ? ", color=\"#2b6cb0\"" : ", color=\"#c53030\"") + "];\n"
        }
        return text + "}\n"
    }

    static func format(_ value: Double) -> String { String(format: "%.3g", value) }
}
