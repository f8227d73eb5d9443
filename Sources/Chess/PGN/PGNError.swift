/// A problem met while reading PGN, located by file, game number and line.
public struct PGNError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, for counting errors by kind.
    public enum Kind: String, Sendable, CaseIterable {
        case illegalMove = "illegal move"
        case ambiguousMove = "ambiguous move"
        case malformedMove = "malformed move"
        case unbalancedParentheses = "unbalanced parentheses"
        case badFENTag = "bad FEN tag"
        case unterminatedComment = "unterminated comment"
        case droppedVariation = "dropped variation"
        case readError = "read error"
        case repairedFEN = "repaired FEN tag"
        case tooLong = "too long"

        /// A note about a game that was kept (a repair, a dropped variation), not a reason it was skipped.
        public var keepsGame: Bool { self == .repairedFEN || self == .droppedVariation }
    }

    public var kind: Kind
    /// The file name, when the reader was given one.
    public var file: String?
    /// The game's ordinal in the file, from 1; 0 when the file itself could not be read.
    public var game: Int
    public var line: Int
    public var reason: String

    public init(_ kind: Kind, file: String? = nil, game: Int, line: Int, reason: String) {
        self.kind = kind
        self.file = file
        self.game = game
        self.line = line
        self.reason = reason
    }

    /// `file: game N, line L: reason`; an error about the whole file (game 0) names no game.
    public var description: String {
        (file.map { "\($0): " } ?? "") + (game > 0 ? "game \(game), line \(line): " : "") + reason
    }
}
