import Chess
import ChessModel
import Concepts
import DataFiles
import Foundation
import Neural
import Plotting
import Interpretability

/// Relevance maps for one position: LRP from a concept probe's logit (or the value head's
/// win-minus-loss logit) back to the input planes, summed per square and drawn over the
/// board; the channels of the layer that carry most of it; and, as Concept Relevance
/// Propagation does, the input relevance flowing through each of those channels alone.
package struct RelevanceRun {
    package struct Settings: Codable, Sendable {
        /// The value of each setting when none is given; the command line's defaults too.
        package enum Defaults {
            package static let channels = 4
            package static let probes = "probe-output"
        }

        package var model = RunDefaults.model
        /// Checkpoint step; `nil` for the last.
        package var checkpoint: Int?
        /// A concept with a saved (or fittable) probe, or `value` for the value head.
        package var concept: String
        /// The probe's layer (for `value`, the layer whose channels are ranked); `nil` for the last residual block.
        package var layer: String?
        package var fen: String
        /// The LRP rule of each kind of layer.
        package var composite = RelevanceComposite.standard
        /// How many of the most relevant channels get a conditional map.
        package var channels = Defaults.channels
        /// A `probe` output directory holding saved probes (a missing one is fitted there).
        package var probes = Defaults.probes
        /// Collections to fit a missing probe on.
        package var data = RunDefaults.collections
        package var seed: UInt64 = RunDefaults.seed

        package init(concept: String, fen: String) {
            self.concept = concept
            self.fen = fen
        }
    }

    /// What the run found.
    package struct Outcome: Sendable {
        /// P(concept) for a binary concept, the predicted value for a scalar one, P(win) − P(loss) for `value`.
        package let prediction: Double
        /// The read-out's value without its bias: the relevance propagated.
        package let total: Double
        /// Relevance kept by biases, batch-norm shifts and ε on the way down.
        package let absorbed: Double
        /// Relevance per board square (`Square.index`).
        package let squares: [Double]
        /// Relevance per input plane (see `ChessNetwork.relevancePlanes`).
        package let planes: [Double]
        /// Channels of the layer by relevance, largest first.
        package let channels: [(channel: Int, relevance: Double)]

        /// The `count` squares with the largest relevance in magnitude, strongest first.
        package func strongestSquares(_ count: Int) -> [(square: Square, relevance: Double)] {
            squares.enumerated().sorted { abs($0.element) > abs($1.element) }.prefix(count)
                .map { (Square(rawValue: UInt8($0.offset)), $0.element) }
        }
    }

    package let settings: Settings
    package let step: Int
    package let layer: String
    package let position: Position
    private let network: any ChessNetwork
    private let store: ProbeStore

    /// Resolves the model, checkpoint, layer and position; errors name the bad setting.
    package init(settings: Settings) throws(RunError) {
        do { position = try Position(fenOrStartpos: settings.fen) } catch { throw RunError.unreadableSetting("fen", underlying: error) }
        (step, network) = try NetworkModel(settings.model).network(checkpoint: settings.checkpoint, seed: settings.seed)
        layer = settings.layer ?? network.sensitivityLayers.last!
        guard network.probeLayers.contains(layer) else {
            throw RunError.invalidSetting("layer", value: layer, requirement: "not a layer of this network (\(network.probeLayers.joined(separator: ", ")))")
        }
        if settings.concept == "value" {
            guard layer != "input" else {
                throw RunError.invalidSetting("layer", value: layer, requirement: "the value's channels are ranked at a layer of the network, not the input")
            }
        } else {
            let concept: Concept
            do { concept = try ConceptCatalogue.named(settings.concept) } catch { throw RunError.unreadableSetting("concept", underlying: error) }
            guard concept.kind == .binary || concept.kind == .scalar else {
                throw RunError.invalidSetting("concept", value: concept.name, requirement: "categorical; relevance needs a one-output (binary or scalar) probe")
            }
        }
        guard settings.channels >= 0 else { throw RunError.invalidSetting("channels", value: "\(settings.channels)", requirement: "must not be negative") }
        self.settings = settings
        store = ProbeStore(directory: settings.probes, model: settings.model, data: settings.data, seed: settings.seed)
    }

    /// Propagates, writes the maps and tables into `out` (new, empty, or an earlier relevance run's), and returns what was found.
    package func run(out: String, formats: FigureFormats = RunDefaults.figureFormats, onWarning: (String) -> Void = { _ in }) throws -> Outcome {
        let (source, prediction) = try readOut(onWarning: onWarning)
        let relevance = { (units: Set<Int>?) in
            network.relevance(of: position, explaining: source, rankedAt: layer, through: units.map { .channels($0) }, composite: settings.composite)
        }
        let result = relevance(nil)
        let ranked = result.units.enumerated().map { (channel: $0.offset, relevance: $0.element) }.sorted { $0.relevance > $1.relevance }
        let outcome = Outcome(prediction: prediction, total: result.total, absorbed: result.absorbed, squares: result.squares,
                              planes: result.planes, channels: ranked)
        try OutputDirectory.claim(out, marker: "relevance.json")
        let what = settings.concept == "value" ? (network.outputs.contains(.value) ? "value" : "evaluation") : "\(settings.concept) at \(layer)"
        try draw([BoardPicture(position, title: "\(what), step \(step): LRP \(settings.composite)",
                               heat: Self.normalised(outcome.squares))], name: "relevance", out: out, formats: formats)
        let conditional = ranked.prefix(settings.channels).filter { $0.relevance > 0 }.map { channel in
            BoardPicture(position, title: "\(layer) channel \(channel.channel)", heat: Self.normalised(relevance([channel.channel]).squares))
        }
        if !conditional.isEmpty { try draw(conditional, name: "channels", out: out, formats: formats) }
        let summary = try writeTables(outcome, out: out)
        let strongest = outcome.strongestSquares(4).map { String(format: "%@ %+.2f", "\($0.square)", $0.relevance) }
        try RunManifest(
            command: "relevance", title: "Relevance of \(what)",
            summary: "Layer-wise relevance propagation (rules \(settings.composite)) from \(settings.concept == "value" ? (network.outputs.contains(.value) ? "the value head's win-minus-loss logit" : "the evaluation") : "the probe's logit") "
                + "back to the input of \(position.fen), summed per square: red squares raise the output, blue ones lower it. "
                + "Below, the relevance flowing through each of \(layer)'s most relevant channels alone (Concept Relevance Propagation).",
            settings: settings, outcome: summary,
            findings: [String(format: "Prediction %.2f; the most relevant squares: %@.", outcome.prediction, strongest.joined(separator: ", "))],
            figures: [.init(path: formats.file("relevance"), caption: "relevance per square")]
                + (conditional.isEmpty ? [] : [.init(path: formats.file("channels"), caption: "the most relevant channels, one at a time")]),
            files: ["squares.csv", "planes.csv", "channels.csv", "relevance.json"].map { .init(path: $0, caption: $0) }
        ).write(to: out)
        return outcome
    }

    /// What is explained, and the prediction: the network's own estimate, or the probe's.
    private func readOut(onWarning: (String) -> Void) throws -> (RelevanceSource, Double) {
        if settings.concept == "value" { return (.output, network.value(of: position)) }
        let probe = try store.probe(concept: settings.concept, step: step, layer: layer, onWarning: onWarning)
        let prediction = probe.predict(network.activations(of: [position], layers: [layer])[layer]!)[0]
        return (.probe(layer: layer, direction: probe.direction), prediction)
    }

    /// Values divided by their largest magnitude (all zero stays zero).
    static func normalised(_ values: [Double]) -> [Double] {
        let largest = values.map(abs).max() ?? 0
        return largest > 0 ? values.map { $0 / largest } : values
    }

    private func draw(_ pictures: [BoardPicture], name: String, out: String, formats: FigureFormats) throws {
        try BoardPicture.row(pictures).write(to: "\(out)/\(name)", formats: formats)
    }

    /// `relevance.json`: the position, the output explained and how its relevance divides.
    struct Summary: Codable {
        let fen: String, concept: String, layer: String, step: Int, rules: String, prediction: Double
        let relevanceTotal: Double, relevanceAbsorbed: Double, relevanceInput: Double

        enum CodingKeys: String, CodingKey {
            case fen, concept, layer, step, rules, prediction
            case relevanceTotal = "relevance_total", relevanceAbsorbed = "relevance_absorbed", relevanceInput = "relevance_input"
        }
    }

    private func writeTables(_ outcome: Outcome, out: String) throws -> Summary {
        var squares = "square,piece,relevance\n"
        for index in 0..<64 {
            let square = Square(rawValue: UInt8(index))
            squares += "\(square),\(position.piece(at: square).map { String($0.fenSymbol) } ?? ""),\(String(format: "%.6g", outcome.squares[index]))\n"
        }
        try AtomicFileWriter.write(Data(squares.utf8), to: out + "/squares.csv")
        var planes = "plane,name,relevance\n"
        for (index, value) in outcome.planes.enumerated() { planes += "\(index),\(network.relevancePlanes[index]),\(String(format: "%.6g", value))\n" }
        try AtomicFileWriter.write(Data(planes.utf8), to: out + "/planes.csv")
        var channels = "layer,rank,channel,relevance\n"
        for (rank, entry) in outcome.channels.enumerated() { channels += "\(layer),\(rank + 1),\(entry.channel),\(String(format: "%.6g", entry.relevance))\n" }
        try AtomicFileWriter.write(Data(channels.utf8), to: out + "/channels.csv")
        let summary = Summary(fen: position.fen, concept: settings.concept, layer: layer, step: step, rules: settings.composite.description,
                              prediction: outcome.prediction, relevanceTotal: outcome.total, relevanceAbsorbed: outcome.absorbed,
                              relevanceInput: outcome.squares.reduce(0, +))
        try JSONFile.write(summary, to: out + "/relevance.json")
        return summary
    }
}
