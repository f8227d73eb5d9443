import Chess

/// Material: piece counts, balance, bishop pair, number of pieces.
enum MaterialConcepts {
    static func material(_ position: Position, _ color: Color) -> Int {
        PieceKind.allCases.reduce(0) { $0 + $1.materialValue * position.pieces($1, color).count }
    }

    static let all: [Concept] =
        [PieceKind.pawn, .knight, .bishop, .rook, .queen].flatMap { kind in
            Concept.perSide("\(kind)s", .scalar, "number of {side} \(kind)s") { input, color in
                Double(input.position.pieces(kind, color).count)
            }
        } + [
            Concept("material_balance", .scalar, .sideToMove, "my material minus the opponent's (P=1, N=3, B=3, R=5, Q=9)") {
                Double(material($0.position, $0.us) - material($0.position, $0.them))
            },
            Concept("material_advantage", .binary, .sideToMove, "I am ahead by at least 3 points of material") {
                (material($0.position, $0.us) - material($0.position, $0.them) >= 3).conceptValue
            },
            Concept("piece_count", .scalar, .absolute, "number of pieces and pawns on the board, kings included") {
                Double($0.position.occupied.count)
            },
        ] + Concept.perSide("bishop_pair", .binary, "{side} side has two or more bishops") { input, color in
            (input.position.pieces(.bishop, color).count >= 2).conceptValue
        }
}
