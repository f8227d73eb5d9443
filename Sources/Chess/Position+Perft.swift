extension Position {
    /// The number of leaf nodes of the legal move tree `depth` plies deep.
    ///
    /// The last ply is counted from destination sets without playing the moves
    /// ("bulk counting"), as Stockfish's `go perft` does.
    public func perft(_ depth: Int) -> UInt64 {
        if depth <= 0 { return 1 }
        if depth == 1 { return UInt64(legalMoveCount) }
        var nodes: UInt64 = 0
        for move in legalMoves {
            nodes &+= playing(move).perft(depth - 1)
        }
        return nodes
    }

    /// Perft split by root move, sorted by the move's UCI text.
    public func perftDivide(_ depth: Int) -> [(move: Move, nodes: UInt64)] {
        guard depth >= 1 else { return [] }
        return legalMoves.map { ($0, playing($0).perft(depth - 1)) }.sorted { $0.move.uci < $1.move.uci }
    }
}
