import Chess

/// King zone attacks, pawn shield, open files at the king, castling rights and castling done.
enum KingSafetyConcepts {
    /// The file of `color`'s king: 0 closed (own pawn on it), 1 half-open (only enemy pawns), 2 open (no pawns).
    static func kingFileOpenness(_ position: Position, _ color: Color) -> Double {
        let file = Bitboard.file(position.king(of: color).file)
        if !(position.pieces(.pawn, color) & file).isEmpty { return 0 }
        return (position.pieces(.pawn, color.opponent) & file).isEmpty ? 2 : 1
    }

    /// Own pawns on the king's file and the files beside it, one or two ranks in front of the king.
    static func pawnShield(_ position: Position, _ color: Color) -> Int {
        let king = position.king(of: color)
        let files = Bitboard.file(king.file) | BoardGeometry.adjacentFiles(king.file)
        let ahead = BoardGeometry.ahead(of: king, color, on: files)
        // The first two ranks in front of the king.
        let twoRanks = color == .white ? Bitboard(rawValue: 0xFFFF << (8 * UInt64(min(king.rank + 1, 7))))
                                       : Bitboard(rawValue: 0xFFFF << (8 * UInt64(max(king.rank - 2, 0))))
        return (position.pieces(.pawn, color) & ahead & twoRanks).count
    }

    /// Whether `color` has castled: from the game's moves when known, otherwise from the
    /// king and rook standing on their castled squares with the right gone.
    static func hasCastled(_ input: ConceptInput, _ color: Color) -> Bool {
        if !input.history.isEmpty {
            // Sides alternate from the start position, so a move's index tells who played it.
            let ours = input.start.sideToMove == color ? 0 : 1
            return input.history.withUnsafeBufferPointer { moves in
                stride(from: ours, to: moves.count, by: 2).contains { moves[$0].isCastling }
            }
        }
        let position = input.position
        let rank = color == .white ? 0 : 7
        let king = position.king(of: color)
        guard king.rank == rank, position.castlingRights.intersection(.both(color)).isEmpty else { return false }
        let rooks = position.pieces(.rook, color)
        return (king.file == 6 && rooks.contains(Square(file: 5, rank: rank)))
            || (king.file == 2 && rooks.contains(Square(file: 3, rank: rank)))
    }

    static let all: [Concept] =
        Concept.perSide("king_zone_attackers", .scalar, "number of enemy pieces attacking {side} king or the squares next to it") { input, color in
            let zone = BoardGeometry.kingZone(input.position, color)
            return Double(input.position.occupancy(of: color.opponent).count { !(input.position.attacks(from: $0) & zone).isEmpty })
        }
        + Concept.perSide("pawn_shield", .scalar, "number of {side} pawns sheltering their king (its file and the two beside it, one or two ranks ahead)") { input, color in
            Double(pawnShield(input.position, color))
        }
        + Concept.perSide("king_file", .categorical(["closed", "half-open", "open"]), "whether the file of {side} king is closed, half-open (no own pawn) or open (no pawn)") { input, color in
            kingFileOpenness(input.position, color)
        }
        + Concept.perSide("castling_rights", .scalar, "number of castling rights {side} side still holds (0-2)") { input, color in
            Double(input.position.castlingRights.intersection(.both(color)).rawValue.nonzeroBitCount)
        }
        + Concept.perSide("has_castled", .binary, "{side} side has castled") { input, color in
            hasCastled(input, color).conceptValue
        }
}
