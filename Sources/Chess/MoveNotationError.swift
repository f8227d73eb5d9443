/// Why a move in SAN, LAN or UCI could not be read in a position.
public struct MoveNotationError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// The text is not move notation at all.
        case malformed
        /// Well-formed, but no legal move matches it.
        case illegal
        /// Several legal moves match; they are listed in UCI.
        case ambiguous([String])
    }

    public let notation: String
    public let fen: String
    public let reason: Reason

    public init(notation: String, fen: String, reason: Reason) {
        self.notation = notation
        self.fen = fen
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .malformed: "malformed move '\(notation)'"
        case .illegal: "illegal move '\(notation)' in \(fen)"
        case .ambiguous(let candidates): "ambiguous move '\(notation)' in \(fen): could be \(candidates.joined(separator: ", "))"
        }
    }
}
