/// Which castling moves are still allowed, as in the FEN castling field.
public struct CastlingRights: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let whiteKingside = CastlingRights(rawValue: 1)
    public static let whiteQueenside = CastlingRights(rawValue: 2)
    public static let blackKingside = CastlingRights(rawValue: 4)
    public static let blackQueenside = CastlingRights(rawValue: 8)
    public static let all: CastlingRights = [.whiteKingside, .whiteQueenside, .blackKingside, .blackQueenside]

    /// Both rights of one side.
    public static func both(_ color: Color) -> CastlingRights {
        color == .white ? [.whiteKingside, .whiteQueenside] : [.blackKingside, .blackQueenside]
    }

    /// The kingside or queenside right of `color`.
    public static func side(_ color: Color, kingside: Bool) -> CastlingRights {
        switch (color, kingside) {
        case (.white, true): .whiteKingside
        case (.white, false): .whiteQueenside
        case (.black, true): .blackKingside
        case (.black, false): .blackQueenside
        }
    }

    /// The standard-chess squares involved in one castling move: where king and rook stand and go.
    struct Geometry {
        let right: CastlingRights
        let kingFrom: Int, kingTo: Int, rookFrom: Int, rookTo: Int
        /// Squares that must be empty.
        let path: UInt64
        /// Squares the king crosses or lands on, which must not be attacked.
        let kingPath: UInt64
    }

    static let geometries: [Geometry] = [
        Geometry(right: .whiteKingside, kingFrom: 4, kingTo: 6, rookFrom: 7, rookTo: 5, path: 0x60, kingPath: 0x60),
        Geometry(right: .whiteQueenside, kingFrom: 4, kingTo: 2, rookFrom: 0, rookTo: 3, path: 0x0E, kingPath: 0x0C),
        Geometry(right: .blackKingside, kingFrom: 60, kingTo: 62, rookFrom: 63, rookTo: 61, path: 0x60 << 56, kingPath: 0x60 << 56),
        Geometry(right: .blackQueenside, kingFrom: 60, kingTo: 58, rookFrom: 56, rookTo: 59, path: 0x0E << 56, kingPath: 0x0C << 56),
    ]

    /// The rights lost when a piece leaves or arrives on any square of `touched`.
    static func lost(touching touched: UInt64) -> CastlingRights {
        var lost: UInt8 = 0
        if touched & 0x90 != 0 { lost |= 1 }
        if touched & 0x11 != 0 { lost |= 2 }
        if touched & (0x90 << 56) != 0 { lost |= 4 }
        if touched & (0x11 << 56) != 0 { lost |= 8 }
        return CastlingRights(rawValue: lost)
    }

    /// The single right a FEN castling letter stands for (`K`, `Q`, `k`, `q`), or `nil`.
    public init?(fenSymbol: Character) {
        switch fenSymbol {
        case "K": self = .whiteKingside
        case "Q": self = .whiteQueenside
        case "k": self = .blackKingside
        case "q": self = .blackQueenside
        default: return nil
        }
    }

    /// The FEN field (`KQkq`, or `-` when empty).
    public var fen: String {
        var text = ""
        if contains(.whiteKingside) { text += "K" }
        if contains(.whiteQueenside) { text += "Q" }
        if contains(.blackKingside) { text += "k" }
        if contains(.blackQueenside) { text += "q" }
        return text.isEmpty ? "-" : text
    }
}
