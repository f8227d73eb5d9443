import Chess

/// Board geometry shared by the concept definitions, seen from one side.
enum BoardGeometry {
    /// The rank of `square` counted from `color`'s side (0 = its first rank).
    static func relativeRank(_ square: Square, _ color: Color) -> Int {
        color == .white ? square.rank : 7 - square.rank
    }

    /// Squares on files adjacent to `file`.
    static func adjacentFiles(_ file: Int) -> Bitboard {
        (file > 0 ? Bitboard.file(file - 1) : .empty) | (file < 7 ? Bitboard.file(file + 1) : .empty)
    }

    /// Squares strictly in front of `square` from `color`'s view, on the files in `files`.
    static func ahead(of square: Square, _ color: Color, on files: Bitboard) -> Bitboard {
        let rank = UInt64(square.rank)
        let ranks: UInt64 = color == .white
            ? (rank == 7 ? 0 : ~0 << (8 * (rank + 1)))
            : (1 << (8 * rank)) &- 1
        return Bitboard(rawValue: ranks) & files
    }

    /// The opponent's half of the board from `color`'s view.
    static func opponentHalf(_ color: Color) -> Bitboard {
        color == .white ? Bitboard(rawValue: 0xFFFF_FFFF_0000_0000) : Bitboard(rawValue: 0x0000_0000_FFFF_FFFF)
    }

    /// d4, e4, d5, e5.
    static let centre = Bitboard(rawValue: 0x0000_0018_1800_0000)

    /// The king's square and its neighbours.
    static func kingZone(_ position: Position, _ color: Color) -> Bitboard {
        let king = position.king(of: color)
        return position.attacks(from: king) | king.bitboard
    }
}
