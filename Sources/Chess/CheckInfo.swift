/// What it takes to give check in a position, computed once so that each legal
/// move can be classified without playing it (Stockfish's "check squares" and
/// "blockers for king").
public struct CheckInfo: Sendable {
    /// How a move checks.
    public struct Check: Equatable, Sendable {
        /// The moved piece (the rook, for castling; the new piece, for a promotion) attacks the king.
        public var direct: Bool
        /// Another piece attacks the king through a line the move opened.
        public var discovered: Bool
        public var givesCheck: Bool { direct || discovered }
    }

    private let position: Position
    private let enemyKing: Int
    /// Per piece kind, the squares from which a piece of the side to move would attack the enemy king.
    private let checkSquares: InlineArray<6, UInt64>
    /// Our pieces that alone stand between one of our sliders and the enemy king.
    private let discoverers: UInt64

    public init(_ position: Position) {
        self.position = position
        let t = AttackTables.shared
        let us = position.sideToMove
        let occupied = position.occupied.rawValue
        enemyKing = position.king(of: us.opponent).index
        let bishopLines = t.bishopAttacks(enemyKing, occupied), rookLines = t.rookAttacks(enemyKing, occupied)
        checkSquares = [t.pawnAttacks(us.opponent, enemyKing), t.knightAttacks(enemyKing), bishopLines, rookLines,
                        bishopLines | rookLines, 0]
        // Our sliders that see the enemy king through exactly one of our own pieces.
        let ours = position.occupancy(of: us).rawValue
        let theirs = occupied & ~ours
        var snipers = ours & ((t.rookAttacks(enemyKing, theirs) & (position.pieces(.rook).rawValue | position.pieces(.queen).rawValue))
            | (t.bishopAttacks(enemyKing, theirs) & (position.pieces(.bishop).rawValue | position.pieces(.queen).rawValue)))
        var blockers: UInt64 = 0
        while snipers != 0 {
            let between = t.between(enemyKing, snipers.trailingZeroBitCount) & occupied
            if between != 0 && between & (between &- 1) == 0 { blockers |= between & ours }
            snipers &= snipers &- 1
        }
        discoverers = blockers
    }

    /// How the legal `move` checks the opponent, if it does.
    public func check(_ move: Move) -> Check {
        let from = move.from.index, to = move.to.index
        switch move.kind {
        case .normal:
            let kind = Int(position.piece(at: move.from)!.kind.rawValue)
            let discovered = discoverers >> UInt64(from) & 1 != 0
                && AttackTables.shared.line(enemyKing, from) >> UInt64(to) & 1 == 0
            return Check(direct: checkSquares[kind] >> UInt64(to) & 1 != 0, discovered: discovered)
        case .promotion, .enPassant, .castling:
            // Rare moves whose lines change in more than one place: play them out.
            let checkers = position.playing(move).checkers.rawValue
            let mover: UInt64 = move.kind == .castling ? (checkers != 0 ? checkers : 0) : checkers & (1 << UInt64(to))
            return Check(direct: mover != 0, discovered: checkers & ~mover != 0)
        }
    }
}
