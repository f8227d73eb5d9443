import ChessModel
import DataFiles
import Foundation
import Plotting
import PositionCollections

/// How a concept's test score grows with the number of features a probe may use, at one
/// checkpoint and layer: k-sparse probes for each k beside the dense probe. A concept
/// that a handful of units already carry is stored locally; one that needs most of
/// the layer is spread over it (Gurnee et al.'s sparse probing).
package struct SparsityCurve: Sendable {
    /// One point: `k` features (nil for the dense probe), the test score and its interval, and the control task's.
    package struct Point: Sendable, Equatable {
        package let k: Int?
        package let score: Double
        package let low: Double
        package let high: Double
        package let control: Double
    }

    package let concept: String
    package let step: Int
    package let layer: String
    package let metric: String
    package let points: [Point]

    package static let columns = ["concept", "step", "layer", "k", "metric", "score", "low", "high", "control"]

    /// Fits the curve with `tracker`'s sample and penalties.
    package init(tracker: ProbeTracker, concept name: String, step: Int, layer: String, sizes: [Int],
                onError: (CollectionError) -> Void = { _ in }) throws {
        guard let concept = tracker.concepts.first(where: { $0.name == name }) else {
            throw RunError.invalidSetting("concept", value: name, requirement: "not among this run's concepts")
        }
        guard tracker.layers.contains(layer) else {
            throw RunError.invalidSetting("layer", value: layer, requirement: "not a layer of this network (\(tracker.layers.joined(separator: ", ")))")
        }
        let sample = ProbeSample(data: tracker.settings.data, concepts: [concept], count: tracker.settings.positions, seed: tracker.settings.seed,
                                 onError: onError)
        guard let task = tracker.tasks(of: sample).tasks.first else { throw RunError.insufficientData("\(name) does not vary in this sample") }
        let extractor = ActivationExtractor(sample)
        let cell = extractor.cells(of: try tracker.model.network(at: step, seed: tracker.settings.seed), layers: [layer])[layer]!
        let metric = task.metrics[0]
        var points = [Point]()
        for readout in sizes.sorted().map(ProbeReadout.sparse) + [.linear] {
            let outcome = cell.run([task], readout: readout, penalties: tracker.settings.penalties, resamples: tracker.settings.resamples,
                                   seed: tracker.settings.seed)[0]
            let score = outcome.scores[metric]!
            var k: Int?
            if case .sparse(let size) = readout { k = size }
            points.append(Point(k: k, score: score.score, low: score.low, high: score.high, control: outcome.control[metric]!))
        }
        self.concept = name
        self.step = step
        self.layer = layer
        self.metric = metric.rawValue
        self.points = points
    }

    /// Writes `sparsity-<concept>-<layer>.csv` (the dense probe's row has an empty `k`) and its figure into `out`.
    package func write(to out: String, formats: FigureFormats) throws -> [String] {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let base = "\(out)/sparsity-\(concept)-\(layer)"
        let format = TableFormat.csv
        var text = format.header(Self.columns)!
        for point in points {
            text += format.row([.text(concept), .integer(step), .text(layer), point.k.map { .integer($0) } ?? .missing, .text(metric),
                                TableValue(point.score), TableValue(point.low), TableValue(point.high), TableValue(point.control)],
                               columns: Self.columns)
        }
        try AtomicFileWriter.write(Data(text.utf8), to: base + ".csv")
        let sparse = points.filter { $0.k != nil }
        let span = (Double(sparse.first?.k ?? 1), Double(sparse.last?.k ?? 1))
        var series = [LinePlot.Series(name: "k-sparse", points: sparse.map { (Double($0.k!), $0.score) }, color: LinePlot.palette[0])]
        if let dense = points.last(where: { $0.k == nil }) {
            series.append(LinePlot.Series(name: "dense", points: [(span.0, dense.score), (span.1, dense.score)], color: .black, dashed: true))
            series.append(LinePlot.Series(name: "control", points: [(span.0, dense.control), (span.1, dense.control)], color: .grey, dashed: true))
        }
        let low = min(points.map(\.low).min() ?? 0, points.map(\.control).min() ?? 0)
        let plot = LinePlot(title: "\(concept) at \(layer), step \(step): test \(metric) by features used", xLabel: "features (k)", yLabel: metric,
                            series: series, yRange: min(low, 0.4)...1)
        return [base + ".csv"] + (try plot.write(to: base, formats: formats))
    }
}
