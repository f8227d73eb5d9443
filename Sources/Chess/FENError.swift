/// Why a FEN string was rejected: the field at fault and what is wrong with it.
public struct FENError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The part of the FEN that is wrong.
    public enum Field: String, Sendable {
        case placement = "piece placement"
        case sideToMove = "side to move"
        case castling = "castling rights"
        case enPassant = "en passant square"
        case halfmoveClock = "halfmove clock"
        case fullmoveNumber = "fullmove number"
        case fieldCount = "field count"
    }

    public let fen: String
    public let field: Field
    public let reason: String

    public init(fen: String, field: Field, reason: String) {
        self.fen = fen
        self.field = field
        self.reason = reason
    }

    public var description: String { "invalid FEN \"\(fen)\": \(field.rawValue): \(reason)" }
}
