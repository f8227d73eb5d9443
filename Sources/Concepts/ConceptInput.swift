import Chess

/// What a concept is computed from: a position and, when known, how the game
/// reached it and how the game ended — plus the work many concepts share (legal
/// moves, checks, attack maps), computed lazily and at most once.
///
/// A class, so that handing it to 71 concepts copies nothing; confined to the
/// thread that labels the position.
public final class ConceptInput: @unchecked Sendable {
    public let position: Position
    /// The moves from the game's start to `position` (empty when unknown).
    public let history: ArraySlice<Move>
    /// The position the history starts from.
    public let start: Position
    /// The game's result (`1-0`, `0-1`, `1/2-1/2`), when the collection knows it.
    public let result: String?

    public init(_ position: Position, history: ArraySlice<Move> = [], start: Position? = nil, result: String? = nil) {
        self.position = position
        self.history = history
        self.start = start ?? position
        self.result = result
    }

    /// The side to move ("mine").
    public var us: Color { position.sideToMove }
    /// The side not to move ("opponent").
    public var them: Color { position.sideToMove.opponent }

    /// The side to move's legal moves.
    public private(set) lazy var legalMoves: [Move] = position.legalMoves.array

    /// The legal moves that give check, and how.
    public private(set) lazy var checkingMoves: [(move: Move, check: CheckInfo.Check)] = {
        let info = CheckInfo(position)
        return legalMoves.compactMap { move in
            let check = info.check(move)
            return check.givesCheck ? (move, check) : nil
        }
    }()

    /// Whether some legal move checkmates.
    public private(set) lazy var hasMateInOne: Bool = checkingMoves.contains { !position.playing($0.move).hasLegalMove }

    /// The position with the turn passed (a null move): what the opponent could do if it were their move.
    public private(set) lazy var passed = ConceptInput(position.playing(.null))

    /// Squares attacked by the side to move.
    public private(set) lazy var attackedByUs: Bitboard = position.attackedSquares(by: position.sideToMove)
    /// Squares attacked by the opponent.
    public private(set) lazy var attackedByThem: Bitboard = position.attackedSquares(by: position.sideToMove.opponent)

    /// Squares attacked by `color`.
    public func attacked(by color: Color) -> Bitboard {
        color == position.sideToMove ? attackedByUs : attackedByThem
    }
}
