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
        var body = Substring(text)
        while let last = body.last, "+#!?".contains(last) { body.removeLast() }
        if body == "--" || body == "Z0" || body == "0000" { return .null }
        if body == "O-O" || body == "0-0" || body == "O-O-O" || body == "0-0-0" {
            let kingside = body.count == 3
            if let castle = legalMoves.first(where: { $0.isCastling && ($0.to.file > $0.from.file) == kingside }) {
                return castle
            }
            throw MoveNotationError(notation: text, fen: fen, reason: .illegal)
        }
        var kind = PieceKind.pawn
        if let first = body.first, first.isUppercase, let named = PieceKind(letter: first), named != .pawn || body.count > 2 {
            kind = named
            body.removeFirst()
        }
        var promotion: PieceKind?
        if let last = body.last, last.isLetter, let named = PieceKind(letter: last), (.knight ... .queen).contains(named),
           body.count >= 3, body.dropLast().last?.isNumber == true || body.dropLast().last == "=" {
            // Lower-case b is a file only when it is not after a rank digit, so `e8b` still promotes to a bishop.
            promotion = named
            body.removeLast()
            if body.last == "=" { body.removeLast() }
        }
        body = body.filter { $0 != "x" && $0 != "-" && $0 != ":" }[...]
        guard body.count >= 2, let to = Square(body.suffix(2)) else {
            throw MoveNotationError(notation: text, fen: fen, reason: .malformed)
        }
        let hint = body.dropLast(2)
        var hintFile: Int?, hintRank: Int?
        for character in hint {
            if let ascii = character.asciiValue, (UInt8(ascii: "a")...UInt8(ascii: "h")).contains(ascii), hintFile == nil {
                hintFile = Int(ascii - UInt8(ascii: "a"))
            } else if let digit = character.wholeNumberValue, (1...8).contains(digit), hintRank == nil {
                hintRank = digit - 1
            } else {
                throw MoveNotationError(notation: text, fen: fen, reason: .malformed)
            }
        }
        let candidates = legalMoves.filter { move in
            move.to == to && piece(at: move.from)?.kind == kind && move.promotion == promotion
                && (hintFile == nil || move.from.file == hintFile) && (hintRank == nil || move.from.rank == hintRank)
        }
        switch candidates.count {
        case 1: return candidates[0]
        case 0: throw MoveNotationError(notation: text, fen: fen, reason: .illegal)
        default: throw MoveNotationError(notation: text, fen: fen, reason: .ambiguous(candidates.map(\.uci)))
        }
    }
}
