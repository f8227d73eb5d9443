import Foundation

extension StockfishNetwork.Trace {
    /// The evaluation from White's view, as Stockfish's "NNUE evaluation" line gives it.
    package var whiteEvaluation: Int { sideToMove == .white ? evaluation : -evaluation }

    /// Internal units in pawns as Stockfish's `eval` table prints them: |v| / 361 to two
    /// decimals, signed, zero without a sign; written without the plus, as a JSON number.
    package static func tablePawns(_ value: Int) -> String {
        (value < 0 ? "-" : "") + String(format: "%.2f", Double(abs(value)) / Double(StockfishNetwork.unitsPerPawn))
    }

    /// Internal units in pawns as the "NNUE evaluation" line prints them (`%+.2f` of v / 361),
    /// without the plus.
    package static func linePawns(_ value: Int) -> String {
        let text = String(format: "%+.2f", Double(value) / Double(StockfishNetwork.unitsPerPawn))
        return text.hasPrefix("+") ? String(text.dropFirst()) : text
    }
}
