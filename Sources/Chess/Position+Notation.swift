extension Position {
    // MARK: Writing

    /// Standard Algebraic Notation of a legal move: `Nbd7`, `exd6`, `e8=Q+`, `O-O-O#`.
    public func san(_ move: Move) -> String { algebraic(move, long: false) }

    /// Long algebraic notation as python-chess writes it: `Ng1-f3`, `e7xd8=Q+`, `O-O`.
    public func lan(_ move: Move) -> String { algebraic(move, long: true) }

    private func algebraic(_ move: Move, long: Bool) -> String {
        if move.isNull { return "--" }
        var text: String
        if move.isCastling {
            text = move.to.file > move.from.file ? "O-O" : "O-O-O"
        } else {
            let kind = piece(at: move.from)!.kind
            let isCapture = move.isEnPassant || piece(at: move.to) != nil
            text = kind == .pawn ? "" : String(kind.letter)
            if long {
                text += move.from.name + (isCapture ? "x" : "-")
            } else if kind == .pawn {
                if isCapture { text += String(move.from.name.prefix(1)) + "x" }
            } else {
                text += disambiguation(move, kind: kind)
                if isCapture { text += "x" }
            }
            text += move.to.name
            if let promotion = move.promotion { text += "=" + String(promotion.letter) }
        }
        let after = playing(move)
        if after.isCheck { text += after.hasLegalMove ? "+" : "#" }
        return text
    }

    /// The shortest origin hint that tells `move` apart from other same-kind moves to its square.
    private func disambiguation(_ move: Move, kind: PieceKind) -> String {
        let rivals = legalMoves.filter {
            $0.to == move.to && $0.from != move.from && piece(at: $0.from)?.kind == kind
        }
        guard !rivals.isEmpty else { return "" }
        let name = move.from.name
        if !rivals.contains(where: { $0.from.file == move.from.file }) { return String(name.prefix(1)) }
        if !rivals.contains(where: { $0.from.rank == move.from.rank }) { return String(name.suffix(1)) }
        return name
    }

    // MARK: Reading

    /// The legal move written in UCI (`e2e4`, `e7e8q`, `e1g1`; also `e1h1` for castling
    /// and `0000` for the null move).
    public func move(uci text: String) throws(MoveNotationError) -> Move {
        let bytes = Array(text.utf8)
        if text == "0000" { return .null }
        guard bytes.count == 4 || bytes.count == 5,
              let from = Square(text.prefix(2)), let to = Square(text.dropFirst(2).prefix(2))
        else { throw MoveNotationError(notation: text, fen: fen, reason: .malformed) }
        var promotion: PieceKind?
        if bytes.count == 5 {
            guard let kind = PieceKind(letter: Character(UnicodeScalar(bytes[4]))), (.knight ... .queen).contains(kind) else {
                throw MoveNotationError(notation: text, fen: fen, reason: .malformed)
            }
            promotion = kind
        }
        let kingTakesRook = piece(at: from) == Piece(.king, sideToMove) && piece(at: to) == Piece(.rook, sideToMove)
        for move in legalMoves where move.from == from && move.promotion == promotion {
            if move.to == to || (move.isCastling && kingTakesRook && (move.to.file > from.file) == (to.file > from.file)) {
                return move
            }
        }
        throw MoveNotationError(notation: text, fen: fen, reason: .illegal)
    }

    /// The legal move written in SAN, read tolerantly: check and annotation marks are
    /// optional, `0-0` stands for `O-O`, the `=` before a promotion piece may be left
    /// out, and long forms (`Ng1f3`, `Ng1-f3`, `e2-e4`, `e2e4`) are accepted too.
    /// `--` and `Z0` give the null move.
    public func move(san text: String) throws(MoveNotationError) -> Move {
        var text = text
        let parsed = text.withUTF8 { SANMove(parsing: $0) }
        return try move(matching: parsed, notation: text)
    }

    /// The common case of PGN replay, found without generating moves: a plain piece move
    /// or pawn push/capture whose origin is the only candidate square, checked for
    /// legality by playing it. `nil` sends every other case (castling, promotion,
    /// en passant, ambiguity, errors) to full generation.
    private func uniqueOrdinaryMove(_ parsed: SANMove) -> Move? {
        guard case let .piece(kind?, to, fromFile, fromRank, nil) = parsed else { return nil }
        let t = AttackTables.shared
        let us = sideToMove
        let ours = colorBoards[us], theirs = colorBoards[us.opponent]
        let occupiedAll = ours | theirs
        let target = to.index, targetBit: UInt64 = 1 << UInt64(to.index)
        guard ours & targetBit == 0 else { return nil }
        var origins: UInt64
        switch kind {
        case .pawn:
            let lastRank: UInt64 = us == .white ? 0xFF << 56 : 0xFF
            guard targetBit & lastRank == 0 else { return nil }
            if theirs & targetBit != 0 {
                origins = t.pawnAttacks(us.opponent, target)
            } else {
                guard fromFile == nil || fromFile == to.file else { return nil }  // a capture onto an empty square: en passant?
                let back = us == .white ? -8 : 8
                let single = target + back
                guard (0..<64).contains(single) else { return nil }
                origins = 1 << UInt64(single)
                let doubleRank = us == .white ? 3 : 4
                if occupiedAll & origins == 0 && to.rank == doubleRank { origins = 1 << UInt64(single + back) }
            }
        case .knight: origins = t.knightAttacks(target)
        case .bishop: origins = t.bishopAttacks(target, occupiedAll)
        case .rook: origins = t.rookAttacks(target, occupiedAll)
        case .queen: origins = t.queenAttacks(target, occupiedAll)
        case .king: origins = t.kingAttacks(target)
        }
        origins &= ours & kindBoards[kind]
        if let fromFile { origins &= Bitboard.file(fromFile).rawValue }
        if let fromRank { origins &= Bitboard.rank(fromRank).rawValue }
        var found: Move?
        while origins != 0 {
            let move = Move(from: origins.trailingZeroBitCount, to: target)
            origins &= origins &- 1
            let after = playing(move)
            guard after.attackers(after.king(of: us).index, by: us.opponent, occupied: after.occupied.rawValue) == 0 else { continue }
            if found != nil { return nil }
            found = move
        }
        return found
    }

    /// The legal move described by an already parsed SAN token (`nil` when it was malformed).
    func move(matching parsed: SANMove?, notation: @autoclosure () -> String) throws(MoveNotationError) -> Move {
        guard let parsed else { throw MoveNotationError(notation: notation(), fen: fen, reason: .malformed) }
        if case .null = parsed { return .null }
        if let move = uniqueOrdinaryMove(parsed) { return move }
        // Only moves to the named square are generated, which spares listing the rest.
        var sink = MatchingSink(target: parsed.destination(for: sideToMove))
        generateLegalMoves(into: &sink)
        var found = Move.null
        var candidates = [String]()
        for index in 0..<sink.count where parsed.matches(sink.moves[index], in: self) {
            if found != .null { candidates.append(found.uci) }
            found = sink.moves[index]
        }
        if found == .null { throw MoveNotationError(notation: notation(), fen: fen, reason: .illegal) }
        if !candidates.isEmpty {
            throw MoveNotationError(notation: notation(), fen: fen, reason: .ambiguous((candidates + [found.uci]).sorted()))
        }
        return found
    }
}
