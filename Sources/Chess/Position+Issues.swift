extension Position {
    /// What, if anything, makes this placement impossible in a game (empty when valid).
    /// Positions read from FEN pass the king, back-rank, castling, en passant and
    /// opposite-check rules already; counts and checks are only caught here.
    public var issues: PositionIssues {
        var issues = PositionIssues()
        let whiteKings = pieces(.king, .white).count, blackKings = pieces(.king, .black).count
        if whiteKings == 0 { issues.insert(.noWhiteKing) }
        if blackKings == 0 { issues.insert(.noBlackKing) }
        if whiteKings > 1 || blackKings > 1 { issues.insert(.tooManyKings) }
        if !(pieces(.pawn) & (Bitboard.rank(0) | Bitboard.rank(7))).isEmpty { issues.insert(.pawnsOnBackRank) }
        for color in Color.allCases {
            let white = color == .white
            let pawns = pieces(.pawn, color).count
            if pawns > 8 { issues.insert(white ? .tooManyWhitePawns : .tooManyBlackPawns) }
            if occupancy(of: color).count > 16 { issues.insert(white ? .tooManyWhitePieces : .tooManyBlackPieces) }
            let extra = max(0, pieces(.queen, color).count - 1) + max(0, pieces(.rook, color).count - 2)
                + max(0, pieces(.bishop, color).count - 2) + max(0, pieces(.knight, color).count - 2)
            if extra > max(0, 8 - pawns) { issues.insert(white ? .tooManyPromotedWhitePieces : .tooManyPromotedBlackPieces) }
        }
        guard whiteKings == 1 && blackKings == 1 else { return issues }
        if isAttacked(king(of: sideToMove.opponent), by: sideToMove) { issues.insert(.oppositeCheck) }
        let checkers = checkers
        if checkers.count > 2 { issues.insert(.tooManyCheckers) }
        if !checkers.isEmpty && !isPossibleCheck(checkers) {
            issues.insert(.impossibleCheck)
        }
        return issues
    }

    /// Whether the last move could have given this check (python-chess's rule): with an en
    /// passant square the double-stepped pawn must be the only checker, or its step must
    /// have uncovered the check; otherwise two checkers may not share a line with the king.
    private func isPossibleCheck(_ checkers: Bitboard) -> Bool {
        let kingSquare = king(of: sideToMove)
        let tables = AttackTables.shared
        if let target = enPassantSquare {
            let forward = sideToMove == .white ? -8 : 8
            let pushedTo = target.index + forward, pushedFrom = target.index - forward
            guard checkers.count == 1 else { return false }
            if checkers.first!.index == pushedTo { return true }
            let before = (occupied.rawValue & ~(UInt64(1) << pushedTo)) | (UInt64(1) << pushedFrom)
            return attackers(kingSquare.index, by: sideToMove.opponent, occupied: before) == 0
        }
        guard checkers.count <= 2 else { return false }
        guard checkers.count == 2 else { return true }
        let squares = Array(checkers)
        return tables.line(squares[0].index, squares[1].index) & kingSquare.bitboard.rawValue == 0
    }
}
