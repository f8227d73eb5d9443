import ArgumentParser
import Chess
import ChessModel
import Concepts
import DataFiles
import Foundation
import PositionCollections

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the shipped demonstration on the shipped defaults.",
        discussion: """
            1. the rules core checked against the standard perft suite, with sample move queries;
            2. the shipped self-play collection analysed into a concept table (OUT/positions.csv),
               with how often each concept holds;
            3. the shipped network's first and last checkpoints on held-out positions, and a match against a random mover.
            """)

    @Option(help: "Directory for the demonstration's outputs.")
    var out = "demo-output"

    @Option(help: "The collection to analyse.")
    var collection = "positions/selfplay.pgn.gz"

    @Option(help: "The trained network to show.")
    var model = "models/default"

    @Flag(help: "A run of a few seconds: shallower perft, fewer games.")
    var quick = false

    /// Concepts a player recognises at a glance, shown in the summary.
    static let highlighted = ["in_check", "has_checking_move", "has_mate_in_one", "my_queen_attacked", "material_advantage",
                              "my_passed_pawns", "my_isolated_pawns", "my_bishop_pair", "my_has_castled", "knight_fork_available",
                              "discovered_check_available", "my_hanging_pieces"]

    func run() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        print("1. Perft of the standard suite (Chess Programming Wiki):")
        var failures = 0
        for testCase in PerftCase.standardSuite {
            let position = try Position(fen: testCase.fen)
            let depth = min(testCase.nodes.count, quick ? 3 : 5)
            let clock = ContinuousClock.now
            let nodes = position.perft(depth)
            let seconds = (ContinuousClock.now - clock).seconds
            let expected = testCase.nodes[depth - 1]
            if nodes != expected { failures += 1 }
            print("   " + testCase.name.padding(toLength: 11, withPad: " ", startingAt: 0)
                  + String(format: " depth %d %11llu nodes %7.1f M nodes/s  ", depth, nodes, Double(nodes) / max(seconds, 1e-9) / 1e6)
                  + (nodes == expected ? "ok" : "MISMATCH (expected \(expected))"))
        }
        print("\n   Legal moves in a few positions:")
        for (name, fen) in [("en passant", "rnbqkbnr/ppp1p1pp/8/3pPp2/8/8/PPPP1PPP/RNBQKBNR w KQkq f6 0 3"),
                            ("fool's mate", "rnb1kbnr/pppp1ppp/8/4p3/6Pq/5P2/PPPPP2P/RNBQKBNR w KQkq - 1 3")] {
            let position = try Position(fen: fen)
            let moves = position.legalMoves.map { position.san($0) }.sorted()
            let status = position.isCheckmate ? "checkmate" : "\(moves.count) legal moves: " + moves.joined(separator: " ")
            print("   \(name): \(fen)\n     \(status)")
        }

        let games = quick ? 100 : 1_000
        let table = "\(out)/positions.csv"
        print("\n2. Concept table of the first \(games) games of \(collection) -> \(table)")
        let concepts = try ConceptCatalogue.parse("all")
        let analyzer = CollectionAnalyzer(table: PositionTable(concepts: concepts), format: .csv, limit: games)
        let summary = try AnalyseCommand.analyse([collection], with: analyzer, out: table)
        try printConceptFrequencies(table: table, positions: summary.positions)
        try showNetwork()
        if failures > 0 || summary.positions == 0 { throw ExitCode(1) }
    }

    /// The network at its first and last checkpoints on held-out positions, and a short match.
    private func showNetwork() throws {
        let directory = ModelDirectory(path: model)
        let configuration = try directory.readConfiguration()
        let steps = directory.savedSteps()
        guard let first = steps.first, let last = steps.last else { throw ValidationError("\(model) holds no checkpoint") }
        print("\n3. The network \(model) (\(configuration.architecture.blocks) blocks × \(configuration.architecture.channels) channels, \(steps.count) checkpoints)")
        let heldOut = try TrainingCorpus(paths: configuration.data, seed: configuration.seed,
                                         validationFraction: configuration.validationFraction).validation
        let examples = heldOut.evenlySpaced(quick ? 256 : 1_024)
        for step in [first, last] {
            let evaluation = Evaluation(network: try directory.load(step: step), examples: examples)
            print(String(format: "   step %5d: policy top-1 %.3f, top-3 %.3f, value accuracy %.3f on %d held-out positions",
                         step, evaluation.policyTop1, evaluation.policyTop3, evaluation.valueAccuracy, examples.count))
        }
        let games = quick ? 4 : 20
        let match = Match(.search(try directory.load(step: last)), against: .random, games: games, seed: 1)
        print(String(format: "   against a random mover: %d wins, %d draws, %d losses (%.0f%%)",
                     match.wins, match.draws, match.losses, 100 * match.score))
    }

    /// How often each highlighted binary concept holds, read back from the written table.
    private func printConceptFrequencies(table: String, positions: Int) throws {
        let lines = try String(contentsOfFile: table, encoding: .utf8).split(separator: "\n")
        guard let header = lines.first?.split(separator: ",").map(String.init) else { return }
        let columns = Self.highlighted.compactMap { name in header.firstIndex(of: name).map { (name, $0) } }
        var counts = [String: Double]()
        for line in lines.dropFirst() {
            // FENs and SAN hold no commas, so a plain split finds the columns.
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            for (name, column) in columns where column < fields.count { counts[name, default: 0] += Double(fields[column]) ?? 0 }
        }
        print("   Mean over \(positions) positions (binary concepts: share of positions where it holds):")
        for (name, _) in columns {
            print("     " + name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%.3f", counts[name, default: 0] / Double(max(positions, 1))))
        }
    }
}
