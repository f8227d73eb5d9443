import Chess
import ChessModel
import Foundation
import Neural
import NNUE

/// A network's view of one position, as `chess-concepts eval` prints it: the own
/// network's most likely moves and its win/draw/loss, or NNUE's evaluation with the
/// PSQT and positional terms of all eight buckets exactly as Stockfish's `eval` prints them.
package enum PositionEvaluation {
    /// A policy/value network's view, from the side to move's view.
    package struct PolicyValueView: Sendable {
        package let moves: [(san: String, uci: String, probability: Double)]
        package let win: Double, draw: Double, loss: Double
    }

    case policyValue(fen: String, PolicyValueView)
    case nnue(fen: String, StockfishNetwork.Trace)

    /// Evaluates `position` with `network`; `moves` caps the policy's list.
    package init(network: any ChessNetwork, position: Position, moves: Int = 5) {
        if let nnue = network as? StockfishNetwork {
            self = .nnue(fen: position.fen, nnue.trace(position))
            return
        }
        let own = network as! PolicyValueNetwork
        let (policy, value) = own.forward(BoardEncoder.encode([position]), mode: .inference)
        let legal = Array(position.legalMoves)
        let logits = legal.map { Double(policy.storage[MoveIndex.index(of: $0, in: position)]) }
        let top = logits.max() ?? 0
        let weights = logits.map { exp($0 - top) }, total = weights.reduce(0, +)
        let ranked = zip(legal, weights).sorted { $0.1 > $1.1 }.prefix(moves)
        let outcome = PolicyValueNetwork.outcomeProbabilities(value, row: 0).map(Double.init)
        self = .policyValue(fen: position.fen, PolicyValueView(
            moves: ranked.map { (position.san($0.0), $0.0.uci, $0.1 / total) }, win: outcome[0], draw: outcome[1], loss: outcome[2]))
    }

    /// One JSON object on one line.
    ///
    /// For NNUE: `nnue_evaluation` is White's view, as Stockfish's "NNUE evaluation" line;
    /// `buckets` are the table's PSQT and positional columns, which Stockfish prints from
    /// the side to move's view (its table header names the side); `bucket` is the one used.
    package var jsonLine: String {
        switch self {
        case .nnue(let fen, let trace):
            let buckets = zip(trace.psqt, trace.positional).map { "{\"psqt\":\(StockfishNetwork.Trace.tablePawns($0)),\"positional\":\(StockfishNetwork.Trace.tablePawns($1))}" }
            return "{\"fen\":\(Self.quoted(fen)),\"model\":\"nnue\",\"side_to_move\":\"\(trace.sideToMove == .white ? "white" : "black")\","
                + "\"nnue_evaluation\":\(StockfishNetwork.Trace.linePawns(trace.whiteEvaluation)),\"bucket\":\(trace.bucket),\"buckets\":[\(buckets.joined(separator: ","))]}"
        case .policyValue(let fen, let view):
            let moves = view.moves.map { "{\"san\":\(Self.quoted($0.san)),\"uci\":\"\($0.uci)\",\"probability\":\(String(format: "%.4f", $0.probability))}" }
            return "{\"fen\":\(Self.quoted(fen)),\"model\":\"policy_value\",\"moves\":[\(moves.joined(separator: ","))],"
                + String(format: "\"win\":%.4f,\"draw\":%.4f,\"loss\":%.4f}", view.win, view.draw, view.loss)
        }
    }

    /// A few lines for a person.
    package var text: String {
        switch self {
        case .nnue(let fen, let trace):
            var lines = [fen, "NNUE evaluation \(StockfishNetwork.Trace.linePawns(trace.whiteEvaluation)) (White's view, pawns)",
                         "bucket  PSQT       positional total      (\(trace.sideToMove == .white ? "White" : "Black") to move's view)"]
            for bucket in 0..<trace.psqt.count {
                let total = trace.psqt[bucket] + trace.positional[bucket]
                let columns = [StockfishNetwork.Trace.tablePawns(trace.psqt[bucket]), StockfishNetwork.Trace.tablePawns(trace.positional[bucket]), StockfishNetwork.Trace.tablePawns(total)]
                lines.append("\(bucket)       " + columns.map { $0.padding(toLength: 9, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                             + (bucket == trace.bucket ? "<- used" : ""))
            }
            return lines.joined(separator: "\n")
        case .policyValue(let fen, let view):
            return ([fen, String(format: "win %.3f, draw %.3f, loss %.3f (side to move)", view.win, view.draw, view.loss)]
                + view.moves.map { $0.san.padding(toLength: 8, withPad: " ", startingAt: 0) + $0.uci.padding(toLength: 7, withPad: " ", startingAt: 0)
                    + String(format: "%.3f", $0.probability) }).joined(separator: "\n")
        }
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
