import ArgumentParser
import Chess
import DataFiles
import Foundation

struct PerftBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perft",
        abstract: "Perft nodes/s beside Stockfish's single-threaded 'go perft' on the same positions.")

    @Option(help: "The Stockfish binary (Debian installs it as /usr/games/stockfish).")
    var stockfish = "/usr/games/stockfish"

    @Option(help: "Timed runs per measurement; the fastest counts.")
    var repeats = 3

    func run() throws {
        let cases = [(PerftCase.standardSuite[0], 6), (PerftCase.standardSuite[1], 5)]
        let engine = try UCIEngine(path: stockfish)
        try engine.setOption("Threads", "1")
        print("position    depth        nodes   ours M/s   stockfish M/s   ratio")
        for (testCase, depth) in cases {
            let position = try Position(fen: testCase.fen)
            var ours = Double.infinity, theirs = Double.infinity
            var nodes: UInt64 = 0
            for _ in 0..<repeats {
                let clock = ContinuousClock.now
                nodes = position.perft(depth)
                ours = min(ours, (ContinuousClock.now - clock).seconds)
                guard nodes == testCase.nodes[depth - 1] else { throw ValidationError("wrong perft count \(nodes) for \(testCase.name)") }
                let (reference, seconds) = try engine.perft(fen: testCase.fen, depth: depth)
                guard reference == nodes else { throw ValidationError("Stockfish counted \(reference), we counted \(nodes)") }
                theirs = min(theirs, seconds)
            }
            let ourRate = Double(nodes) / ours / 1e6, theirRate = Double(nodes) / theirs / 1e6
            print(testCase.name.padding(toLength: 11, withPad: " ", startingAt: 0)
                  + String(format: " %5d %12llu %10.1f %15.1f %7.2f", depth, nodes, ourRate, theirRate, ourRate / theirRate))
        }
    }
}
