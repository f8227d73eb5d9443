extension Position {
    /// The longest halfmove clock a game can reach: the 75-move rule ends it at 150 plies.
    public static let maximumHalfmoveClock = 150

    /// Reads and validates a FEN (the two clocks may be omitted, as in EPD).
    ///
    /// Rejects, naming the field: malformed placement (8 ranks of 8 squares), unknown
    /// side, castling rights without their king and rook at home, an en passant square
    /// that no double step could have produced, a halfmove clock outside 0...150, a
    /// fullmove number below 1, a missing or extra king, pawns on the first or eighth
    /// rank, and the side not to move being in check.
    ///
    /// ```swift
    /// let position = try Position(fen: "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq e3 0 1")
    /// ```
    public init(fen: String) throws(FENError) {
        try self.init(fen: fen, repair: nil)
    }

    /// Reads a position as UCI's `position` command names one: the word `startpos`, or a
    /// FEN read strictly as `init(fen:)` reads it. Every command and API answer that takes a
    /// position reads it through this.
    ///
    /// ```swift
    /// let start = try Position(fenOrStartpos: "startpos")   // == Position.start
    /// ```
    public init(fenOrStartpos text: String) throws(FENError) {
        self = text == "startpos" ? .start : try Position(fen: text)
    }

    /// Reads a FEN as python-chess, Lichess and Stockfish do, repairing what has only one
    /// sensible reading and saying what it repaired in `repairs`: a fullmove number of 0
    /// (read as 1), a negative halfmove clock or one above 150 (clamped), castling rights
    /// without their king and rook at home (dropped), and an en passant square that no
    /// double step left (dropped). Everything else `init(fen:)` rejects is still rejected.
    ///
    /// ```swift
    /// var repairs = [FENRepair]()
    /// let position = try Position(repairing: "8/8/8/8/8/8/8/K1k5 w KQ - 0 0", repairs: &repairs)
    /// // repairs: castling rights 'K' dropped (…), 'Q' dropped (…), fullmove number '0' read as 1
    /// ```
    public init(repairing fen: String, repairs: inout [FENRepair]) throws(FENError) {
        var found = [FENRepair]()
        try self.init(fen: fen) { found.append($0) }
        repairs += found
    }

    /// Reads a FEN strictly, or with repairs passed to `repair`, in FEN field order, when it is given.
    init(fen: String, repair: ((FENRepair) -> Void)?) throws(FENError) {
        func fail(_ field: FENError.Field, _ reason: String) -> FENError { FENError(fen: fen, field: field, reason: reason) }
        // A FEN is a few dozen characters; a huge one is not read character by character.
        guard fen.utf8.count <= FENError.maximumLength else {
            throw fail(.fieldCount, "\(fen.utf8.count) bytes long; a FEN has at most \(FENError.maximumLength)")
        }
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

        // The clocks come last in a FEN, so their repairs are reported after the setup's.
        var clockRepairs = [FENRepair]()
        if fields.count > 4 {
            guard let clock = Int(fields[4]) else {
                throw fail(.halfmoveClock, "expected an integer from 0 to \(Self.maximumHalfmoveClock), found '\(fields[4])'")
            }
            let clamped = min(max(clock, 0), Self.maximumHalfmoveClock)
            if clamped != clock {
                guard repair != nil else {
                    throw fail(.halfmoveClock, "expected an integer from 0 to \(Self.maximumHalfmoveClock), found '\(fields[4])'")
                }
                clockRepairs.append(FENRepair(field: .halfmoveClock, found: String(fields[4]), repaired: "read as \(clamped)"))
            }
            halfmoveClock = clamped
        }
        if fields.count > 5 {
            guard let number = Int(fields[5]), number >= 0 else {
                throw fail(.fullmoveNumber, "expected a positive integer, found '\(fields[5])'")
            }
            if number == 0 {
                guard repair != nil else { throw fail(.fullmoveNumber, "expected a positive integer, found '0'") }
                clockRepairs.append(FENRepair(field: .fullmoveNumber, found: "0", repaired: "read as 1"))
            }
            fullmoveNumber = max(number, 1)
        }

        if let (field, reason) = completeSetup(enPassant: claimedEnPassant, repair: repair) { throw fail(field, reason) }
        clockRepairs.forEach { repair?($0) }
    }

    /// Checks the rules every position read from outside must meet, with the FEN field at
    /// fault: one king each, no pawn on the first or eighth rank, castling rights with their
    /// king and rook at home, an en passant square a double step could have left, and the
    /// side not to move not in check. Keeps the en passant square only when a capture there
    /// is pseudo-legal. With `repair`, castling rights and an en passant square that fail
    /// these rules are dropped and reported instead.
    mutating func completeSetup(enPassant claimed: Square?, repair: ((FENRepair) -> Void)? = nil) -> (FENError.Field, String)? {
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
                let needs = "needs the \(color.name) king on \(kingHome) and a \(color.name) rook on \(rookHome)"
                guard let repair else { return (.castling, "'\(geometry.right.fen)' " + needs) }
                repair(FENRepair(field: .castling, found: geometry.right.fen, repaired: "dropped (it " + needs + ")"))
                castlingRights.remove(geometry.right)
                continue
            }
        }
        enPassantIndex = 64
        if let square = claimed {
            if let reason = enPassantFault(square) {
                guard let repair else { return (.enPassant, reason) }
                repair(FENRepair(field: .enPassant, found: square.name, repaired: "dropped (" + reason + ")"))
            } else if AttackTables.shared.pawnAttacks(sideToMove.opponent, square.index) & pieces(.pawn, sideToMove).rawValue != 0 {
                enPassantIndex = square.rawValue
            }
        }
        if isAttacked(king(of: sideToMove.opponent), by: sideToMove) {
            return (.placement, "the side not to move (\(sideToMove.opponent.name)) is in check")
        }
        return nil
    }

    /// Why no double step of the side not to move can have left `square` behind, or nil when one can.
    private func enPassantFault(_ square: Square) -> String? {
        let side = sideToMove
        let expectedRank = side == .white ? 5 : 2
        guard square.rank == expectedRank else {
            return "\(square) is not on rank \(expectedRank + 1), where a \(side.opponent.name) double step would leave it"
        }
        let forward = side == .white ? -8 : 8
        let pawnSquare = Square(unchecked: square.index + forward), originSquare = Square(unchecked: square.index - forward)
        guard piece(at: pawnSquare) == Piece(.pawn, side.opponent), piece(at: square) == nil, piece(at: originSquare) == nil else {
            return "\(square) needs a \(side.opponent.name) pawn on \(pawnSquare) and empty \(square) and \(originSquare)"
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
