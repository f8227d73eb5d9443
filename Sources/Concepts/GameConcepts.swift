import Chess

/// Game phase and the game's outcome.
enum GameConcepts {
    /// Knights, bishops, rooks and queens of both sides in material points (62 at the start).
    static func nonPawnMaterial(_ position: Position) -> Int {
        [PieceKind.knight, .bishop, .rook, .queen].reduce(0) { $0 + $1.materialValue * position.pieces($1).count }
    }

    static let all: [Concept] = [
        Concept("game_phase", .categorical(["opening", "middlegame", "endgame"]), .absolute,
                "opening (almost all pieces on and move 12 or earlier), endgame (26 or fewer points of pieces), else middlegame") { input in
            let material = nonPawnMaterial(input.position)
            if material <= 26 { return 2 }
            return material >= 56 && input.position.fullmoveNumber <= 12 ? 0 : 1
        },
        Concept("game_outcome", .categorical(["loss", "draw", "win"]), .sideToMove,
                "how the game ended for me, when the collection knows the result (missing otherwise)") { input in
            switch (input.result, input.us) {
            case ("1-0", .white), ("0-1", .black): 2
            case ("1-0", .black), ("0-1", .white): 0
            case ("1/2-1/2", _): 1
            default: .nan
            }
        },
    ]
}
