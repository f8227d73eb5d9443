import Foundation

/// A chess engine speaking UCI over pipes (Stockfish, for reference timings and
/// evaluation labels).
public final class UCIEngine {
    /// The engine's `id name` line, e.g. `Stockfish 15.1`.
    public private(set) var name = ""
    private let process = Process()
    private let input = Pipe(), output = Pipe()
    private var buffer = Data()

    /// Starts the engine at `path` and completes the UCI handshake.
    public init(path: String) throws {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw UCIError.notFound(path)
        }
        process.executableURL = URL(fileURLWithPath: path)
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        // An engine that exits must not take this process with it: writing to its closed
        // pipe then fails (and `readLine` reports the end) instead of raising SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        send("uci")
        while true {
            let line = try readLine()
            if line.hasPrefix("id name ") { name = String(line.dropFirst("id name ".count)) }
            if line == "uciok" { break }
        }
    }

    deinit {
        send("quit")
        process.waitUntilExit()
    }

    /// The first executable called `stockfish` among Debian's location and `PATH`.
    public static func findStockfish() -> String? {
        let directories = ["/usr/games"] + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return directories.map { $0 + "/stockfish" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Sends one command line. A write to an engine that has exited is dropped; the next
    /// `readLine` reports that the engine is gone.
    public func send(_ command: String) {
        try? input.fileHandleForWriting.write(contentsOf: Data((command + "\n").utf8))
    }

    /// Sets an option (`setoption name N value V`) and waits until the engine is ready.
    public func setOption(_ name: String, _ value: String) throws {
        send("setoption name \(name) value \(value)")
        try synchronize()
    }

    /// Waits until the engine has processed everything sent so far.
    public func synchronize() throws {
        send("isready")
        _ = try readLine { $0 == "readyok" }
    }

    /// Runs `go perft` and returns the node count and the wall time from command to answer.
    public func perft(fen: String, depth: Int) throws -> (nodes: UInt64, seconds: Double) {
        send("position fen \(fen)")
        try synchronize()
        let start = ContinuousClock.now
        send("go perft \(depth)")
        let line = try readLine { $0.hasPrefix("Nodes searched:") }
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        guard let nodes = UInt64(line.dropFirst("Nodes searched:".count).trimmingCharacters(in: .whitespaces)) else {
            throw UCIError.unexpectedAnswer(line)
        }
        return (nodes, Double(seconds) + Double(attoseconds) * 1e-18)
    }

    /// The engine's move after `moves` (UCI) from `fen`, searching `nodes` nodes; with one
    /// thread and a fixed node count Stockfish answers the same every time.
    public func bestMove(fen: String, moves: [String], nodes: Int) throws -> String {
        try search(fen: fen, moves: moves, nodes: nodes).bestMove
    }

    /// Searches `nodes` nodes after `moves` (UCI) from `fen`: the best move, and the score of
    /// the last exact (not lower- or upper-bound) `info` line.
    public func search(fen: String, moves: [String] = [], nodes: Int) throws -> UCISearchResult {
        send("position fen \(fen)" + (moves.isEmpty ? "" : " moves " + moves.joined(separator: " ")))
        send("go nodes \(nodes)")
        var score: UCISearchResult.Score?
        while true {
            let line = try readLine()
            let words = line.split(separator: " ")
            if words.first == "bestmove" {
                guard words.count >= 2 else { throw UCIError.unexpectedAnswer(line) }
                return UCISearchResult(bestMove: String(words[1]), score: score)
            }
            guard words.first == "info", let at = words.firstIndex(of: "score"), at + 2 < words.count,
                  !words.contains("lowerbound"), !words.contains("upperbound"), let value = Int(words[at + 2]) else { continue }
            switch words[at + 1] {
            case "cp": score = .centipawns(value)
            case "mate": score = .mate(value)
            default: throw UCIError.unexpectedAnswer(line)
            }
        }
    }

    /// Tells the engine that the next position starts a new game (clearing its hash).
    public func newGame() throws {
        send("ucinewgame")
        try synchronize()
    }

    /// The next line the engine prints.
    public func readLine() throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw UCIError.closed }
            buffer.append(chunk)
        }
    }

    /// Reads lines until one satisfies `matches`, and returns it.
    public func readLine(until matches: (String) -> Bool) throws -> String {
        while true {
            let line = try readLine()
            if matches(line) { return line }
        }
    }
}
