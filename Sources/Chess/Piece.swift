/// A piece of a given kind and colour.
public struct Piece: Hashable, Sendable {
    public var kind: PieceKind
    public var color: Color

    @inlinable public init(_ kind: PieceKind, _ color: Color) {
        self.kind = kind
        self.color = color
    }

    /// The FEN letter: upper case for White, lower case for Black.
    public var fenSymbol: Character {
        let letter = kind.letter
        return color == .white ? letter : Character(letter.lowercased())
    }

    /// The piece named by a FEN letter (`K` white king, `q` black queen), or `nil`.
    public init?(fenSymbol: Character) {
        guard let kind = PieceKind(letter: fenSymbol) else { return nil }
        self.init(kind, fenSymbol.isUppercase ? .white : .black)
    }
}
