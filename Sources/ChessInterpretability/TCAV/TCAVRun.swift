import Chess
import ChessModel
import Concepts
import DataFiles
import Foundation
import Neural
import Plotting
import PositionCollections
import Interpretability

/// TCAV on the chess network: for each binary concept, its CAV at a trunk layer against
/// random counter-sets of positions, the sensitivity of an output (the value, or one
/// move's policy logit) on held-out positions, and the significance test against random
/// CAVs. Writes `tcav.csv` and a bar chart `tcav.png`.
package struct TCAVRun {
    package struct Settings: Codable, Sendable {
        /// The value of each setting when none is given; the command line's defaults too.
        package enum Defaults {
            package static let output = "value"
            package static let examples = 100
            package static let randomSets = 20
            package static let tested = 300
        }

        /// Binary concepts a player would expect to matter for the evaluation.
        package static let defaultConcepts = ["in_check", "has_checking_move", "material_advantage", "my_queen_attacked", "has_mate_in_one"]

        package var model = RunDefaults.model
        /// Checkpoint step; `nil` for the last.
        package var checkpoint: Int?
        package var concepts: [String]
        /// A trunk layer: stem or blockN.
        package var layer: String
        /// `value`, or `move:<uci>` for that move's policy logit (tested where the move is legal).
        package var output = Defaults.output
        package var positions = RunDefaults.collections
        /// Positions in the concept set and in each random set.
        package var examples = Defaults.examples
        package var randomSets = Defaults.randomSets
        /// Held-out positions whose sensitivities are counted.
        package var tested = Defaults.tested
        package var seed: UInt64 = RunDefaults.seed

        package init(concepts: [String], layer: String) {
            self.concepts = concepts
            self.layer = layer
        }
    }

    /// One concept's line of the table.
    package struct Row: Codable, Sendable {
        package let concept: String
        package let examples: Int
        package let result: TCAV.Result
    }

    package let settings: Settings
    package let step: Int
    private let network: any ChessNetwork
    private let concepts: [Concept]

    /// Loads the checkpoint and checks the concepts, layer and output; errors say which setting is wrong.
    package init(settings: Settings) throws {
        (step, network) = try NetworkModel(settings.model).network(checkpoint: settings.checkpoint, seed: settings.seed)
        guard network.sensitivityLayers.contains(settings.layer) else {
            throw RunError.invalidSetting("layer", value: settings.layer, requirement: "TCAV reads one of \(network.sensitivityLayers.joined(separator: ", "))")
        }
        guard settings.output == "value" || (settings.output.hasPrefix("move:") && network.outputs.contains(.move)) else {
            throw RunError.invalidSetting("output", value: settings.output,
                                          requirement: network.outputs.contains(.move) ? "must be 'value' or 'move:<uci>'" : "must be 'value' (this network has no policy)")
        }
        guard settings.randomSets >= 2 else { throw RunError.invalidSetting("randomSets", value: "\(settings.randomSets)", requirement: "TCAV needs at least 2") }
        guard settings.examples >= 10 else { throw RunError.invalidSetting("examples", value: "\(settings.examples)", requirement: "TCAV needs at least 10") }
        concepts = try settings.concepts.map { name in
            let concept: Concept
            do { concept = try ConceptCatalogue.named(name) } catch { throw RunError.unreadableSetting("concepts", underlying: error) }
            guard concept.kind == .binary else {
                throw RunError.invalidSetting("concepts", value: name, requirement: "\(concept.kind); TCAV needs a binary concept (its positive positions form the concept set)")
            }
            return concept
        }
        self.settings = settings
    }

    /// Runs the tests, writes the table and chart into `out`, and returns the rows.
    package func run(out: String, formats: FigureFormats = RunDefaults.figureFormats, onError: @escaping (String) -> Void = { _ in },
                     progress: (String) -> Void = { _ in }) throws -> [Row] {
        try OutputDirectory.claim(out, marker: "tcav.csv")
        let needed = settings.examples * (settings.randomSets + 4) * 4 + settings.tested * 4
        let sample = PositionSample.draw(from: settings.positions, count: needed, seed: settings.seed, onError: { onError("\($0)") })
        let train = sample.positions(in: .train)
        var random = SplitMix64(seed: SplitMix64.mix(settings.seed, "tcav sets"))
        // The tested positions: held-out games, where the output is defined.
        var tested = [Position](), moves = [Move]()
        let move = settings.output.hasPrefix("move:") ? String(settings.output.dropFirst(5)) : nil
        for sampled in sample.positions(in: .test) where tested.count < settings.tested {
            guard let move else { tested.append(sampled.position); continue }
            guard let legal = try? sampled.position.move(uci: move) else { continue }
            tested.append(sampled.position)
            moves.append(legal)
        }
        guard tested.count >= 10 else { throw RunError.insufficientData("only \(tested.count) held-out positions where \(settings.output) is defined; at least 10 are needed") }
        progress("gradients of \(settings.output) at \(settings.layer) on \(tested.count) positions")
        let gradients = outputGradients(tested, moves: moves)
        progress("activations of \(settings.randomSets) random sets")
        let randomSets = (0..<settings.randomSets).map { _ in
            activations(Array(train.shuffled(using: &random).prefix(settings.examples)).map(\.position))
        }
        var rows = [Row]()
        // Several concepts are tested at once: Bonferroni keeps the family-wise error at 5%.
        let tcav = TCAV(significanceLevel: 0.05 / Double(concepts.count))
        for concept in concepts {
            progress("testing \(concept.name)")
            let positive = train.filter { concept.value($0.conceptInput) >= 0.5 }.shuffled(using: &random).prefix(settings.examples)
            guard positive.count >= 10 else {
                onError("\(concept.name): only \(positive.count) positive positions in the sample; skipped")
                continue
            }
            let result = tcav.test(concept: activations(positive.map(\.position)), randomSets: randomSets, gradients: gradients)
            rows.append(Row(concept: concept.name, examples: positive.count, result: result))
        }
        try write(rows, tested: tested.count, out: out, formats: formats)
        return rows
    }

    private func activations(_ positions: [Position]) -> Tensor {
        network.activations(of: positions, layers: [settings.layer], chunk: ActivationExtractor.chunk)[settings.layer]!
    }

    /// ∂output/∂activations, in chunks so that memory stays small. The output is a move's
    /// logit, or the network's own estimate of the position: a value head's expected score,
    /// an NNUE's evaluation.
    private func outputGradients(_ positions: [Position], moves: [Move]) -> Tensor {
        let output: NetworkOutput = !moves.isEmpty ? .move : network.outputs.contains(.value) ? .value : .evaluation
        var rows = [Float]()
        for start in stride(from: 0, to: positions.count, by: 128) {
            let end = min(start + 128, positions.count)
            rows += network.outputGradient(of: Array(positions[start..<end]), layer: settings.layer, output: output,
                                           moves: moves.isEmpty ? [] : Array(moves[start..<end])).gradient.storage
        }
        return Tensor(shape: [positions.count, network.width(of: settings.layer)], rows)
    }

    private func write(_ rows: [Row], tested: Int, out: String, formats: FigureFormats) throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var table = "concept,layer,output,step,examples,tested,tcav_mean,tcav_sd,random_mean,random_sd,t,df,p,effect_size,cav_accuracy,significant\n"
        for row in rows {
            let r = row.result
            table += "\(row.concept),\(settings.layer),\(settings.output),\(step),\(row.examples),\(tested),"
                + String(format: "%.4f,%.4f,%.4f,%.4f,%.3f,%.1f,%.3g,%.3f,%.3f,", r.mean, r.deviation, r.randomMean, r.randomDeviation,
                         r.test.t, r.test.degreesOfFreedom, r.test.p, r.test.effectSize, r.cavAccuracy)
                + (r.significant ? "yes" : "no") + "\n"
        }
        try AtomicFileWriter.write(Data(table.utf8), to: out + "/tcav.csv")
        var bars = [BarChart.Bar]()
        for row in rows {
            bars.append(BarChart.Bar(label: row.concept, value: row.result.mean, error: row.result.deviation, mark: row.result.significant ? "*" : "",
                                     color: LinePlot.palette[0]))
            bars.append(BarChart.Bar(label: "random CAVs", value: row.result.randomMean, error: row.result.randomDeviation, color: .grey))
        }
        try BarChart(title: "TCAV of \(settings.output) at \(settings.layer), step \(step) (* significant after Bonferroni)",
                     valueLabel: "share of positions with positive sensitivity", bars: bars, range: 0...1).write(to: out + "/tcav", formats: formats)
        let findings = rows.map { row in
            String(format: "%@: TCAV %.2f against %.2f for random directions, p = %.2g: %@.", row.concept as NSString, row.result.mean,
                   row.result.randomMean, row.result.test.p, (row.result.significant ? "significant" : "not significant") as NSString)
        }
        try RunManifest(
            command: "tcav", title: "TCAV: does \(settings.output) rise along a concept at \(settings.layer)?",
            summary: "The share of \(tested) held-out positions where \(settings.output)'s derivative along each concept's activation vector "
                + "(step \(step)) is positive, beside vectors separating random sets of positions; a two-sided Welch t-test over "
                + "\(settings.randomSets) random counter-sets of \(settings.examples) positions (Bonferroni over the \(rows.count) concepts) marks the significant ones.",
            settings: settings, outcome: rows, findings: findings,
            tables: [.init(path: "tcav.csv", caption: "TCAV scores, their spread over counter-sets and the t-test")],
            figures: [.init(path: formats.file("tcav"), caption: "TCAV scores with their spread over random counter-sets; * significant")]
        ).write(to: out)
    }
}
