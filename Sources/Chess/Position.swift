/// A chess position: piece placement, side to move, castling rights, en passant
/// square and the two move clocks — everything a FEN says.
///
/// A value type: copy it, play a move on the copy (`playing(_:)`), keep both.
/// Positions built through the public API are always valid (see `PositionIssue`).
public struct Position: Sendable {
    /// One bitboard per piece kind, both colours together.
    var kindBoards: InlineArray<6, UInt64>
    /// One bitboard per colour.
    var colorBoards: InlineArray<2, UInt64>
    /// The side that moves next.
    public internal(set) var sideToMove: Color
    /// The castling rights still held.
    public internal(set) var castlingRights: CastlingRights
    /// Square index behind a pawn that just made a double step, kept only when an
    /// enemy pawn stands beside it (a capture is pseudo-legal); 64 means none.
    var enPassantIndex: UInt8
    /// Plies since the last capture or pawn move (for the fifty-move rule).
    public internal(set) var halfmoveClock: Int
    /// The move number, starting at 1 and incremented after Black moves.
    public internal(set) var fullmoveNumber: Int

    /// An empty board with `side` to move and no rights; only for building positions internally.
    init(emptyWith side: Color) {
        kindBoards = InlineArray(repeating: 0)
        colorBoards = InlineArray(repeating: 0)
        sideToMove = side
        castlingRights = []
        enPassantIndex = 64
        halfmoveClock = 0
        fullmoveNumber = 1
    }

    /// The standard starting position.
    public static let start = try! Position(fen: Position.startFEN)
    /// FEN of the standard starting position.
    public static let startFEN = "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1"

    // MARK: Placement

    /// The piece on `square`, or `nil` when it is empty.
    public func piece(at square: Square) -> Piece? {
        let bit = square.bitboard.rawValue
        guard let kind = kind(at: bit) else { return nil }
        return Piece(kind, colorBoards[.white] & bit != 0 ? .white : .black)
    }

    @inline(__always) func kind(at bit: UInt64) -> PieceKind? {
        PieceKind.allCases.first { kindBoards[$0] & bit != 0 }
    }

    /// The squares holding pieces of `kind` and `color`.
    public func pieces(_ kind: PieceKind, _ color: Color) -> Bitboard {
        Bitboard(rawValue: kindBoards[kind] & colorBoards[color])
    }

    /// The squares holding pieces of `kind`, either colour.
    public func pieces(_ kind: PieceKind) -> Bitboard { Bitboard(rawValue: kindBoards[kind]) }

    /// The squares holding pieces of `color`.
    public func occupancy(of color: Color) -> Bitboard { Bitboard(rawValue: colorBoards[color]) }

    /// All occupied squares.
    public var occupied: Bitboard { Bitboard(rawValue: colorBoards[.white] | colorBoards[.black]) }

    /// The king of `color`.
    public func king(of color: Color) -> Square {
        Square(unchecked: (kindBoards[.king] & colorBoards[color]).trailingZeroBitCount)
    }

    /// The en passant target square when a capture there is pseudo-legal (an enemy pawn
    /// stands beside the pawn that just advanced two squares), else `nil`.
    public var enPassantSquare: Square? { enPassantIndex < 64 ? Square(unchecked: Int(enPassantIndex)) : nil }

    /// Puts `piece` on an empty `square` (internal building block for FEN and edits).
    mutating func put(_ piece: Piece, at square: Square) {
        let bit = square.bitboard.rawValue
        kindBoards[piece.kind] |= bit
        colorBoards[piece.color] |= bit
    }

    /// Empties `square`.
    mutating func clear(_ square: Square) {
        let keep = ~square.bitboard.rawValue
        for kind in PieceKind.allCases { kindBoards[kind] &= keep }
        colorBoards[.white] &= keep
        colorBoards[.black] &= keep
    }

    // MARK: Attacks

    /// The pieces of `color` that attack `square` on the current board.
    public func attackers(of square: Square, by color: Color) -> Bitboard {
        Bitboard(rawValue: attackers(square.index, by: color, occupied: occupied.rawValue))
    }

    /// `true` when a piece of `color` attacks `square`.
    public func isAttacked(_ square: Square, by color: Color) -> Bool {
        attackers(square.index, by: color, occupied: occupied.rawValue) != 0
    }

    /// The squares the piece on `square` attacks (empty for an empty square).
    public func attacks(from square: Square) -> Bitboard {
        guard let piece = piece(at: square) else { return .empty }
        return Bitboard(rawValue: AttackTables.shared.attacks(piece.kind, piece.color, square.index, occupied.rawValue))
    }

