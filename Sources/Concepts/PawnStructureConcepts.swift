import Chess

/// Passed, doubled, isolated and backward pawns, islands, the isolated queen's pawn, pawns on the seventh.
enum PawnStructureConcepts {
    static func passed(_ position: Position, _ color: Color) -> Bitboard {
        let enemyPawns = position.pieces(.pawn, color.opponent)
        var result = Bitboard.empty
        for pawn in position.pieces(.pawn, color) {
            let span = Bitboard.file(pawn.file) | BoardGeometry.adjacentFiles(pawn.file)
            if (BoardGeometry.ahead(of: pawn, color, on: span) & enemyPawns).isEmpty { result.insert(pawn) }
        }
        return result
    }

    /// Pawns beyond the first on each file.
    static func doubled(_ position: Position, _ color: Color) -> Int {
        (0..<8).reduce(0) { $0 + max(0, (position.pieces(.pawn, color) & .file($1)).count - 1) }
    }

    static func isolated(_ position: Position, _ color: Color) -> Bitboard {
        let pawns = position.pieces(.pawn, color)
        var result = Bitboard.empty
        for pawn in pawns where (pawns & BoardGeometry.adjacentFiles(pawn.file)).isEmpty { result.insert(pawn) }
        return result
    }

    /// Pawns whose neighbours on the adjacent files have all advanced past them, and whose
    /// stop square is covered by an enemy pawn: they can be neither supported nor pushed safely.
    static func backward(_ position: Position, _ color: Color) -> Int {
        let pawns = position.pieces(.pawn, color)
        let enemyPawnAttacks = position.pawnAttacks(of: color.opponent)
        return pawns.count { pawn in
            let neighbours = pawns & BoardGeometry.adjacentFiles(pawn.file)
            let supportersBehindOrLevel = neighbours & ~BoardGeometry.ahead(of: pawn, color, on: .full)
            guard !neighbours.isEmpty, supportersBehindOrLevel.isEmpty else { return false }
            let stop = Square(rawValue: UInt8(Int(pawn.rawValue) + (color == .white ? 8 : -8)))
            return enemyPawnAttacks.contains(stop)
        }
    }

    static func islands(_ position: Position, _ color: Color) -> Int {
        let pawns = position.pieces(.pawn, color)
        var islands = 0, previous = false
        for file in 0..<8 {
            let occupied = !(pawns & .file(file)).isEmpty
            if occupied && !previous { islands += 1 }
            previous = occupied
        }
        return islands
    }

    static let all: [Concept] =
        Concept.perSide("passed_pawns", .scalar, "number of {side} passed pawns") { input, color in
            Double(passed(input.position, color).count)
        }
        + Concept.perSide("doubled_pawns", .scalar, "number of {side} pawns standing behind another pawn of theirs on the same file") { input, color in
            Double(doubled(input.position, color))
        }
        + Concept.perSide("isolated_pawns", .scalar, "number of {side} pawns with no friendly pawn on an adjacent file") { input, color in
            Double(isolated(input.position, color).count)
        }
        + Concept.perSide("backward_pawns", .scalar, "number of {side} backward pawns (neighbours all advanced, stop square covered by an enemy pawn)") { input, color in
            Double(backward(input.position, color))
        }
        + Concept.perSide("pawn_islands", .scalar, "number of groups of {side} pawns on adjacent files") { input, color in
            Double(islands(input.position, color))
        }
        + Concept.perSide("isolated_queen_pawn", .binary, "{side} side has an isolated d-pawn") { input, color in
            !(isolated(input.position, color) & .file(3)).isEmpty ? 1 : 0
        }
        + Concept.perSide("pawns_on_seventh", .scalar, "number of {side} pawns one step from promotion") { input, color in
            Double((input.position.pieces(.pawn, color) & .rank(color == .white ? 6 : 1)).count)
        }
}
