/// Why a FEN string was rejected: the field at fault and what is wrong with it.
public struct FENError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The part of the FEN that is wrong.
    public enum Field: String, Sendable, CaseIterable {
        case placement = "piece placement"
        case sideToMove = "side to move"
        case castling = "castling rights"
        case enPassant = "en passant square"
        case halfmoveClock = "halfmove clock"
        case fullmoveNumber = "fullmove number"
        case fieldCount = "field count"
    }

    /// The longest FEN read: a full one is under 100 bytes, so anything past this is not a FEN.
    public static let maximumLength = 256

    public let fen: String
    public let field: Field
    public let reason: String

    public init(fen: String, field: Field, reason: String) {
        self.fen = fen
        self.field = field
        self.reason = reason
    }

    /// Names the FEN (its first 100 bytes when it is longer), the field and the fault.
    public var description: String {
        let shown = fen.utf8.count > 100 ? String(decoding: fen.utf8.prefix(100), as: UTF8.self) + "…" : fen
        return "invalid FEN \"\(shown)\": \(field.rawValue): \(reason)"
    }
}
