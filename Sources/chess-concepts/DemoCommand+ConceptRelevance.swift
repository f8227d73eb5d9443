import ChessInterpretability
import Foundation
import Interpretability

extension DemoCommand {
    /// The runs of the concept-relevance part of step 9, for the report.
    static let conceptRelevanceParts = ["relmax", "graph"]

    /// Step 9, continued: RelMax for has_mate_in_one at the last block over the collection,
    /// and the explanatory graph of the value on the relevance maps' position.
    func conceptRelevance() throws {
        let positions = quick ? 2_000 : 20_000
        print("\n   RelMax of has_mate_in_one at the last block over the first \(positions) positions -> \(outputDirectory)/relmax")
        var relmax = RelMaxRun.Settings(data: [collection])
        relmax.model = network.model
        relmax.concept = "has_mate_in_one"
        relmax.positions = positions
        relmax.probes = outputDirectory + "/probe"
        relmax.seed = seeding.seed
        let ranking = try RelMaxRun(settings: relmax, onWarning: printError).run(out: outputDirectory + "/relmax", formats: figures.formats, onError: { printError("warning: \($0)") })
        let rate = 100 * Double(ranking.ranking.labelTrue) / Double(max(ranking.ranking.labelled, 1))
        for (target, counts) in zip(ranking.shown, ranking.labelCounts) {
            print("   " + target.name.padding(toLength: 16, withPad: " ", startingAt: 0)
                  + String(format: "mate in one on %d of %d RelMax and %d of %d ActMax positions (%.1f%% of all)",
                           counts.relevance, target.byRelevance.entries.count, counts.activation, target.byActivation.entries.count, rate))
        }

        print("\n   Explanatory graph of the value (LRP epsilon-plus-flat) on \(Self.relevancePosition) -> \(outputDirectory)/graph")
        var graph = ExplanatoryGraphRun.Settings()
        graph.model = network.model
        graph.fen = Self.relevancePosition
        graph.data = [collection]
        graph.references = quick ? 500 : ExplanatoryGraphRun.Settings.Defaults.references
        // The CRP paper's composite: z⁺ on convolutions keeps what biases take to a small
        // share of each node (ε lets them add or remove more than a small node holds).
        graph.composite = try RelevanceComposite("epsilon-plus-flat")
        graph.seed = seeding.seed
        let outcome = try ExplanatoryGraphRun(settings: graph).run(out: outputDirectory + "/graph", formats: figures.formats, onError: { printError("warning: \($0)") })
        for layer in outcome.graph.layers {
            let members = outcome.graph.nodes.filter { $0.id.layer == layer }.sorted { $0.relevance > $1.relevance }
            print("   " + layer.padding(toLength: 8, withPad: " ", startingAt: 0) + members.map { String(format: "#%d %.3g", $0.id.channel, $0.relevance) }.joined(separator: ", "))
        }
    }
}
