extension Position {
    /// Reads and validates a FEN (the two clocks may be omitted, as in EPD).
    ///
    /// Rejects, naming the field: malformed placement (8 ranks of 8 squares), unknown
    /// side, castling rights without their king and rook at home, an en passant square
    /// that no double step could have produced, bad clocks, a missing or extra king,
    /// pawns on the first or eighth rank, and the side not to move being in check.
    public init(fen: String) throws(FENError) {
        func fail(_ field: FENError.Field, _ reason: String) -> FENError { FENError(fen: fen, field: field, reason: reason) }
        let fields = fen.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard (4...6).contains(fields.count) else {
            throw fail(.fieldCount, "expected 4 to 6 space-separated fields, found \(fields.count)")
        }

        let side: Color
        switch fields[1] {
        case "w": side = .white
        case "b": side = .black
        default: throw fail(.sideToMove, "expected 'w' or 'b', found '\(fields[1])'")
        }
        self.init(emptyWith: side)

        let ranks = fields[0].split(separator: "/", omittingEmptySubsequences: false)
        guard ranks.count == 8 else { throw fail(.placement, "expected 8 ranks separated by '/', found \(ranks.count)") }
        for (row, text) in ranks.enumerated() {
            let rank = 7 - row
            var file = 0
            for character in text {
                if let digit = character.wholeNumberValue, (1...8).contains(digit) {
                    file += digit
                } else if let piece = Piece(fenSymbol: character) {
                    guard file < 8 else { throw fail(.placement, "rank \(rank + 1) has more than 8 squares") }
                    put(piece, at: Square(file: file, rank: rank))
                    file += 1
                } else {
                    throw fail(.placement, "unexpected character '\(character)' in rank \(rank + 1)")
                }
            }
            guard file == 8 else { throw fail(.placement, "rank \(rank + 1) has \(file) squares instead of 8") }
        }
        var claimedEnPassant: Square?
        if fields[2] != "-" {
            for character in fields[2] {
                guard let right = CastlingRights(fenSymbol: character) else {
                    throw fail(.castling, "unexpected character '\(character)' (expected K, Q, k, q or -)")
                }
                guard !castlingRights.contains(right) else { throw fail(.castling, "'\(character)' appears twice") }
                castlingRights.insert(right)
            }
        }
        if fields[3] != "-" {
            guard let square = Square(fields[3]) else { throw fail(.enPassant, "'\(fields[3])' is not a square") }
            claimedEnPassant = square
        }

        if fields.count > 4 {
            guard let clock = Int(fields[4]), clock >= 0 else {
                throw fail(.halfmoveClock, "expected a non-negative integer, found '\(fields[4])'")
            }
            halfmoveClock = clock
        }
        if fields.count > 5 {
            guard let number = Int(fields[5]), number >= 1 else {
                throw fail(.fullmoveNumber, "expected a positive integer, found '\(fields[5])'")
            }
            fullmoveNumber = number
        }

        if let (field, reason) = completeSetup(enPassant: claimedEnPassant) { throw fail(field, reason) }
    }

    /// Checks the rules every position read from outside must meet, with the FEN field at
    /// fault: one king each, no pawn on the first or eighth rank, castling rights with their
    /// king and rook at home, an en passant square a double step could have left, and the
    /// side not to move not in check. Keeps the en passant square only when a capture there
    /// is pseudo-legal.
    mutating func completeSetup(enPassant claimed: Square?) -> (FENError.Field, String)? {
        for color in Color.allCases {
            let kings = pieces(.king, color).count
            guard kings == 1 else { return (.placement, "\(color.name) has \(kings) kings, expected exactly 1") }
        }
        if let square = (pieces(.pawn) & (Bitboard.rank(0) | Bitboard.rank(7))).first {
            return (.placement, "pawn on \(square) (pawns cannot stand on the first or eighth rank)")
        }
        for geometry in CastlingRights.geometries where castlingRights.contains(geometry.right) {
            let color: Color = geometry.kingFrom < 8 ? .white : .black
            let kingHome = Square(unchecked: geometry.kingFrom), rookHome = Square(unchecked: geometry.rookFrom)
            guard piece(at: kingHome) == Piece(.king, color), piece(at: rookHome) == Piece(.rook, color) else {
                return (.castling, "'\(geometry.right.fen)' needs the \(color.name) king on \(kingHome) and a \(color.name) rook on \(rookHome)")
            }
        }
        enPassantIndex = 64
        if let square = claimed {
            let side = sideToMove
            let expectedRank = side == .white ? 5 : 2
            guard square.rank == expectedRank else {
                return (.enPassant, "\(square) is not on rank \(expectedRank + 1), where a \(side.opponent.name) double step would leave it")
            }
            let forward = side == .white ? -8 : 8
            let pawnSquare = Square(unchecked: square.index + forward), originSquare = Square(unchecked: square.index - forward)
            guard piece(at: pawnSquare) == Piece(.pawn, side.opponent), piece(at: square) == nil, piece(at: originSquare) == nil else {
                return (.enPassant, "\(square) needs a \(side.opponent.name) pawn on \(pawnSquare) and empty \(square) and \(originSquare)")
            }
            if AttackTables.shared.pawnAttacks(side.opponent, square.index) & pieces(.pawn, side).rawValue != 0 {
                enPassantIndex = square.rawValue
            }
        }
        if isAttacked(king(of: sideToMove.opponent), by: sideToMove) {
            return (.placement, "the side not to move (\(sideToMove.opponent.name)) is in check")
        }
        return nil
    }

    /// The FEN of this position. The en passant square is written only when an en
    /// passant capture is legal, so equal positions always give equal FENs.
    public var fen: String {
        "\(boardFEN) \(sideToMove.fenSymbol) \(castlingRights.fen) \(legalEnPassantSquare?.name ?? "-") \(halfmoveClock) \(fullmoveNumber)"
    }

    /// The EPD form: the first four FEN fields.
    public var epd: String {
        "\(boardFEN) \(sideToMove.fenSymbol) \(castlingRights.fen) \(legalEnPassantSquare?.name ?? "-")"
    }

    /// The piece-placement field alone.
    public var boardFEN: String {
        var text = ""
        for rank in (0..<8).reversed() {
            var gap = 0
            for file in 0..<8 {
                if let piece = piece(at: Square(file: file, rank: rank)) {
                    if gap > 0 { text += String(gap) }
                    gap = 0
                    text.append(piece.fenSymbol)
                } else {
                    gap += 1
                }
            }
            if gap > 0 { text += String(gap) }
            if rank > 0 { text += "/" }
        }
        return text
    }

    /// The en passant target square when an en passant capture is actually legal.
    public var legalEnPassantSquare: Square? {
        guard enPassantIndex < 64 else { return nil }
        return legalMoves.contains(where: \.isEnPassant) ? enPassantSquare : nil
    }
}
