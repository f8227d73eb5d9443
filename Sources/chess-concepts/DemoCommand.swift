import ArgumentParser
import Chess
import DataFiles
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the shipped demonstration: the rules core verified on the standard perft suite, and sample move queries.")

    @Flag(help: "Shallower perft depths, for a run of a few seconds.")
    var quick = false

    func run() throws {
        print("Perft of the standard suite (Chess Programming Wiki):")
        var failures = 0
        for testCase in PerftCase.standardSuite {
            let position = try Position(fen: testCase.fen)
            let depth = min(testCase.nodes.count, quick ? 3 : 5)
            let clock = ContinuousClock.now
            let nodes = position.perft(depth)
            let seconds = (ContinuousClock.now - clock).seconds
            let expected = testCase.nodes[depth - 1]
            let verdict = nodes == expected ? "ok" : "MISMATCH (expected \(expected))"
            if nodes != expected { failures += 1 }
            print(String(format: "  %-11@ depth %d  %11llu nodes  %7.1f M nodes/s  %@",
                         testCase.name as NSString, depth, nodes, Double(nodes) / max(seconds, 1e-9) / 1e6, verdict as NSString))
        }
        print("\nLegal moves in a few positions:")
        let samples = [
            ("start", Position.startFEN),
            ("en passant", "rnbqkbnr/ppp1p1pp/8/3pPp2/8/8/PPPP1PPP/RNBQKBNR w KQkq f6 0 3"),
            ("fool's mate", "rnb1kbnr/pppp1ppp/8/4p3/6Pq/5P2/PPPPP2P/RNBQKBNR w KQkq - 1 3"),
        ]
        for (name, fen) in samples {
            let position = try Position(fen: fen)
            let moves = position.legalMoves.map { position.san($0) }.sorted()
            let status = position.isCheckmate ? "checkmate" : position.isCheck ? "check" : "\(moves.count) legal moves"
            print("  \(name): \(fen)\n    \(status)\(moves.isEmpty ? "" : ": " + moves.joined(separator: " "))")
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
