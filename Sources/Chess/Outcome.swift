/// How a game ended (or may be ended by a claim) and who won.
public struct Outcome: Hashable, Sendable {
    /// The rule that ends the game.
    public enum Termination: String, Sendable, CaseIterable {
        case checkmate
        case stalemate
        case insufficientMaterial = "insufficient material"
        /// 75 moves by each side without capture or pawn move: a draw without any claim.
        case seventyFiveMoves = "seventy-five-move rule"
        /// The same position for the fifth time: a draw without any claim.
        case fivefoldRepetition = "fivefold repetition"
        /// 50 moves by each side without capture or pawn move: a draw if claimed.
        case fiftyMoves = "fifty-move rule"
        /// The same position for the third time: a draw if claimed.
        case threefoldRepetition = "threefold repetition"
    }

    public let termination: Termination
    /// The winner, or `nil` for a draw.
    public let winner: Color?

    public init(termination: Termination, winner: Color?) {
        self.termination = termination
        self.winner = winner
    }

    /// The PGN result string: `1-0`, `0-1` or `1/2-1/2`.
    public var result: String {
        switch winner {
        case .white: "1-0"
        case .black: "0-1"
        case nil: "1/2-1/2"
        }
    }
}

extension Position {
    /// `true` when the side to move is checkmated.
    public var isCheckmate: Bool { isCheck && !hasLegalMove }
    /// `true` when the side to move has no legal move and is not in check.
    public var isStalemate: Bool { !isCheck && !hasLegalMove }

    /// `true` when neither side can possibly checkmate (python-chess's reading of the rule).
    public var isInsufficientMaterial: Bool {
        hasInsufficientMaterial(.white) && hasInsufficientMaterial(.black)
    }

    /// `true` when `color` cannot checkmate by any sequence of legal moves, counting
    /// helpmates the opponent's material could allow.
    public func hasInsufficientMaterial(_ color: Color) -> Bool {
        let mine = occupancy(of: color), theirs = occupancy(of: color.opponent)
        if !(mine & (pieces(.pawn) | pieces(.rook) | pieces(.queen))).isEmpty { return false }
        if !(mine & pieces(.knight)).isEmpty {
            // A lone knight can mate only if the opponent has material of its own to block with.
            return mine.count <= 2 && (theirs & ~pieces(.king) & ~pieces(.queen)).isEmpty
        }
        let bishops = pieces(.bishop)
        if !(mine & bishops).isEmpty {
            // Bishops all on one colour cannot mate unless the opponent has pawns or knights to self-block.
            let oneColour = (bishops & .darkSquares).isEmpty || (bishops & .lightSquares).isEmpty
            return oneColour && pieces(.pawn).isEmpty && pieces(.knight).isEmpty
        }
        return true
    }

    /// The game-ending condition that holds on this board alone (no move history):
    /// checkmate, stalemate, insufficient material, the seventy-five-move rule, and —
    /// when `claimDraw` — the fifty-move rule.
    public func outcome(claimDraw: Bool = false) -> Outcome? {
        if isCheckmate { return Outcome(termination: .checkmate, winner: sideToMove.opponent) }
        if isInsufficientMaterial { return Outcome(termination: .insufficientMaterial, winner: nil) }
        if !hasLegalMove { return Outcome(termination: .stalemate, winner: nil) }
        if halfmoveClock >= 150 { return Outcome(termination: .seventyFiveMoves, winner: nil) }
        if claimDraw && halfmoveClock >= 100 { return Outcome(termination: .fiftyMoves, winner: nil) }
        return nil
    }
}
