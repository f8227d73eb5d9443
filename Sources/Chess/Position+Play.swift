extension Position {
    /// Plays a legal move (or `Move.null`) on this position.
    ///
    /// The move must come from this position's legal moves; use `move(uci:)`,
    /// `move(san:)` or `isLegal(_:)` to check moves from outside.
    public mutating func play(_ move: Move) {
        let us = sideToMove, them = us.opponent
        defer {
            if us == .black { fullmoveNumber += 1 }
            sideToMove = them
        }
        enPassantIndex = 64
        guard !move.isNull else {
            halfmoveClock += 1
            return
        }
        let from = Int(move.rawValue & 63), to = Int(move.rawValue >> 6 & 63)
        let fromBit: UInt64 = 1 << UInt64(from), toBit: UInt64 = 1 << UInt64(to)
        let moving = kind(at: fromBit)!
        halfmoveClock += 1

        if colorBoards[them] & toBit != 0 {
            let captured = kind(at: toBit)!
            kindBoards[captured] ^= toBit
            colorBoards[them] ^= toBit
            halfmoveClock = 0
        }
        kindBoards[moving] ^= fromBit | toBit
        colorBoards[us] ^= fromBit | toBit

        switch move.kind {
        case .normal:
            break
        case .promotion:
            kindBoards[.pawn] ^= toBit
            kindBoards[move.promotion!] |= toBit
        case .enPassant:
            let capturedBit: UInt64 = us == .white ? toBit >> 8 : toBit << 8
            kindBoards[.pawn] ^= capturedBit
            colorBoards[them] ^= capturedBit
        case .castling:
            let rookBits: UInt64 = to > from ? (toBit << 1) | (toBit >> 1) : (toBit >> 2) | (toBit << 1)
            kindBoards[.rook] ^= rookBits
            colorBoards[us] ^= rookBits
        }

        if moving == .pawn {
            halfmoveClock = 0
            if from ^ to == 16 {
                // Keep the en passant square only when an enemy pawn could capture onto it.
                let adjacent = ((toBit << 1) & ~0x0101_0101_0101_0101) | ((toBit >> 1) & ~0x8080_8080_8080_8080)
                if adjacent & kindBoards[.pawn] & colorBoards[them] != 0 {
                    enPassantIndex = UInt8((from + to) / 2)
                }
            }
        }
        if !castlingRights.isEmpty {
            castlingRights.subtract(CastlingRights.lost(touching: fromBit | toBit))
        }
    }

    /// A copy of this position with `move` played.
    public func playing(_ move: Move) -> Position {
        var next = self
        next.play(move)
        return next
    }
}
