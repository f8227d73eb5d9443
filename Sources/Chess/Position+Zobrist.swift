extension Position {
    /// The Polyglot Zobrist key, identical to opening books' and python-chess's
    /// `chess.polyglot.zobrist_hash`.
    ///
    /// Computed from scratch on request: move generation and perft do not pay for it.
    public var zobristKey: UInt64 {
        var key: UInt64 = 0
        for color in Color.allCases {
            for kind in PieceKind.allCases {
                let pieceIndex = 2 * Int(kind.rawValue) + (color == .white ? 1 : 0)
                for square in pieces(kind, color) { key ^= polyglotRandoms[64 * pieceIndex + square.index] }
            }
        }
        let rights: [CastlingRights] = [.whiteKingside, .whiteQueenside, .blackKingside, .blackQueenside]
        for (offset, right) in rights.enumerated() where castlingRights.contains(right) {
            key ^= polyglotRandoms[768 + offset]
        }
        // Polyglot counts the en passant file whenever a pawn could capture there pseudo-legally,
        // which is exactly when this position keeps its en passant square.
        if let square = enPassantSquare { key ^= polyglotRandoms[772 + square.file] }
        if sideToMove == .white { key ^= polyglotRandoms[780] }
        return key
    }
}
