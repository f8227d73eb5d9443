import ArgumentParser
import Chess
import Concepts
import DataFiles
import Foundation
import PositionCollections

struct PGNBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pgn",
        abstract: "PGN import with full SAN replay beside python-chess's read_game on the same file, and analyse's scaling over threads.")

    @Argument(help: "A PGN collection (.pgn or .pgn.gz).")
    var file = "positions/selfplay.pgn.gz"

    @Option(help: "The Python interpreter with python-chess installed.")
    var python = "python3"

    @Flag(help: "Time only our reader (for profiling).")
    var oursOnly = false

    func run() throws {
        // Both readers get the same uncompressed file, so that neither pays for decompression.
        let plain = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(getpid()).pgn").path
        defer { try? FileManager.default.removeItem(atPath: plain) }
        let reader = try CompressedFileReader(path: file)
        let writer = try AtomicFileWriter(path: plain)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while case let count = try buffer.withUnsafeMutableBytes({ try reader.read(into: $0) }), count > 0 {
            try buffer.withUnsafeBytes { try writer.write(bytes: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
        try writer.commit()

        let ours = try measureOurs(plain)
        if oursOnly {
            print(String(format: "ours: %d games, %d moves, %.0f games/s", ours.games, ours.positions, Double(ours.games) / ours.seconds))
            return
        }
        let theirs = try measurePythonChess(plain)
        guard ours.games == theirs.games, ours.positions == theirs.positions else {
            throw ValidationError("readers disagree: ours \(ours.games) games/\(ours.positions) moves, python-chess \(theirs.games)/\(theirs.positions)")
        }
        print("PGN import with SAN replay, \(ours.games) games, \(ours.positions) moves, one core")
        print(String(format: "  ours          %9.0f games/s %11.0f moves/s", Double(ours.games) / ours.seconds, Double(ours.positions) / ours.seconds))
        print(String(format: "  python-chess  %9.0f games/s %11.0f moves/s", Double(theirs.games) / theirs.seconds, Double(theirs.positions) / theirs.seconds))
        print(String(format: "  ratio         %9.1f", theirs.seconds / ours.seconds))

        print("analyse (all \(ConceptCatalogue.all.count) concepts, CSV to /dev/null)")
        var single = 0.0
        for threads in [1, 2] {
            let analyzer = CollectionAnalyzer(table: PositionTable(concepts: ConceptCatalogue.all), format: .csv, workers: threads)
            let output = try AtomicFileWriter(path: "/dev/null")
            let start = ContinuousClock.now
            let summary = try analyzer.run(paths: [plain], output: output, onError: { _ in }, onProgress: { _ in })
            let seconds = (ContinuousClock.now - start).seconds
            if threads == 1 { single = seconds }
            print(String(format: "  %d thread%@ %9.0f positions/s  speed-up %.2f", threads, threads == 1 ? " " : "s",
                         Double(summary.positions) / seconds, single / seconds))
        }
    }

    private func measureOurs(_ path: String) throws -> (games: Int, positions: Int, seconds: Double) {
        let file = try CompressedFileReader(path: path)
        var reader = PGNReader(file: path) { try file.read(into: $0) }
        var games = 0, positions = 0
        let start = ContinuousClock.now
        while let result = reader.next() {
            if case .success(let game) = result {
                games += 1
                positions += game.mainlineMoves.count
            }
        }
        return (games, positions, (ContinuousClock.now - start).seconds)
    }

    private func measurePythonChess(_ path: String) throws -> (games: Int, positions: Int, seconds: Double) {
        let script = """
            import sys, time, chess.pgn
            start = time.perf_counter(); games = positions = 0
            with open(sys.argv[1]) as handle:
                while (game := chess.pgn.read_game(handle)) is not None:
                    games += 1; positions += sum(1 for _ in game.mainline_moves())
            print(games, positions, time.perf_counter() - start)
            """
        let numbers = try PythonReference.measure(python: python, script: script, arguments: [path], expecting: 3, install: "pip install chess")
        return (Int(numbers[0]), Int(numbers[1]), numbers[2])
    }
}
