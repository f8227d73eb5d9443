import Chess

/// What Stockfish's `eval` command prints of its NNUE for a position, as printed: the
/// "NNUE evaluation" line (White's view) and the table's PSQT and positional columns per
/// bucket (the side to move's view), all in pawns with two decimals. The live reference
/// `StockfishNetwork.Trace` is checked against.
package struct StockfishEvalTable: Equatable, Sendable {
    /// The line's number, e.g. "0.28" or "-1.05" (no plus sign).
    package let evaluation: String
    package let bucket: Int
    /// Per bucket, the PSQT and positional columns, e.g. ("-0.04", "0.43").
    package let buckets: [[String]]

    /// Asks `engine` (a Stockfish 15.1 started with `UCIEngine`) for the table of `position`;
    /// nil when Stockfish prints none (the side to move is in check).
    package static func read(_ position: Position, from engine: UCIEngine) throws -> StockfishEvalTable? {
        engine.send("position fen \(position.fen)")
        engine.send("eval")
        var evaluation: String?, used: Int?, buckets = [[String]]()
        while true {
            let line = try engine.readLine()
            if line.hasPrefix("Final evaluation") { break }
            if line.hasPrefix("NNUE evaluation") {
                let value = line.split(separator: " ", omittingEmptySubsequences: true)[2]
                evaluation = value.hasPrefix("+") ? String(value.dropFirst()) : String(value)
            }
            // "|  3         |  -  0.02   |  +  0.30   |  +  0.29   | <-- this bucket is used"
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 5, let bucket = Int(cells[1]) else { continue }
            buckets.append([cells[2], cells[3]].map(Self.number))
            if line.contains("this bucket is used") { used = bucket }
        }
        guard let evaluation, let used, buckets.count == NNUEFile.buckets else { return nil }
        return StockfishEvalTable(evaluation: evaluation, bucket: used, buckets: buckets)
    }

    /// Our trace, printed the way Stockfish prints it.
    package init(_ trace: StockfishNetwork.Trace) {
        evaluation = StockfishNetwork.Trace.linePawns(trace.whiteEvaluation)
        bucket = trace.bucket
        buckets = zip(trace.psqt, trace.positional).map { [StockfishNetwork.Trace.tablePawns($0), StockfishNetwork.Trace.tablePawns($1)] }
    }

    private init(evaluation: String, bucket: Int, buckets: [[String]]) {
        self.evaluation = evaluation
        self.bucket = bucket
        self.buckets = buckets
    }

    /// "-  0.04" → "-0.04", "+  0.43" → "0.43", "   0.00" → "0.00".
    private static func number(_ cell: String) -> String {
        let digits = cell.filter { $0.isNumber || $0 == "." }
        return cell.hasPrefix("-") ? "-" + digits : digits
    }
}
