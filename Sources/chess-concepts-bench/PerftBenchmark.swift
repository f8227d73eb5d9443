import ArgumentParser
import Chess
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
            print(String(format: "%-11@ %5d %12llu %10.1f %15.1f %7.2f", testCase.name as NSString, depth, nodes, ourRate, theirRate, ourRate / theirRate))
        }
    }
}

/// A UCI engine driven through pipes, used as the timing reference.
final class UCIEngine {
    private let process = Process()
    private let input = Pipe(), output = Pipe()
    private var buffer = Data()

    init(path: String) throws {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ValidationError("no engine at \(path) (install Debian's 'stockfish' package)")
        }
        process.executableURL = URL(fileURLWithPath: path)
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        send("uci")
        _ = try readLine { $0 == "uciok" }
        send("setoption name Threads value 1")
        send("isready")
        _ = try readLine { $0 == "readyok" }
    }

    deinit {
        send("quit")
        process.waitUntilExit()
    }

    /// Runs `go perft` and returns the node count and the wall time from command to answer.
    func perft(fen: String, depth: Int) throws -> (nodes: UInt64, seconds: Double) {
        send("position fen \(fen)")
        send("isready")
        _ = try readLine { $0 == "readyok" }
        let clock = ContinuousClock.now
        send("go perft \(depth)")
        let line = try readLine { $0.hasPrefix("Nodes searched:") }
        let seconds = (ContinuousClock.now - clock).seconds
        guard let nodes = UInt64(line.dropFirst("Nodes searched:".count).trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError("unexpected engine answer '\(line)'")
        }
        return (nodes, seconds)
    }

    private func send(_ command: String) {
        input.fileHandleForWriting.write(Data((command + "\n").utf8))
    }

    private func readLine(until matches: (String) -> Bool) throws -> String {
        while true {
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                if matches(line) { return line }
            }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw ValidationError("the engine closed its output") }
            buffer.append(chunk)
        }
    }
}

extension Duration {
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}
