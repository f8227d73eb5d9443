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

    /// The legal move described by an already parsed SAN token (`nil` when it was malformed).
    func move(matching parsed: SANMove?, notation: @autoclosure () -> String) throws(MoveNotationError) -> Move {
        guard let parsed else { throw MoveNotationError(notation: notation(), fen: fen, reason: .malformed) }
        if case .null = parsed { return .null }
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
