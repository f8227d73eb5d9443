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

    /// Writes `<concept>-heatmap`, `<concept>-curves` and `overview` in `formats` into `directory`; returns their paths.
    package func write(to directory: String, formats: FigureFormats) throws -> [String] {
        var paths = [String]()
        for concept in concepts {
            paths += try heatmap(of: concept).write(to: "\(directory)/\(concept)-heatmap", formats: formats)
            paths += try curves(of: concept).write(to: "\(directory)/\(concept)-curves", formats: formats)
        }
        if !concepts.isEmpty { paths += try overview().write(to: "\(directory)/overview", formats: formats) }
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
    package func overview() -> FigureGrid {
        let tiles = concepts.map { concept in
            var tile = heatmap(of: concept)
            tile.cell = 18
            return tile
        }
        return FigureGrid(title: "What-when-where: probe test scores by layer (y) and training step (x)", tiles, columns: min(4, max(tiles.count, 1)))
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
