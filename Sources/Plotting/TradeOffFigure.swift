import DataFiles
import Foundation

/// What a search buys against what its steps cost: one panel per metric (say, concept
/// true after, probe gain, mean edits), one line per method, the cost on x. The figure
/// behind choosing concept backpropagation's λ₂, which the paper leaves open.
///
/// ```swift
/// let figure = TradeOffFigure(title: "in_check", costLabel: "edit cost λ₂", metrics: ["concept true", "mean edits"],
///                             points: [.init(series: "gradient", cost: 0, values: [0.9, 1.2]),
///                                      .init(series: "gradient", cost: 0.1, values: [0.6, 0.7])])
/// try figure.write(to: "out", columns: ["concept_true", "mean_edits"], formats: .all)
/// ```
package struct TradeOffFigure: Sendable {
    /// One method's metrics at one cost.
    package struct Point: Sendable {
        package let series: String
        package let cost: Double
        /// One value per metric, in the figure's order.
        package let values: [Double]

        package init(series: String, cost: Double, values: [Double]) {
            self.series = series
            self.cost = cost
            self.values = values
        }
    }

    package let title: String
    package let costLabel: String
    package let metrics: [String]
    package let points: [Point]

    package init(title: String, costLabel: String, metrics: [String], points: [Point]) {
        precondition(points.allSatisfy { $0.values.count == metrics.count }, "every point needs one value per metric")
        self.title = title
        self.costLabel = costLabel
        self.metrics = metrics
        self.points = points
    }

    /// The title over the panels side by side, each on its own scale: shares on 0…1, other
    /// metrics from 0 (or their minimum, when negative) to a little above their maximum.
    package var figure: FigureGrid {
        let names = points.reduce(into: [String]()) { if !$0.contains($1.series) { $0.append($1.series) } }
        let panels: [any Figure] = metrics.enumerated().map { index, metric in
            let values = points.map { $0.values[index] }.filter(\.isFinite)
            let low = min(0, values.min() ?? 0), high = max(values.max() ?? 1, low + 1e-9)
            let range = low >= 0 && high <= 1 ? 0.0...1.0 : low...(high + 0.05 * (high - low))
            let series = names.enumerated().map { order, name in
                LinePlot.Series(name: name, points: points.filter { $0.series == name }.map { ($0.cost, $0.values[index]) },
                                color: LinePlot.palette[order % LinePlot.palette.count])
            }
            return LinePlot(title: metric, xLabel: costLabel, yLabel: metric, series: series, yRange: range, logarithmicX: false,
                            width: 440, height: 300)
        }
        return FigureGrid(title: title, panels, columns: max(metrics.count, 1))
    }

    /// Writes `sweep.csv` (see `csv(columns:)`) and the figure as `sweep.png`/`.svg`/`.pdf` into `directory`.
    package func write(to directory: String, columns: [String], formats: FigureFormats) throws {
        try AtomicFileWriter.write(Data(csv(columns: columns).utf8), to: directory + "/sweep.csv")
        try figure.write(to: directory + "/sweep", formats: formats)
    }

    /// The points as CSV: series, cost and one column per metric (names given by the caller).
    package func csv(columns: [String]) -> String {
        precondition(columns.count == metrics.count, "one column name per metric")
        var text = (["series", "cost"] + columns).joined(separator: ",") + "\n"
        for point in points { text += ([point.series, "\(point.cost)"] + point.values.map { "\($0)" }).joined(separator: ",") + "\n" }
        return text
    }
}
