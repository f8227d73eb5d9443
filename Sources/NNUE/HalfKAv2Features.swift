import Chess

/// Stockfish's HalfKAv2_hm input features: for each perspective (a colour), one binary
/// feature per piece on the board, indexed by that side's king bucket and the piece's
/// square and kind relative to the perspective.
///
/// The board is seen from the perspective's side (ranks flipped for Black) and mirrored
/// left to right when its king stands on files a–d, so that the king always sits on
/// files e–h; the 32 king buckets are the king's (relative) square on that half board.
/// Kings of both colours share one piece slot. 32 buckets × 11 slots × 64 squares = 22,528.
package enum HalfKAv2Features {
    package static let count = NNUEFile.features
    static let slots = 11
    static let kingSlot = 10

    /// The active features of `perspective`'s half of the input, one per piece.
    package static func active(in position: Position, perspective: Color) -> [Int32] {
        let king = position.king(of: perspective)
        let orientation = (king.file < 4 ? 7 : 0) ^ (perspective == .black ? 56 : 0)
        let relativeRank = perspective == .white ? king.rank : 7 - king.rank
        let bucket = 4 * (7 - relativeRank) + min(king.file, 7 - king.file)
        var features = [Int32]()
        features.reserveCapacity(32)
        for square in position.occupied {
            let piece = position.piece(at: square)!
            let slot = piece.kind == .king ? kingSlot : 2 * Int(piece.kind.rawValue) + (piece.color == perspective ? 0 : 1)
            features.append(Int32((square.index ^ orientation) + 64 * slot + 64 * slots * bucket))
        }
        return features
    }

    /// The layer stack (and PSQT bucket) a position is evaluated with: by piece count, 1–4 → 0 … 29–32 → 7.
    package static func bucket(of position: Position) -> Int { (position.occupied.count - 1) / 4 }
}
