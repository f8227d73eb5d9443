import Chess

/// The kinds of position collection the product reads, told apart by file extension
/// (a trailing `.gz` means gzip compression and is looked through).
public enum CollectionFormat: String, Sendable {
    case pgn
    case epd
    /// One FEN per line (`.fen`, `.txt`); blank lines and `#` comments are skipped.
    case fenList = "fen"

    public init(path: String) throws(CollectionError) {
        var name = path.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        switch name.split(separator: ".").last.map(String.init) {
        case "pgn": self = .pgn
        case "epd": self = .epd
        case "fen", "txt": self = .fenList
        default:
            throw CollectionError(.unreadableFile, file: path, reason: "unknown file type: expected .pgn, .epd, .fen or .txt, optionally gzip-compressed (.gz)")
        }
    }
}

/// A problem with a collection, located as precisely as the format allows.
public struct CollectionError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case unreadableFile = "unreadable file"
        case invalidFEN = "invalid FEN"
        case invalidEPD = "invalid EPD"
        case stockfish = "stockfish labels"
        case repairedFEN = "repaired FEN"

        /// A note about an item that was kept, not a reason it was skipped.
        var keepsItem: Bool { self == .repairedFEN }
    }

    /// A PGN error's own kind name, or one of `Kind`.
    public let kind: String
    public let file: String
    public let location: String?
    public let reason: String
    /// The item was read despite this (a repair, a dropped variation): a warning, not a skipped item.
    public let keepsItem: Bool

    public init(_ kind: Kind, file: String, line: Int? = nil, reason: String) {
        self.kind = kind.rawValue
        keepsItem = kind.keepsItem
        self.file = file
        self.location = line.map { "line \($0)" }
        self.reason = reason
    }

    public init(_ error: PGNError, file: String) {
        kind = error.kind.rawValue
        keepsItem = error.kind.keepsGame
        self.file = error.file ?? file
        location = "game \(error.game), line \(error.line)"
        reason = error.reason
    }

    public var description: String { "\(file): " + (location.map { "\($0): " } ?? "") + reason }
}