    /// Every square attacked by at least one piece of `color`.
    public func attackedSquares(by color: Color) -> Bitboard {
        let t = AttackTables.shared
        let ours = colorBoards[color]
        let occupiedAll = colorBoards[.white] | colorBoards[.black]
        var result = pawnAttacks(of: color).rawValue
        var knights = kindBoards[.knight] & ours
        while knights != 0 {
            result |= t.knightAttacks(knights.trailingZeroBitCount)
            knights &= knights &- 1
        }
        var diagonal = (kindBoards[.bishop] | kindBoards[.queen]) & ours
        while diagonal != 0 {
            result |= t.bishopAttacks(diagonal.trailingZeroBitCount, occupiedAll)
            diagonal &= diagonal &- 1
        }
        var straight = (kindBoards[.rook] | kindBoards[.queen]) & ours
        while straight != 0 {
            result |= t.rookAttacks(straight.trailingZeroBitCount, occupiedAll)
            straight &= straight &- 1
        }
        return Bitboard(rawValue: result | t.kingAttacks((kindBoards[.king] & ours).trailingZeroBitCount))
    }

    /// The squares attacked by the pawns of `color`.
    public func pawnAttacks(of color: Color) -> Bitboard {
        let pawns = kindBoards[.pawn] & colorBoards[color]
        let west = pawns & ~0x0101_0101_0101_0101, east = pawns & ~0x8080_8080_8080_8080
        return Bitboard(rawValue: color == .white ? (west << 7) | (east << 9) : (west >> 9) | (east >> 7))
    }

    /// Pieces of `color` attacking `square` given an arbitrary occupancy (for x-ray questions).
    @inline(__always) func attackers(_ square: Int, by color: Color, occupied: UInt64) -> UInt64 {
        let t = AttackTables.shared
        let theirs = colorBoards[color]
        let rooksQueens = kindBoards[.rook] | kindBoards[.queen]
        let bishopsQueens = kindBoards[.bishop] | kindBoards[.queen]
        return theirs & (
            (t.pawnAttacks(color.opponent, square) & kindBoards[.pawn])
            | (t.knightAttacks(square) & kindBoards[.knight])
            | (t.kingAttacks(square) & kindBoards[.king])
            | (t.rookAttacks(square, occupied) & rooksQueens)
            | (t.bishopAttacks(square, occupied) & bishopsQueens))
    }

    /// Enemy pieces giving check to the side to move.
    public var checkers: Bitboard {
        Bitboard(rawValue: attackers(king(of: sideToMove).index, by: sideToMove.opponent, occupied: occupied.rawValue))
    }

    /// `true` when the side to move is in check.
    public var isCheck: Bool { !checkers.isEmpty }

    /// Pieces of `color` pinned to their own king by an enemy slider (they may still move along the pin).
    public func pinnedPieces(of color: Color) -> Bitboard {
        Bitboard(rawValue: pinned(color, kingSquare: king(of: color).index))
    }

    /// For a pinned piece of `color` on `square`, the line it may still move along; otherwise `nil`.
    public func pinRay(of square: Square, color: Color) -> Bitboard? {
        let kingSquare = king(of: color).index
        guard pinned(color, kingSquare: kingSquare) & square.bitboard.rawValue != 0 else { return nil }
        return Bitboard(rawValue: AttackTables.shared.line(kingSquare, square.index))
    }

    @inline(__always) func pinned(_ color: Color, kingSquare: Int) -> UInt64 {
        let t = AttackTables.shared
        let ours = colorBoards[color]
        let theirs = colorBoards[color.opponent]
        let occupiedAll = ours | theirs
        var snipers = theirs & (
            (t.rookAttacks(kingSquare, theirs) & (kindBoards[.rook] | kindBoards[.queen]))
            | (t.bishopAttacks(kingSquare, theirs) & (kindBoards[.bishop] | kindBoards[.queen])))
        var result: UInt64 = 0
        while snipers != 0 {
            let sniper = snipers.trailingZeroBitCount
            snipers &= snipers &- 1
            let blockers = t.between(kingSquare, sniper) & occupiedAll
            if blockers != 0 && blockers & (blockers &- 1) == 0 { result |= blockers & ours }
        }
        return result
    }
}

extension Position: Hashable {
    /// Two positions are equal when their FENs are equal: placement, side to move, castling
    /// rights, a legally capturable en passant square and both clocks.
    public static func == (a: Position, b: Position) -> Bool {
        a.repetitionKey == b.repetitionKey && a.halfmoveClock == b.halfmoveClock && a.fullmoveNumber == b.fullmoveNumber
    }

    /// Hashes the Polyglot Zobrist key, which equal positions share (the clocks, not in the
    /// key, only make unequal positions collide).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(zobristKey)
    }
}

extension Position: CustomStringConvertible {
    /// An 8×8 text diagram (eighth rank on top, `.` for empty squares) followed by the FEN.
    public var description: String {
        var lines = [String]()
        for rank in (0..<8).reversed() {
            let row = (0..<8).map { file in piece(at: Square(file: file, rank: rank)).map { String($0.fenSymbol) } ?? "." }
            lines.append("\(rank + 1)  " + row.joined(separator: " "))
        }
        lines.append("   a b c d e f g h")
        return lines.joined(separator: "\n")
    }
}
