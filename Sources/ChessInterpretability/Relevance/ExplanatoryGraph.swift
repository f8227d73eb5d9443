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

    /// A drawing: layers as rows (top layer first), edges as lines whose width follows the
    /// flow (red where relevance is positive, blue where negative).
    package func svg() -> String {
        let rowHeight = 110, nodeWidth = 112, nodeHeight = 40, margin = 90
        let rows = layers.filter { layer in nodes.contains { $0.id.layer == layer } }
        let widest = rows.map { layer in nodes.filter { $0.id.layer == layer }.count }.max() ?? 1
        let width = margin + widest * (nodeWidth + 24) + 24, height = rows.count * rowHeight + 40
        var position = [NodeID: (x: Int, y: Int)]()
        for (row, layer) in rows.enumerated() {
            // By channel, so that a channel the residual stream carries down stays in one column as far as it can.
            let members = nodes.filter { $0.id.layer == layer }.sorted { $0.id.channel < $1.id.channel }
            let offset = margin + (widest - members.count) * (nodeWidth + 24) / 2
            for (index, node) in members.enumerated() {
                position[node.id] = (offset + index * (nodeWidth + 24) + nodeWidth / 2, 30 + row * rowHeight + nodeHeight / 2)
            }
        }
        let largest = edges.map { abs($0.flow) }.max() ?? 1
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        for (row, layer) in rows.enumerated() {
            svg += "<text x=\"8\" y=\"\(30 + row * rowHeight + nodeHeight / 2 + 4)\" font-weight=\"bold\">\(layer)</text>\n"
        }
        for edge in edges {
            guard let a = position[edge.from], let b = position[edge.to] else { continue }
            let stroke = max(0.6, 8 * abs(edge.flow) / max(largest, 1e-12))
            svg += "<line x1=\"\(a.x)\" y1=\"\(a.y + nodeHeight / 2)\" x2=\"\(b.x)\" y2=\"\(b.y - nodeHeight / 2)\" stroke=\"\(edge.flow < 0 ? "#2b6cb0" : "#c53030")\" "
                + "stroke-opacity=\"0.7\" stroke-width=\"\(String(format: "%.2f", stroke))\"><title>\(edge.from.name) → \(edge.to.name): \(Self.format(edge.flow))</title></line>\n"
        }
        for node in nodes {
            guard let p = position[node.id] else { continue }
            svg += "<rect x=\"\(p.x - nodeWidth / 2)\" y=\"\(p.y - nodeHeight / 2)\" width=\"\(nodeWidth)\" height=\"\(nodeHeight)\" rx=\"6\" fill=\"#f7fafc\" stroke=\"#4a5568\"/>\n"
            svg += "<text x=\"\(p.x)\" y=\"\(p.y - 3)\" text-anchor=\"middle\">#\(node.id.channel)</text>\n"
            svg += "<text x=\"\(p.x)\" y=\"\(p.y + 12)\" text-anchor=\"middle\" font-size=\"11\">R \(Self.format(node.relevance))"
                + (positions > 1 ? " · \(node.appearances)/\(positions)" : "") + "</text>\n"
        }
        return svg + "</svg>\n"
    }

    private static func format(_ value: Double) -> String { String(format: "%.3g", value) }
}
