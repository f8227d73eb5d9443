/// What makes a placement impossible to reach in a game (python-chess's `Board.status()`
/// checks the same list, plus a count of promoted pieces it leaves out). An empty set
/// means the position is valid.
public struct PositionIssues: OptionSet, Error, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let noWhiteKing = PositionIssues(rawValue: 1 << 0)
    public static let noBlackKing = PositionIssues(rawValue: 1 << 1)
    public static let tooManyKings = PositionIssues(rawValue: 1 << 2)
    public static let tooManyWhitePawns = PositionIssues(rawValue: 1 << 3)
    public static let tooManyBlackPawns = PositionIssues(rawValue: 1 << 4)
    public static let pawnsOnBackRank = PositionIssues(rawValue: 1 << 5)
    public static let tooManyWhitePieces = PositionIssues(rawValue: 1 << 6)
    public static let tooManyBlackPieces = PositionIssues(rawValue: 1 << 7)
    /// More pieces beyond the starting set (a third knight, a second queen, …) than pawns missing to have promoted.
    public static let tooManyPromotedWhitePieces = PositionIssues(rawValue: 1 << 8)
    public static let tooManyPromotedBlackPieces = PositionIssues(rawValue: 1 << 9)
    /// The side not to move is in check.
    public static let oppositeCheck = PositionIssues(rawValue: 1 << 10)
    public static let tooManyCheckers = PositionIssues(rawValue: 1 << 11)
    /// A check no last move could have given (two checkers on one line with the king, or a check the en passant move cannot explain).
    public static let impossibleCheck = PositionIssues(rawValue: 1 << 12)

    private static let names: [(PositionIssues, String)] = [
        (.noWhiteKing, "no white king"), (.noBlackKing, "no black king"), (.tooManyKings, "too many kings"),
        (.tooManyWhitePawns, "more than 8 white pawns"), (.tooManyBlackPawns, "more than 8 black pawns"),
        (.pawnsOnBackRank, "a pawn on the first or eighth rank"),
        (.tooManyWhitePieces, "more than 16 white pieces"), (.tooManyBlackPieces, "more than 16 black pieces"),
        (.tooManyPromotedWhitePieces, "more extra white pieces than missing white pawns"),
        (.tooManyPromotedBlackPieces, "more extra black pieces than missing black pawns"),
        (.oppositeCheck, "the side not to move is in check"), (.tooManyCheckers, "more than two checkers"),
        (.impossibleCheck, "an impossible check"),
    ]

    public var description: String {
        isEmpty ? "valid" : Self.names.filter { contains($0.0) }.map(\.1).joined(separator: ", ")
    }
}
