/// Why 32 bytes are not a packed position: the part at fault and what is wrong with it.
public struct PackedPositionError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Field: Equatable, Sendable {
        /// The occupancy and piece codes.
        case placement
        /// The word with side, rights, en passant file and clocks.
        case state
        /// A rule of a legal setup, named by the FEN field it concerns.
        case setup(FENError.Field)
    }

    public let field: Field
    public let reason: String

    public var description: String {
        switch field {
        case .placement: "invalid packed position: placement: \(reason)"
        case .state: "invalid packed position: state word: \(reason)"
        case .setup(let fen): "invalid packed position: \(fen.rawValue): \(reason)"
        }
    }
}
