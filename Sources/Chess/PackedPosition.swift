/// A position in 32 bytes, for keeping millions of them on disk or in memory: a
/// training corpus, an opening book, a cache. Every position with at most 32 pieces and
/// clocks below 65,536 packs, and unpacks to an equal position.
///
/// The four words hold the occupied squares; one 4-bit piece code per occupied square,
/// in square order (colour × 6 + kind); and side to move, castling rights, the en passant
/// file (when a capture there is pseudo-legal) and both clocks.
///
/// ```swift
/// let packed = PackedPosition(Position.start)!
/// let words = packed.words                        // write these anywhere
/// let back = try PackedPosition(words: words).position()
/// assert(back == Position.start)
/// ```
public struct PackedPosition: Hashable, Sendable {
    /// The 256 bits, lowest word first.
    public let words: InlineArray<4, UInt64>

    /// Wraps words read back from storage; `position()` checks them.
    public init(words: InlineArray<4, UInt64>) { self.words = words }

    public static func == (left: PackedPosition, right: PackedPosition) -> Bool {
        (0..<4).allSatisfy { left.words[$0] == right.words[$0] }
    }

    public func hash(into hasher: inout Hasher) {
        for index in 0..<4 { hasher.combine(words[index]) }
    }

    /// Packs `position`, or `nil` when it has more than 32 pieces or a clock of 65,536 or more
    /// (which no game reaches).
    public init?(_ position: Position) {
        let occupied = position.occupied.rawValue
        guard occupied.nonzeroBitCount <= 32, position.halfmoveClock < 1 << 16, position.fullmoveNumber < 1 << 16 else { return nil }
        var codes: (UInt64, UInt64) = (0, 0)
        var remaining = occupied, slot: UInt64 = 0
        while remaining != 0 {
            let bit = remaining & (0 &- remaining)
            remaining &= remaining - 1
            let kind = UInt64(position.kind(at: bit)!.rawValue)
            let code = (position.colorBoards[.white] & bit != 0 ? 0 : 6) + kind
            if slot < 16 { codes.0 |= code << (4 * slot) } else { codes.1 |= code << (4 * (slot - 16)) }
            slot += 1
        }
        let enPassantFile = position.enPassantIndex < 64 ? UInt64(position.enPassantIndex % 8) + 1 : 0
        let state = UInt64(position.sideToMove.rawValue) | UInt64(position.castlingRights.rawValue) << 1 | enPassantFile << 5
            | UInt64(position.halfmoveClock) << 9 | UInt64(position.fullmoveNumber) << 25
        words = [occupied, codes.0, codes.1, state]
    }

    /// The position these words describe, checked by the same rules as a FEN.
    public func position() throws(PackedPositionError) -> Position {
        let occupied = words[0], state = words[3]
        guard occupied.nonzeroBitCount <= 32 else { throw PackedPositionError(field: .placement, reason: "more than 32 occupied squares") }
        guard state >> 41 == 0 else { throw PackedPositionError(field: .state, reason: "unused bits are set") }
        var position = Position(emptyWith: state & 1 == 0 ? .white : .black)
        var remaining = occupied, slot: UInt64 = 0
        while remaining != 0 {
            let square = Square(unchecked: remaining.trailingZeroBitCount)
            remaining &= remaining - 1
            let code = (slot < 16 ? words[1] >> (4 * slot) : words[2] >> (4 * (slot - 16))) & 15
            guard code < 12, let kind = PieceKind(rawValue: UInt8(code % 6)) else {
                throw PackedPositionError(field: .placement, reason: "piece code \(code) on \(square) (codes run from 0 to 11)")
            }
            position.put(Piece(kind, code < 6 ? .white : .black), at: square)
            slot += 1
        }
        position.castlingRights = CastlingRights(rawValue: UInt8(state >> 1 & 15))
        position.halfmoveClock = Int(state >> 9 & 0xFFFF)
        position.fullmoveNumber = Int(state >> 25 & 0xFFFF)
        guard position.fullmoveNumber >= 1 else { throw PackedPositionError(field: .state, reason: "fullmove number 0") }
        let enPassantFile = Int(state >> 5 & 15)
        guard enPassantFile <= 8 else { throw PackedPositionError(field: .state, reason: "en passant file code \(enPassantFile) (0 to 8)") }
        let claimed = enPassantFile == 0 ? nil : Square(file: enPassantFile - 1, rank: position.sideToMove == .white ? 5 : 2)
        if let (field, reason) = position.completeSetup(enPassant: claimed) {
            throw PackedPositionError(field: .setup(field), reason: reason)
        }
        return position
    }
}
