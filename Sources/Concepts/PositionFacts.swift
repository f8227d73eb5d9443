import Chess

/// Work shared by many concepts on one position (legal moves, checks, attack maps),
/// computed lazily and at most once.
///
/// Confined to the thread that labels the position.
public final class PositionFacts: @unchecked Sendable {
    private let position: Position
    init(_ position: Position) { self.position = position }

    /// The side to move's legal moves.
    public private(set) lazy var legalMoves: MoveList = position.legalMoves

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

    /// The same facts for the position with the turn passed (a null move): what the
    /// opponent could do if it were their move.
    public private(set) lazy var passed = PositionFacts(position.playing(.null))

    /// Squares attacked by the side to move.
    public private(set) lazy var attackedByUs: Bitboard = position.attackedSquares(by: position.sideToMove)
    /// Squares attacked by the opponent.
    public private(set) lazy var attackedByThem: Bitboard = position.attackedSquares(by: position.sideToMove.opponent)

    /// Squares attacked by `color`.
    public func attacked(by color: Color) -> Bitboard {
        color == position.sideToMove ? attackedByUs : attackedByThem
    }
}
