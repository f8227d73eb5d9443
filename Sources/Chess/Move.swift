/// A chess move packed in 16 bits: origin, destination, and what kind of move it is.
///
/// Castling is stored as the king's two-square move (`e1g1`), as UCI writes it.
public struct Move: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    enum Kind: UInt16 { case normal = 0, promotion = 1, enPassant = 2, castling = 3 }

    @inline(__always) init(from: Int, to: Int, kind: Kind = .normal, promotion: PieceKind = .knight) {
        rawValue = UInt16(from) | UInt16(to) << 6 | UInt16(promotion.rawValue &- 1) << 12 | kind.rawValue << 14
    }

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// A plain move or a promotion, as a user would describe it. Whether it is legal,
    /// castling or en passant is decided by matching against a position's legal moves.
    public init(from: Square, to: Square, promotion: PieceKind? = nil) {
        if let promotion {
            precondition((.knight ... .queen).contains(promotion), "a pawn promotes to N, B, R or Q")
            self.init(from: from.index, to: to.index, kind: .promotion, promotion: promotion)
        } else {
            self.init(from: from.index, to: to.index)
        }
    }

    /// The "pass" move of PGN (`--`) and UCI (`0000`): the side to move changes, nothing else.
    public static let null = Move(rawValue: 0)

    public var from: Square { Square(unchecked: Int(rawValue & 63)) }
    public var to: Square { Square(unchecked: Int(rawValue >> 6 & 63)) }
    var kind: Kind { Kind(rawValue: rawValue >> 14)! }

    /// The piece a pawn promotes to, or `nil`.
    public var promotion: PieceKind? {
        kind == .promotion ? PieceKind(rawValue: UInt8(rawValue >> 12 & 3) + 1) : nil
    }

    public var isNull: Bool { rawValue == 0 }
    public var isCastling: Bool { kind == .castling }
    public var isEnPassant: Bool { kind == .enPassant }

    /// UCI notation: `e2e4`, `e7e8q`, `e1g1`, or `0000` for the null move.
    public var uci: String {
        if isNull { return "0000" }
        var text = from.name + to.name
        if let promotion { text.append(Character(promotion.letter.lowercased())) }
        return text
    }

    public var description: String { uci }
}
