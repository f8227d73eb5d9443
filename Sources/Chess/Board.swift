/// A position together with the moves that led to it: what the repetition rules
/// need, and the natural model of a game being played (python-chess's `Board`).
///
/// ```swift
/// var board = Board()
/// try board.push(san: "e4")
/// try board.push(uci: "e7e5")
/// board.legalMoves.count          // 29
/// board.pop()                      // e7e5
/// board.fen                        // "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1"
/// ```
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

    /// Plays the move written in SAN (`"Nf3"`, `"exd5"`, `"O-O"`, `"e8=Q+"`), which must be legal.
    @discardableResult public mutating func push(san text: String) throws(MoveNotationError) -> Move {
        let move = try position.move(san: text)
        push(move)
        return move
    }

    /// Plays the move written in UCI (`"g1f3"`, `"e7e8q"`), which must be legal.
    @discardableResult public mutating func push(uci text: String) throws(MoveNotationError) -> Move {
        let move = try position.move(uci: text)
        push(move)
        return move
    }

    /// The legal moves of the current position.
    public var legalMoves: MoveList { position.legalMoves }

    /// `move` in the current position written in SAN.
    public func san(_ move: Move) -> String { position.san(move) }

    /// The current position's FEN.
    public var fen: String { position.fen }

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
    /// castling rights and a legally capturable en passant square. Fixed-size, so
    /// comparing two allocates nothing.
    struct RepetitionKey: Hashable {
        var pieces: InlineArray<6, UInt64>
        var colors: InlineArray<2, UInt64>
        var side: Color
        var castling: CastlingRights
        var enPassant: Square?

        static func == (a: RepetitionKey, b: RepetitionKey) -> Bool {
            a.side == b.side && a.castling == b.castling && a.enPassant == b.enPassant
                && a.colors[.white] == b.colors[.white] && a.colors[.black] == b.colors[.black]
                && PieceKind.allCases.allSatisfy { a.pieces[$0] == b.pieces[$0] }
        }

        func hash(into hasher: inout Hasher) {
            for kind in PieceKind.allCases { hasher.combine(pieces[kind]) }
            hasher.combine(colors[.white])
            hasher.combine(side)
            hasher.combine(enPassant)
        }
    }

    var repetitionKey: RepetitionKey {
        RepetitionKey(pieces: kindBoards, colors: colorBoards, side: sideToMove, castling: castlingRights, enPassant: legalEnPassantSquare)
    }
}
