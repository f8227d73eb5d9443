/// The bitboard arrays indexed by what they hold, so that no code names a piece kind or a
/// colour by its number.
extension InlineArray where Element == UInt64 {
    /// The bitboard of `kind` in `Position.kindBoards`.
    @inline(__always) subscript(_ kind: PieceKind) -> UInt64 {
        get { self[Int(kind.rawValue)] }
        set { self[Int(kind.rawValue)] = newValue }
    }

    /// The bitboard of `color` in `Position.colorBoards`.
    @inline(__always) subscript(_ color: Color) -> UInt64 {
        get { self[Int(color.rawValue)] }
        set { self[Int(color.rawValue)] = newValue }
    }
}
