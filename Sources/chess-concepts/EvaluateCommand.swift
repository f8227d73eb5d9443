import ArgumentParser
import ChessModel
import DataFiles
import Foundation

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Policy top-1/top-3 and value accuracy of every checkpoint on held-out games, beside the baselines.",
        discussion: "Held-out games are the validation games of the model's own split (its seed and fraction), unless --data names other files.")

    @OptionGroup var network: ModelOptions

    @Option(parsing: .upToNextOption, help: "PGN files to evaluate on (default: the model's training data, validation games only).")
    var data: [String] = []

    @Option(help: "Positions to evaluate (spread evenly over the held-out games).")
    var positions = 4_096

    @OptionGroup var seeding: SeedOptions

    @Flag(help: "Print JSON Lines instead of a table.")
    var json = false

    struct Row: Encodable {
        let player: String, step: Int?, policyTop1: Double, policyTop3: Double?, valueAccuracy: Double?
    }

    func run() throws {
        let directory = ModelDirectory(path: network.model)
        let configuration = try directory.readConfiguration()
        let heldOut: [TrainingExample]
        if data.isEmpty {
            heldOut = try TrainingCorpus(paths: configuration.data, seed: configuration.seed, validationFraction: configuration.validationFraction).validation
        } else {
            let corpus = try TrainingCorpus(paths: data, seed: configuration.seed, validationFraction: 0.5)
            heldOut = corpus.train + corpus.validation
        }
        let examples = heldOut.evenlySpaced(positions)
        var rows = [Row]()
        for step in directory.savedSteps() {
            let evaluation = Evaluation(network: try directory.load(step: step), examples: examples)
            rows.append(Row(player: "network", step: step, policyTop1: evaluation.policyTop1, policyTop3: evaluation.policyTop3,
                            valueAccuracy: evaluation.valueAccuracy))
        }
        // The random mover's expected accuracy is exact: 1/n (top-3: min(3, n)/n) for n legal moves.
        let counts = examples.map { Double($0.position.legalMoveCount) }
        rows.append(Row(player: "random", step: nil, policyTop1: counts.map { 1 / $0 }.reduce(0, +) / Double(examples.count),
                        policyTop3: counts.map { min(3, $0) / $0 }.reduce(0, +) / Double(examples.count), valueAccuracy: nil))
        var random = SplitMix64(seed: seeding.seed)
        let greedyHits = examples.filter { Player.greedy.move(in: $0.position, random: &random) == $0.move }.count
        rows.append(Row(player: "greedy", step: nil, policyTop1: Double(greedyHits) / Double(examples.count), policyTop3: nil, valueAccuracy: nil))
        if json {
            for row in rows { try printJSON(row) }
            return
        }
        print("\(examples.count) held-out positions")
        print("player    step   policy top-1   policy top-3   value accuracy")
        for row in rows {
            print(row.player.padding(toLength: 8, withPad: " ", startingAt: 0)
                  + (row.step.map { String(format: "%6d", $0) } ?? "     -")
                  + String(format: "   %12.3f", row.policyTop1)
                  + (row.policyTop3.map { String(format: "   %12.3f", $0) } ?? "              -")
                  + (row.valueAccuracy.map { String(format: "   %14.3f", $0) } ?? "                -"))
        }
    }
}
