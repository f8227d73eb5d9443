/// A problem met while reading PGN, located by file, game number and line.
public struct PGNError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file name, when the reader was given one.
    public var file: String?
    public var game: Int
    public var line: Int
    public var reason: String

    public init(file: String? = nil, game: Int, line: Int, reason: String) {
        self.file = file
        self.game = game
        self.line = line
        self.reason = reason
    }

    public var description: String {
        (file.map { "\($0): " } ?? "") + "game \(game), line \(line): \(reason)"
    }
}
