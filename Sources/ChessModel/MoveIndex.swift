import Chess

/// AlphaZero's policy layout: 8×8 origin squares × 73 move types = 4,672 outputs,
/// seen from the side to move (mirrored for Black like the planes).
///
/// Types 0–55 are queen-like moves (8 directions × distance 1–7; also king moves,
/// castling as the king's two-square move, pawn moves and queen promotions), 56–63
/// knight moves, 64–72 under-promotions (capture left, straight, capture right ×
/// knight, bishop, rook). Index = origin square × 73 + type, which is the NHWC order
/// of a convolution with 73 output channels.
package enum MoveIndex {
    package static let typesPerSquare = 73
    package static let count = 64 * typesPerSquare

    static let directions = [(0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1)]
    static let knightJumps = [(1, 2), (2, 1), (2, -1), (1, -2), (-1, -2), (-2, -1), (-2, 1), (-1, 2)]
    static let underPromotions: [PieceKind] = [.knight, .bishop, .rook]

    /// The policy index of a legal move of `position`.
    package static func index(of move: Move, in position: Position) -> Int {
        let us = position.sideToMove
        let from = BoardEncoder.relative(move.from.index, us), to = BoardEncoder.relative(move.to.index, us)
        let df = to % 8 - from % 8, dr = to / 8 - from / 8
        let type: Int
        if let promotion = move.promotion, let piece = underPromotions.firstIndex(of: promotion) {
            type = 64 + 3 * (df + 1) + piece
        } else if let jump = knightJumps.firstIndex(where: { $0 == (df, dr) }) {
            type = 56 + jump
        } else {
            let distance = max(abs(df), abs(dr))
            let direction = directions.firstIndex { $0 == (df.signum(), dr.signum()) }!
            type = direction * 7 + distance - 1
        }
        return from * typesPerSquare + type
    }

    /// The legal move of `position` at `index`, or `nil` when that output names no legal move.
    package static func move(at index: Int, in position: Position) -> Move? {
        guard (0..<count).contains(index) else { return nil }
        let us = position.sideToMove
        let from = index / typesPerSquare, type = index % typesPerSquare
        let (fromFile, fromRank) = (from % 8, from / 8)
        let (df, dr): (Int, Int)
        var promotion: PieceKind?
        switch type {
        case 64...:
            (df, dr) = ((type - 64) / 3 - 1, 1)
            promotion = underPromotions[(type - 64) % 3]
        case 56...:
            (df, dr) = knightJumps[type - 56]
        default:
            let (x, y) = directions[type / 7]
            (df, dr) = (x * (type % 7 + 1), y * (type % 7 + 1))
        }
        let (toFile, toRank) = (fromFile + df, fromRank + dr)
        guard (0..<8).contains(toFile), (0..<8).contains(toRank) else { return nil }
        let origin = Square(rawValue: UInt8(BoardEncoder.relative(from, us)))
        let target = Square(rawValue: UInt8(BoardEncoder.relative(toRank * 8 + toFile, us)))
        return position.legalMoves.first { move in
            move.from == origin && move.to == target && (move.promotion == promotion || (promotion == nil && move.promotion == .queen))
        }
    }

    /// 1 at the indices of the legal moves, 0 elsewhere.
    package static func legalMask(_ position: Position, into mask: UnsafeMutableBufferPointer<Float>) {
        for move in position.legalMoves { mask[index(of: move, in: position)] = 1 }
    }
}
