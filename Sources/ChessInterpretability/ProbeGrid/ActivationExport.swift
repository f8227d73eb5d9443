import ChessModel
import Concepts
import DataFiles
import Foundation
import PositionCollections

/// A probe grid's positions and activations as files Python reads: the same sample a
/// `probe` run with equal settings fits on, so anyone can fit their own probes.
///
/// Writes into its output directory:
/// - `positions.csv`: `row, fen, source, game, ply, split, used_by` and one column per
///   concept. The shared rows come first (`used_by` is `all`; train, then validation, then
///   test), then each rare binary concept's own rows (`used_by` names it). A concept's
///   column is empty on the rows it does not use, so its non-empty cells are exactly the
///   rows its probe is fitted and scored on. The FEN is normalised (its en passant
///   field only when a capture is legal), exactly what the encoder marks, so the FEN alone
///   determines the network's input;
/// - `step-NNNNNNN-<layer>.npy`: float32 [positions × values] per checkpoint × layer, a
///   row per line of `positions.csv`, each position's activations flattened row-major
///   over the layer's shape (the own network's NHWC: value index = (rank·8 + file)·channels
///   + channel, ranks from the side to move's; NNUE's accumulator: the side to move's first);
/// - `activations.json`: the settings and every array's shape.
///
/// ```swift
/// let export = try ActivationExport(settings: TrackerSettings(model: "models/default", data: ["games.pgn"], concepts: ["in_check"]))
/// let files = try export.run(out: "activations")
/// ```
package struct ActivationExport {
    let tracker: ProbeTracker

    /// Checks the settings against the model and the catalogue, as a probe run does.
    package init(settings: TrackerSettings) throws {
        tracker = try ProbeTracker(settings: settings)
    }

    /// The files written into `out`, which must be new, empty, or an earlier export.
    package func run(out: String, onError: (CollectionError) -> Void = { _ in },
                    progress: (ProbeTracker.Progress) -> Void = { _ in }) throws -> [String] {
        let manifest = "\(out)/activations.json"
        try OutputDirectory.claim(out, marker: "activations.json")
        let settings = tracker.settings, cells = tracker.steps.count * tracker.layers.count
        progress(ProbeTracker.Progress(cellsDone: 0, cells: cells, detail: "sampling \(settings.positions) positions"))
        let sample = ProbeSample(data: settings.data, concepts: tracker.concepts, count: settings.positions, seed: settings.seed, onError: onError)
        let rows = sample.ordered
        var files = [try writePositions(rows, concepts: sample.concepts.map(\.name), to: "\(out)/positions.csv")]
        let positions = rows.map(\.position.position)
        var arrays = [[String: Any]]()
        var done = 0
        for step in tracker.steps {
            let network = try tracker.model.network(at: step, seed: settings.seed)
            for group in tracker.layerGroups(positions: rows.count) {
                progress(ProbeTracker.Progress(cellsDone: done, cells: cells, detail: "step \(step), \(group.joined(separator: ", "))"))
                let activations = network.activations(of: positions, layers: Set(group), chunk: ActivationExtractor.chunk)
                for layer in group {
                    let values = activations[layer]!
                    let path = "\(out)/\(ModelDirectory.stepName(step))-\(layer).npy"
                    try NPYFile.write(values.storage, shape: [values.rows, values.rowSize], to: path)
                    files.append(path)
                    arrays.append(["file": (path as NSString).lastPathComponent, "step": step, "layer": layer, "shape": [values.rows, values.rowSize],
                                   "layer_shape": network.shape(of: layer)])
                    done += 1
                }
            }
        }
        let description: [String: Any] = [
            "model": settings.model, "data": settings.data, "concepts": sample.concepts.map(\.name), "positions": rows.count,
            "seed": settings.seed, "encoding": tracker.encoding,
            "layout": "rows follow positions.csv; each row is the layer's activation flattened row-major over its layer_shape. "
                + "The own network's layers are NHWC, (rank * 8 + file) * channels + channel, the board seen from the side to move; "
                + "NNUE's accumulator is [perspective, 1024], the side to move's first",
            "arrays": arrays,
        ]
        try AtomicFileWriter.write(try JSONSerialization.data(withJSONObject: description, options: [.prettyPrinted, .sortedKeys]), to: manifest)
        return files + [manifest]
    }

    private func writePositions(_ rows: [(position: SampledPosition, labels: [Double], owner: Concept?)], concepts: [String],
                                to path: String) throws -> String {
        let format = TableFormat.csv
        let columns = ["row", "fen", "source", "game", "ply", "split", "used_by"] + concepts
        var text = format.header(columns)!
        for (index, row) in rows.enumerated() {
            let position = row.position
            let values: [TableValue] = [.integer(index), .text(position.position.fen), .text(position.source), .integer(position.game),
                                        .integer(position.ply), .text(position.split.rawValue), .text(row.owner?.name ?? "all")]
                + row.labels.map { TableValue($0) }
            text += format.row(values, columns: columns)
        }
        try AtomicFileWriter.write(Data(text.utf8), to: path)
        return path
    }
}
