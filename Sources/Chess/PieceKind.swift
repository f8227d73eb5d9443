/// The six kinds of chess piece, independent of colour.
public enum PieceKind: UInt8, CaseIterable, Sendable, Hashable, Comparable {
    case pawn = 0, knight, bishop, rook, queen, king

    /// The pieces a pawn may promote to, strongest first.
    public static let promotionChoices: [PieceKind] = [.queen, .rook, .bishop, .knight]

    /// Upper-case letter used by SAN and FEN for White (`P`, `N`, `B`, `R`, `Q`, `K`).
    public var letter: Character {
        switch self {
        case .pawn: "P"
        case .knight: "N"
        case .bishop: "B"
        case .rook: "R"
        case .queen: "Q"
        case .king: "K"
        }
    }

    /// The kind named by a letter in either case, or `nil`.
    public init?(letter: Character) {
        switch letter {
        case "P", "p": self = .pawn
        case "N", "n": self = .knight
        case "B", "b": self = .bishop
        case "R", "r": self = .rook
        case "Q", "q": self = .queen
        case "K", "k": self = .king
        default: return nil
        }
    }

    /// Conventional material value (P=1, N=3, B=3, R=5, Q=9, K=0).
    public var materialValue: Int {
        switch self {
        case .pawn: 1
        case .knight, .bishop: 3
        case .rook: 5
        case .queen: 9
        case .king: 0
        }
    }

    public static func < (lhs: PieceKind, rhs: PieceKind) -> Bool { lhs.rawValue < rhs.rawValue }
}
