import Chess

/// Mobility, rooks on open files and the seventh, connected rooks, knight outposts, space, the centre.
enum PieceActivityConcepts {
    /// Legal moves of `color`; for the side not to move, as if it were its turn.
    static func mobility(_ input: ConceptInput, _ color: Color) -> Int {
        color == input.us ? input.legalMoves.count : input.passed.legalMoves.count
    }

    /// Rooks of `color` on files with no pawns (`open`), or with only enemy pawns.
    static func rooksOnFiles(_ position: Position, _ color: Color, open: Bool) -> Int {
        position.pieces(.rook, color).count { rook in
            let file = Bitboard.file(rook.file)
            let own = position.pieces(.pawn, color) & file, enemy = position.pieces(.pawn, color.opponent) & file
            return own.isEmpty && (open ? enemy.isEmpty : !enemy.isEmpty)
        }
    }

    /// Knights on the opponent's side (relative ranks 4–6) guarded by a pawn and out of reach of enemy pawns.
    static func outposts(_ position: Position, _ color: Color) -> Int {
        let guarded = position.pawnAttacks(of: color)
        let enemyPawns = position.pieces(.pawn, color.opponent)
        return position.pieces(.knight, color).count { knight in
            let rank = BoardGeometry.relativeRank(knight, color)
            let attackersAhead = BoardGeometry.ahead(of: knight, color, on: BoardGeometry.adjacentFiles(knight.file)) & enemyPawns
            return (3...5).contains(rank) && guarded.contains(knight) && attackersAhead.isEmpty
        }
    }

    static let all: [Concept] =
        Concept.perSide("mobility", .scalar, "number of legal moves of {side} side (for the side not to move, as if it were its turn)") { input, color in
            Double(mobility(input, color))
        }
        + Concept.perSide("rooks_open_file", .scalar, "number of {side} rooks on files without pawns") { input, color in
            Double(rooksOnFiles(input.position, color, open: true))
        }
        + Concept.perSide("rooks_half_open_file", .scalar, "number of {side} rooks on files with only enemy pawns") { input, color in
            Double(rooksOnFiles(input.position, color, open: false))
        }
        + Concept.perSide("rook_on_seventh", .binary, "{side} side has a rook on its seventh rank") { input, color in
            !(input.position.pieces(.rook, color) & .rank(color == .white ? 6 : 1)).isEmpty ? 1 : 0
        }
        + Concept.perSide("connected_rooks", .binary, "two of {side} rooks defend each other along a rank or file") { input, color in
            let rooks = input.position.pieces(.rook, color)
            return rooks.contains { !(input.position.attacks(from: $0) & rooks).isEmpty }.conceptValue
        }
        + Concept.perSide("knight_outposts", .scalar, "number of {side} knights on outposts (relative ranks 4-6, pawn-guarded, no enemy pawn can chase them)") { input, color in
            Double(outposts(input.position, color))
        }
        + Concept.perSide("space", .scalar, "number of squares in the other half of the board attacked by {side} side and not by a pawn of the other side") { input, color in
            let controlled = input.attacked(by: color) & BoardGeometry.opponentHalf(color)
            return Double((controlled & ~input.position.pawnAttacks(of: color.opponent)).count)
        }
        + Concept.perSide("centre_control", .scalar, "number of {side} pieces attacking each of d4, e4, d5, e5, summed") { input, color in
            let position = input.position
            return Double(BoardGeometry.centre.reduce(0) { $0 + position.attackers(of: $1, by: color).count })
        }
        + [
            Concept("contested_open_file", .binary, .absolute, "an open file holds rooks of both sides") { input in
                let position = input.position
                return (0..<8).contains { file in
                    let squares = Bitboard.file(file)
                    return (position.pieces(.pawn) & squares).isEmpty
                        && !(position.pieces(.rook, .white) & squares).isEmpty && !(position.pieces(.rook, .black) & squares).isEmpty
                }.conceptValue
            },
        ]
}
