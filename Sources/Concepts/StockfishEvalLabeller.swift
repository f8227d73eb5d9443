import Chess
import Foundation

/// Stockfish 15.1's classical evaluation terms (the table its `eval` command prints)
/// as concept labels, the terms McGrath et al. probed AlphaZero for.
///
/// Runs a small pool of engine processes, one per worker thread, and feeds each a few
/// positions at a time. Values are in pawns from the side to move's view, middlegame
/// and endgame separately; missing (NaN) when the side to move is in check, where
/// Stockfish prints no table.
public final class StockfishEvalLabeller: @unchecked Sendable {
    /// The terms of the table, in its order.
    public static let terms = ["Material", "Imbalance", "Pawns", "Knights", "Bishops", "Rooks", "Queens",
                               "Mobility", "King safety", "Threats", "Passed", "Space"]

    /// `sf_material_mg`, `sf_material_eg`, … for every term.
    public static let columns: [String] = terms.flatMap { term in
        let base = "sf_" + term.lowercased().replacing(" ", with: "_")
        return [base + "_mg", base + "_eg"]
    }

    private let path: String
    private let condition = NSCondition()
    private var idle: [UCIEngine] = []

    /// Checks that `path` (or the `stockfish` found on the system) is a Stockfish that still
    /// prints the classical table: version 16 and later do not.
    public init(path: String?) throws {
        guard let found = path ?? UCIEngine.findStockfish() else {
            throw StockfishLabelError("Stockfish evaluation terms need Debian's stockfish 15.1 (apt-get install stockfish); no 'stockfish' found in /usr/games or on PATH")
        }
        self.path = found
        let engine = try Self.start(found)
        idle.append(engine)
    }

    private static func start(_ path: String) throws -> UCIEngine {
        let engine = try UCIEngine(path: path)
        if let version = engine.name.split(separator: " ").dropFirst().first.flatMap({ Double($0) }), version >= 16 {
            throw StockfishLabelError("\(engine.name) no longer prints the classical evaluation table (removed in Stockfish 16); use Stockfish 15.1, Debian 12's package")
        }
        try engine.setOption("Threads", "1")
        return engine
    }

    /// One row of `columns.count` values per position.
    public func labels(for positions: [Position]) throws -> [[Double]] {
        let engine = try takeEngine()
        defer { giveBack(engine) }
        var rows = [[Double]]()
        rows.reserveCapacity(positions.count)
        // A few positions per round trip: Stockfish answers each with ~5 kB, and a full
        // output pipe would stall it while we are still writing.
        for start in stride(from: 0, to: positions.count, by: 8) {
            let batch = positions[start..<min(start + 8, positions.count)]
            for position in batch {
                engine.send("position fen \(position.fen)")
                engine.send("eval")
            }
            for position in batch {
                rows.append(try readTable(engine, position: position))
            }
        }
        return rows
    }

    private func readTable(_ engine: UCIEngine, position: Position) throws -> [Double] {
        var values = [Double](repeating: .nan, count: Self.columns.count)
        var sawTable = false
        while true {
            let line = try engine.readLine()
            if line.hasPrefix("Final evaluation") {
                if !sawTable && !line.contains("in check") {
                    throw StockfishLabelError("\(engine.name) printed no classical evaluation table for \(position.fen)")
                }
                return values
            }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
            guard cells.count >= 6, let index = Self.terms.firstIndex(of: cells[1].trimmingCharacters(in: .whitespaces)) else { continue }
            let totals = cells[4].split(separator: " ").compactMap { Double($0) }
            guard totals.count == 2 else { continue }
            sawTable = true
            let sign: Double = position.sideToMove == .white ? 1 : -1
            // Adding zero turns the -0.0 of a negated zero into 0.0.
            values[2 * index] = sign * totals[0] + 0
            values[2 * index + 1] = sign * totals[1] + 0
        }
    }

    private func takeEngine() throws -> UCIEngine {
        condition.lock()
        if let engine = idle.popLast() {
            condition.unlock()
            return engine
        }
        condition.unlock()
        return try Self.start(path)
    }

    private func giveBack(_ engine: UCIEngine) {
        condition.lock()
        idle.append(engine)
        condition.unlock()
    }
}

/// Stockfish labels could not be produced.
public struct StockfishLabelError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
