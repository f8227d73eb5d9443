import ArgumentParser
import Chess
import DataFiles
import Foundation

struct PerftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perft",
        abstract: "Count the leaf nodes of the legal move tree (Stockfish's 'go perft').",
        discussion: "The last line is 'Nodes searched: N'. Timing goes to standard error.")

    @Argument(help: "A FEN (quoted) or 'startpos'.")
    var position: String

    @Argument(help: "Depth in plies (0-15).")
    var depth: Int

    @Flag(help: "Print '<uci>: <count>' for every root move first.")
    var divide = false

    @Flag(help: "Print one JSON object instead.")
    var json = false

    func validate() throws {
        guard (0...15).contains(depth) else { throw ValidationError("depth must be between 0 and 15, got \(depth)") }
    }

    struct Report: Encodable {
        let fen: String
        let depth: Int
        let nodes: UInt64
        struct RootMove: Encodable {
            let uci: String
            let nodes: UInt64
        }
        let divide: [RootMove]?
        let seconds: Double
    }

    func run() throws {
        let start = try parsePosition(position)
        let clock = ContinuousClock.now
        let split = divide ? start.perftDivide(depth) : []
        let nodes = divide ? split.reduce(0) { $0 + $1.nodes } : start.perft(depth)
        let seconds = (ContinuousClock.now - clock).seconds
        if json {
            let table = divide ? split.map { Report.RootMove(uci: $0.move.uci, nodes: $0.nodes) } : nil
            try printJSON(Report(fen: start.fen, depth: depth, nodes: nodes, divide: table, seconds: seconds))
            return
        }
        for (move, count) in split { print("\(move.uci): \(count)") }
        if divide { print("") }
        printError(String(format: "time %.3f s, %.1f M nodes/s", seconds, Double(nodes) / max(seconds, 1e-9) / 1e6))
        print("Nodes searched: \(nodes)")
    }
}
