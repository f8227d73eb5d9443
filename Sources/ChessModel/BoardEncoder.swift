import Chess
import Neural

/// Turns a position into input planes seen from the side to move (the board is
/// mirrored top to bottom when Black moves, as AlphaZero and Leela do), and back.
///
/// Planes, 8×8 each, stored NHWC (square-major, planes last); square index 0 is a1
/// from the side to move's view:
///
/// | planes | content |
/// | --- | --- |
/// | 0–5 | my pawns, knights, bishops, rooks, queens, king (1 where present) |
/// | 6–11 | the opponent's pawns … king |
/// | 12–15 | castling rights: mine kingside, mine queenside, the opponent's kingside, queenside (all 1 or all 0) |
/// | 16 | the en passant target square, when a capture there is pseudo-legal |
/// | 17 | the halfmove clock / 100 (the fifty-move rule's progress), everywhere |
/// | 18 | 1 everywhere when Black is to move: colour asymmetries (tempo, draw tendencies) stay visible to the network |
/// | 19 | 1 everywhere: lets zero-padded convolutions find the board's edge |
///
/// The decoder inverts this exactly for every legal position; the fullmove number,
/// which no plane holds, is passed in.
package enum BoardEncoder {
    package static let planeCount = 20
    /// A short name for each plane, in order (see the table above).
    package static let planeNames = ["my pawns", "my knights", "my bishops", "my rooks", "my queens", "my king",
                                    "their pawns", "their knights", "their bishops", "their rooks", "their queens", "their king",
                                    "my kingside castling", "my queenside castling", "their kingside castling", "their queenside castling",
                                    "en passant square", "halfmove clock", "black to move", "ones"]
    /// Version written to `config.json`; bump it whenever the planes change. Version 2 marks
    /// the en passant square only when an en passant capture is legal, as FEN and the
    /// Polyglot key do, so a position encodes the same whether it was played or read.
    package static let version = 2

    /// The board square of plane position `index` (0–63) when `color` is to move.
    package static func square(atPlaneIndex index: Int, sideToMove color: Color) -> Square { Square(rawValue: UInt8(relative(index, color))) }

    /// The square index a `square` has from `color`'s view.
    @inline(__always) static func relative(_ square: Int, _ color: Color) -> Int { color == .white ? square : square ^ 56 }

    /// Writes the planes of `position` into `planes` (64 × `planeCount` floats, zeroed by the caller).
    package static func encode(_ position: Position, into planes: UnsafeMutableBufferPointer<Float>) {
        let us = position.sideToMove
        for (side, color) in [us, us.opponent].enumerated() {
            for kind in PieceKind.allCases {
                let plane = side * 6 + Int(kind.rawValue)
                for square in position.pieces(kind, color) {
                    planes[relative(square.index, us) * planeCount + plane] = 1
                }
            }
        }
        let rights = [CastlingRights.side(us, kingside: true), .side(us, kingside: false),
                      .side(us.opponent, kingside: true), .side(us.opponent, kingside: false)]
        let halfmove = Float(position.halfmoveClock) / 100
        let black: Float = us == .black ? 1 : 0
        for square in 0..<64 {
            let base = square * planeCount
            for (offset, right) in rights.enumerated() where position.castlingRights.contains(right) { planes[base + 12 + offset] = 1 }
            planes[base + 17] = halfmove
            planes[base + 18] = black
            planes[base + 19] = 1
        }
        if let target = position.legalEnPassantSquare { planes[relative(target.index, us) * planeCount + 16] = 1 }
    }

    /// The planes of a batch of positions as an NHWC tensor [n, 8, 8, planeCount].
    package static func encode(_ positions: [Position]) -> Tensor {
        var tensor = Tensor(shape: [positions.count, 8, 8, planeCount])
        tensor.storage.withUnsafeMutableBufferPointer { buffer in
            for (index, position) in positions.enumerated() {
                encode(position, into: UnsafeMutableBufferPointer(rebasing: buffer[(index * 64 * planeCount)..<((index + 1) * 64 * planeCount)]))
            }
        }
        return tensor
    }

    /// The position the planes describe, or `nil` when they are not a valid position's
    /// encoding (edited planes that broke the rules).
    package static func decode(_ planes: UnsafeBufferPointer<Float>, fullmoveNumber: Int = 1) -> Position? {
        let us: Color = planes[18] > 0.5 ? .black : .white
        var fen = ""
        for rank in (0..<8).reversed() {
            var gap = 0
            for file in 0..<8 {
                let base = relative(rank * 8 + file, us) * planeCount
                var symbol: Character?
                for plane in 0..<12 where planes[base + plane] > 0.5 {
                    guard symbol == nil else { return nil }  // two pieces on one square
                    let color = plane < 6 ? us : us.opponent
                    symbol = Piece(PieceKind(rawValue: UInt8(plane % 6))!, color).fenSymbol
                }
                if let symbol {
                    if gap > 0 { fen += String(gap) }
                    gap = 0
                    fen.append(symbol)
                } else {
                    gap += 1
                }
            }
            if gap > 0 { fen += String(gap) }
            if rank > 0 { fen += "/" }
        }
        var castling = ""
        let letters: [(Int, Color, Character)] = [(12, us, "K"), (13, us, "Q"), (14, us.opponent, "K"), (15, us.opponent, "Q")]
        for color in [Color.white, .black] {
            for (plane, owner, letter) in letters where owner == color && planes[plane] > 0.5 {
                castling.append(color == .white ? letter : Character(letter.lowercased()))
            }
        }
        var enPassant = "-"
        for square in 0..<64 where planes[square * planeCount + 16] > 0.5 {
            enPassant = Square(rawValue: UInt8(relative(square, us))).name
        }
        let halfmove = Int((planes[17] * 100).rounded())
        return try? Position(fen: "\(fen) \(us.fenSymbol) \(castling.isEmpty ? "-" : castling) \(enPassant) \(halfmove) \(fullmoveNumber)")
    }
}
