/// A position together with the moves that led to it: what the repetition rules
/// need, and the natural model of a game being played (python-chess's `Board`).
public struct Board: Sendable {
    /// The position the moves start from.
    public let startPosition: Position
    /// The current position.
    public private(set) var position: Position
    /// The moves played from `startPosition`, in order.
    public private(set) var moves: [Move] = []
    /// Earlier positions, for repetition counting (the current one not included).
    private var history: [Position] = []

    public init(_ start: Position = .start) {
        startPosition = start
        position = start
    }

    /// Plays a legal move.
    public mutating func push(_ move: Move) {
        history.append(position)
        moves.append(move)
        position.play(move)
    }

    /// Takes back the last move and returns it, or `nil` at the start.
    @discardableResult public mutating func pop() -> Move? {
        guard let move = moves.popLast(), let previous = history.popLast() else { return nil }
        position = previous
        return move
    }

    /// How many times the current position has occurred, counting now.
    ///
    /// Only positions since the last irreversible move can repeat, so the scan stops there.
    public var repetitionCount: Int {
        var count = 1
        for earlier in history.suffix(position.halfmoveClock).reversed() where earlier.repetitionKey == position.repetitionKey {
            count += 1
        }
        return count
    }

    /// The outcome under all rules, including fivefold repetition and — when
    /// `claimDraw` — threefold repetition and the fifty-move rule.
    public func outcome(claimDraw: Bool = false) -> Outcome? {
        if let outcome = position.outcome(claimDraw: claimDraw) { return outcome }
        let repetitions = repetitionCount
        if repetitions >= 5 { return Outcome(termination: .fivefoldRepetition, winner: nil) }
        if claimDraw && repetitions >= 3 { return Outcome(termination: .threefoldRepetition, winner: nil) }
        return nil
    }
}

extension Position {
    /// What makes two positions "the same" for repetition: placement, side to move,
    /// castling rights and a legally capturable en passant square.
    struct RepetitionKey: Hashable {
        var boards: [UInt64]
        var side: Color
        var castling: CastlingRights
        var enPassant: Square?
    }

    var repetitionKey: RepetitionKey {
        RepetitionKey(
            boards: (0..<6).map { kindBoards[$0] } + [colorBoards[0], colorBoards[1]],
            side: sideToMove, castling: castlingRights, enPassant: legalEnPassantSquare)
    }
}
