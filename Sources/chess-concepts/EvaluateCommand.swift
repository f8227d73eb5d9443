import ArgumentParser
import ChessModel
import DataFiles
import Foundation

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Policy top-1/top-3 and value accuracy of every checkpoint on held-out games, beside the baselines.",
        discussion: """
            Held-out games are the validation games of the model's own split (its seed and fraction), unless --data names other files. \
            With --stockfish, Stockfish at --nodes is scored on the same positions: its best move against the move played, and its \
            score as a result call (a draw within a margin fitted on as many training positions).
            """)

    @OptionGroup var network: ModelOptions

    @Option(parsing: .upToNextOption, help: "PGN files to evaluate on (default: the model's training data, validation games only).")
    var data: [String] = []

    @Option(help: "Positions to evaluate (spread evenly over the held-out games).")
    var positions = 4_096

    @OptionGroup var seeding: SeedOptions

    @Flag(help: "Add Stockfish's row, measured on the same positions (see --nodes, --engine).")
    var stockfish = false

    @OptionGroup var reference: EngineOptions

    @Flag(help: "Print JSON Lines instead of a table.")
    var json = false

    func run() throws {
        let evaluation = try CheckpointEvaluation(model: ModelDirectory(path: network.model), data: data, positions: positions)
        var rows = try evaluation.rows(seed: seeding.seed)
        if stockfish {
            let progress = ProgressLine(unit: "positions searched")
            let total = 2 * evaluation.examples.count
            rows.append(try evaluation.engineRow(EngineReference(path: reference.path(), nodes: reference.nodes)) {
                progress.update(count: $0, detail: "Stockfish at \(reference.nodes) nodes, of \(total)")
            })
            progress.clear()
        }
        if json {
            for row in rows { try printJSON(row) }
            return
        }
        print("\(evaluation.examples.count) held-out positions")
        print("player     step   policy top-1   policy top-3   value accuracy")
        for row in rows {
            print(row.player.padding(toLength: 9, withPad: " ", startingAt: 0)
                  + (row.step.map { String(format: "%6d", $0) } ?? "     -")
                  + String(format: "   %12.3f", row.policyTop1)
                  + (row.policyTop3.map { String(format: "   %12.3f", $0) } ?? "              -")
                  + (row.valueAccuracy.map { String(format: "   %14.3f", $0) } ?? "                -")
                  + (row.drawMargin.map { "   (\(reference.nodes) nodes; a draw within ±\($0) cp)" } ?? ""))
        }
    }
}
