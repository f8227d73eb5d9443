import Foundation
import Plotting

/// The tracker's pictures: per concept a what–when–where heatmap (x: training step,
/// y: layer, colour: test score) and a line plot of the score over training per
/// layer with the baselines dashed; and an overview of all concepts' heatmaps.
package struct TrackerFigures {
    package let rows: [GridRow]
    package let steps: [Int]
    package let layers: [String]

    package init(rows: [GridRow], steps: [Int], layers: [String]) {
        self.rows = rows
        self.steps = steps
        self.layers = layers
    }

    var concepts: [String] { rows.concepts }

    func primaryRows(of concept: String) -> [GridRow] { rows.primaryRows(of: concept) }

    /// Writes `<concept>-heatmap.png`, `<concept>-curves.png` and `overview.png` into `directory`; returns their paths.
    package func write(to directory: String) throws -> [String] {
        var paths = [String]()
        for concept in concepts {
            let heatmapPath = "\(directory)/\(concept)-heatmap.png", curvesPath = "\(directory)/\(concept)-curves.png"
            try heatmap(of: concept).render().writePNG(to: heatmapPath)
            try curves(of: concept).render().writePNG(to: curvesPath)
            paths += [heatmapPath, curvesPath]
        }
        if !concepts.isEmpty {
            try overview().writePNG(to: "\(directory)/overview.png")
            paths.append("\(directory)/overview.png")
        }
        return paths
    }

    /// Layers top to bottom from the heads down to the input, as the network is usually drawn.
    package func heatmap(of concept: String) -> Heatmap {
        let primary = primaryRows(of: concept)
        let shown = Array(layers.reversed())
        let values = shown.map { layer in
            steps.map { step in primary.first { $0.layer == layer && $0.step == step }?.score ?? .nan }
        }
        let metric = primary.first?.metric ?? ""
        return Heatmap(title: "\(concept): \(metric)", xLabel: "training step", yLabel: "layer",
                       columns: steps.map(String.init), rows: shown, values: values,
                       range: Self.range(of: primary.first), colorBarLabel: metric)
    }

    /// One line per layer over training; the input planes and the best layer of the random network dashed.
    package func curves(of concept: String) -> LinePlot {
        let primary = primaryRows(of: concept)
        var series = [LinePlot.Series]()
        for (index, layer) in layers.filter({ $0 != "input" }).enumerated() {
            let points = primary.filter { $0.layer == layer }.map { (x: Double($0.step), y: $0.score) }
            series.append(LinePlot.Series(name: layer, points: points, color: LinePlot.palette[index % LinePlot.palette.count]))
        }
        let span = (x: Double(steps.first ?? 0), y: Double(steps.last ?? 1))
        if let input = primary.first(where: { !$0.inputBaseline.isNaN })?.inputBaseline {
            series.append(LinePlot.Series(name: "input planes", points: [(span.x, input), (span.y, input)], color: .black, dashed: true))
        }
        let random = primary.filter { $0.step == 0 && $0.layer != "input" }.map(\.score).filter { !$0.isNaN }.max()
        if let random {
            series.append(LinePlot.Series(name: "random net", points: [(span.x, random), (span.y, random)], color: .grey, dashed: true))
        }
        let metric = primary.first?.metric ?? "score"
        return LinePlot(title: "\(concept): test \(metric) by layer", xLabel: "training step", yLabel: metric,
                        series: series, yRange: Self.range(of: primary.first))
    }

    /// Every concept's heatmap, small, in a grid of up to four columns.
    package func overview() -> Image {
        let tiles = concepts.map { heatmap(of: $0).render(cell: 20) }
        let columns = min(4, tiles.count), rowsCount = (tiles.count + columns - 1) / columns
        let tileWidth = tiles.map(\.width).max()!, tileHeight = tiles.map(\.height).max()!
        var image = Image(width: columns * tileWidth, height: rowsCount * tileHeight + 40)
        image.text("What-when-where: probe test scores by layer (y) and training step (x)", x: image.width / 2, y: 12,
                   scale: 2, alignment: .center)
        for (index, tile) in tiles.enumerated() {
            image.draw(tile, x: (index % columns) * tileWidth, y: 40 + (index / columns) * tileHeight)
        }
        return image
    }

    /// The colour and axis range of a metric: chance to perfect.
    static func range(of row: GridRow?) -> ClosedRange<Double> {
        guard let row else { return 0...1 }
        switch (row.metric, row.probe) {
        case ("roc_auc", _), ("balanced_accuracy", "logistic"): return 0.5...1
        default: return 0...1
        }
    }
}
