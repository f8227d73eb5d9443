import Chess

/// Checks, mates, captures, threats, hanging and pinned pieces, forks and discoveries.
enum TacticalConcepts {
    /// Pieces of `color` (kings excluded) attacked by the other side and defended by none of their own.
    static func hanging(_ input: ConceptInput, _ color: Color) -> Bitboard {
        let position = input.position
        return position.occupancy(of: color) & ~position.pieces(.king)
            & input.attacked(by: color.opponent) & ~input.attacked(by: color)
    }

    static let all: [Concept] = [
        Concept("in_check", .binary, .sideToMove, "I am in check") { $0.position.isCheck.conceptValue },
        Concept("has_checking_move", .binary, .sideToMove, "I have a move that gives check") { input in
            (!input.checkingMoves.isEmpty).conceptValue
        },
        Concept("has_mate_in_one", .binary, .sideToMove, "I can checkmate in one move") { input in
            input.hasMateInOne.conceptValue
        },
        Concept("opp_has_mate_in_one", .binary, .sideToMove, "the opponent could checkmate in one if it were their move (0 when I am in check)") { input in
            input.position.isCheck ? 0 : input.passed.hasMateInOne.conceptValue
        },
        Concept("can_capture_opp_queen", .binary, .sideToMove, "I have a legal move that captures an opponent's queen") { input in
            let queens = input.position.pieces(.queen, input.them)
            return input.legalMoves.contains { queens.contains($0.to) }.conceptValue
        },
        Concept("my_queen_attacked", .binary, .sideToMove, "one of my queens is attacked (a threat on my queen)") { input in
            !(input.position.pieces(.queen, input.us) & input.attackedByThem).isEmpty ? 1 : 0
        },
        Concept("legal_captures", .scalar, .sideToMove, "number of my legal captures, en passant included") { input in
            let theirs = input.position.occupancy(of: input.them)
            return Double(input.legalMoves.count { $0.isEnPassant || theirs.contains($0.to) })
        },
        Concept("discovered_check_available", .binary, .sideToMove, "I have a move that uncovers check from another piece") { input in
            input.checkingMoves.contains { $0.check.discovered }.conceptValue
        },
        Concept("knight_fork_available", .binary, .sideToMove, "a knight of mine can move to a square attacking two of the opponent's king, queens and rooks") { input in
            let position = input.position
            let targets = position.occupancy(of: input.them) & (position.pieces(.king) | position.pieces(.queen) | position.pieces(.rook))
            let knights = position.pieces(.knight, input.us)
            return input.legalMoves.contains { move in
                knights.contains(move.from) && (Bitboard.knightAttacks(from: move.to) & targets).count >= 2
            }.conceptValue
        },
    ] + Concept.perSide("hanging_pieces", .scalar, "number of {side} pieces attacked and undefended") { input, color in
        Double(hanging(input, color).count)
    } + Concept.perSide("pinned_pieces", .scalar, "number of {side} pieces pinned to their king") { input, color in
        Double(input.position.pinnedPieces(of: color).count)
    }
}
