/// The two sides of a chess game.
public enum Color: UInt8, CaseIterable, Sendable, Hashable {
    case white = 0
    case black = 1

    /// The other side.
    @inlinable public var opponent: Color { self == .white ? .black : .white }

    /// `"w"` or `"b"`, as in FEN.
    public var fenSymbol: Character { self == .white ? "w" : "b" }

    /// `"white"` or `"black"`.
    public var name: String { self == .white ? "white" : "black" }
}
