import Plotting

/// The explanatory graph drawn: layers as rows (top layer first), each node a box with its
/// channel and relevance, edges as lines whose width follows the flow (red where relevance
/// is positive, blue where negative). Nodes sit by channel, so that a channel the residual
/// stream carries down stays in one column as far as it can.
package struct ExplanatoryGraphFigure: Figure {
    package let graph: ExplanatoryGraph

    package init(_ graph: ExplanatoryGraph) {
        self.graph = graph
    }

    private static let rowHeight = 96.0, nodeWidth = 104.0, nodeHeight = 38.0, gap = 22.0, top = 26.0

    private var rows: [String] { graph.layers.filter { layer in graph.nodes.contains { $0.id.layer == layer } } }
    private var widest: Int { rows.map { layer in graph.nodes.filter { $0.id.layer == layer }.count }.max() ?? 1 }
    private var labelWidth: Double { (rows.map { TextStyle(size: Style.bodySize, bold: true).width(of: $0) }.max() ?? 0) + 20 }

    package var width: Double { labelWidth + Double(widest) * (Self.nodeWidth + Self.gap) + Self.gap }
    package var height: Double { Double(rows.count) * Self.rowHeight + Self.top }

    private var centres: [ExplanatoryGraph.NodeID: Point] {
        var centres = [ExplanatoryGraph.NodeID: Point]()
        for (row, layer) in rows.enumerated() {
            let members = graph.nodes.filter { $0.id.layer == layer }.sorted { $0.id.channel < $1.id.channel }
            let offset = labelWidth + Self.gap / 2 + Double(widest - members.count) * (Self.nodeWidth + Self.gap) / 2
            for (index, node) in members.enumerated() {
                centres[node.id] = Point(offset + Double(index) * (Self.nodeWidth + Self.gap) + Self.nodeWidth / 2,
                                         Self.top + Double(row) * Self.rowHeight + Self.nodeHeight / 2)
            }
        }
        return centres
    }

    package func draw(on canvas: some Canvas) {
        let centres = centres
        let label = TextStyle(size: Style.bodySize, bold: true, horizontal: .start, vertical: .middle)
        for (row, layer) in rows.enumerated() {
            canvas.text(layer, at: Point(8, Self.top + Double(row) * Self.rowHeight + Self.nodeHeight / 2), label)
        }
        let largest = graph.edges.map { abs($0.flow) }.max() ?? 1
        for edge in graph.edges {
            guard let a = centres[edge.from], let b = centres[edge.to] else { continue }
            let color = edge.flow < 0 ? RGB(43, 108, 176) : RGB(197, 48, 48)
            canvas.line(Point(a.x, a.y + Self.nodeHeight / 2), Point(b.x, b.y - Self.nodeHeight / 2),
                        Stroke(color, width: max(0.6, 8 * abs(edge.flow) / max(largest, 1e-12)), opacity: 0.7))
            canvas.caption("\(edge.from.name) → \(edge.to.name): \(ExplanatoryGraph.format(edge.flow))")
        }
        let name = TextStyle(size: Style.bodySize, horizontal: .middle, vertical: .baseline)
        var detail = name
        detail.size = Style.tickSize
        for node in graph.nodes {
            guard let centre = centres[node.id] else { continue }
            let box = Rect(x: centre.x - Self.nodeWidth / 2, y: centre.y - Self.nodeHeight / 2, width: Self.nodeWidth, height: Self.nodeHeight)
            canvas.fill(box, RGB(247, 250, 252), cornerRadius: 6)
            canvas.stroke(box, Stroke(RGB(74, 85, 104)), cornerRadius: 6)
            canvas.text("#\(node.id.channel)", at: Point(centre.x, centre.y - 3), name)
            canvas.text("R \(ExplanatoryGraph.format(node.relevance))" + (graph.positions > 1 ? " · \(node.appearances)/\(graph.positions)" : ""),
                        at: Point(centre.x, centre.y + 12), detail)
        }
    }
}
