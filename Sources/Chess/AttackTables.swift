/// Precomputed attack sets: leaper tables, magic-bitboard slider tables, and the
/// `between`/`line` tables that pin and check detection need.
///
/// Built once per process; lookups are unchecked pointer reads because they sit
/// on the hottest path of move generation.
final class AttackTables: @unchecked Sendable {
    /// The process-wide tables.
    static let shared = AttackTables()

    struct Magic {
        var mask: UInt64
        var factor: UInt64
        var shift: UInt64
        var offset: Int
    }

    private let knight = UnsafeMutablePointer<UInt64>.allocate(capacity: 64)
    private let king = UnsafeMutablePointer<UInt64>.allocate(capacity: 64)
    private let pawn = UnsafeMutablePointer<UInt64>.allocate(capacity: 128)
    private let betweenTable = UnsafeMutablePointer<UInt64>.allocate(capacity: 64 * 64)
    private let lineTable = UnsafeMutablePointer<UInt64>.allocate(capacity: 64 * 64)
    private let rookMagics = UnsafeMutablePointer<Magic>.allocate(capacity: 64)
    private let bishopMagics = UnsafeMutablePointer<Magic>.allocate(capacity: 64)
    private let rookTable: UnsafeMutablePointer<UInt64>
    private let bishopTable: UnsafeMutablePointer<UInt64>

    static let rookDirections = [(0, 1), (0, -1), (1, 0), (-1, 0)]
    static let bishopDirections = [(1, 1), (1, -1), (-1, 1), (-1, -1)]

    private init() {
        for square in 0..<64 {
            knight[square] = Self.leaperAttacks(square, [(1, 2), (2, 1), (2, -1), (1, -2), (-1, -2), (-2, -1), (-2, 1), (-1, 2)])
            king[square] = Self.leaperAttacks(square, [(1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1)])
            pawn[square] = Self.leaperAttacks(square, [(-1, 1), (1, 1)])
            pawn[64 + square] = Self.leaperAttacks(square, [(-1, -1), (1, -1)])
        }
        rookTable = Self.buildMagics(Self.rookDirections, factors: MagicFactors.rook, into: rookMagics)
        bishopTable = Self.buildMagics(Self.bishopDirections, factors: MagicFactors.bishop, into: bishopMagics)
        for a in 0..<64 {
            for b in 0..<64 {
                var between: UInt64 = 0
                var line: UInt64 = 0
                for directions in [Self.rookDirections, Self.bishopDirections] {
                    let aRays = Self.slidingAttacks(a, occupied: 0, directions: directions)
                    guard a != b, aRays >> UInt64(b) & 1 != 0 else { continue }
                    let bRays = Self.slidingAttacks(b, occupied: 0, directions: directions)
                    line = (aRays & bRays) | (1 << UInt64(a)) | (1 << UInt64(b))
                    between = Self.slidingAttacks(a, occupied: 1 << UInt64(b), directions: directions)
                        & Self.slidingAttacks(b, occupied: 1 << UInt64(a), directions: directions)
                }
                betweenTable[a * 64 + b] = between
                lineTable[a * 64 + b] = line
            }
        }
    }

    @inline(__always) func knightAttacks(_ square: Int) -> UInt64 { knight[square] }
    @inline(__always) func kingAttacks(_ square: Int) -> UInt64 { king[square] }
    /// Squares a pawn of `color` on `square` attacks.
    @inline(__always) func pawnAttacks(_ color: Color, _ square: Int) -> UInt64 {
        pawn[Int(color.rawValue) << 6 | square]
    }
    /// Squares strictly between `a` and `b` when they share a rank, file or diagonal; otherwise empty.
    @inline(__always) func between(_ a: Int, _ b: Int) -> UInt64 { betweenTable[a << 6 | b] }
    /// The whole line through `a` and `b` (edge to edge) when aligned; otherwise empty.
    @inline(__always) func line(_ a: Int, _ b: Int) -> UInt64 { lineTable[a << 6 | b] }

    @inline(__always) func rookAttacks(_ square: Int, _ occupied: UInt64) -> UInt64 {
        let m = rookMagics[square]
        return rookTable[m.offset + Int(truncatingIfNeeded: ((occupied & m.mask) &* m.factor) >> m.shift)]
    }

    @inline(__always) func bishopAttacks(_ square: Int, _ occupied: UInt64) -> UInt64 {
        let m = bishopMagics[square]
        return bishopTable[m.offset + Int(truncatingIfNeeded: ((occupied & m.mask) &* m.factor) >> m.shift)]
    }

    @inline(__always) func queenAttacks(_ square: Int, _ occupied: UInt64) -> UInt64 {
        rookAttacks(square, occupied) | bishopAttacks(square, occupied)
    }

    /// Attacks of a piece of `kind` (and `color`, for pawns) on `square`.
    func attacks(_ kind: PieceKind, _ color: Color, _ square: Int, _ occupied: UInt64) -> UInt64 {
        switch kind {
        case .pawn: pawnAttacks(color, square)
        case .knight: knightAttacks(square)
        case .bishop: bishopAttacks(square, occupied)
        case .rook: rookAttacks(square, occupied)
        case .queen: queenAttacks(square, occupied)
        case .king: kingAttacks(square)
        }
    }

    // MARK: Construction

    private static func leaperAttacks(_ square: Int, _ offsets: [(Int, Int)]) -> UInt64 {
        var result: UInt64 = 0
        for (df, dr) in offsets {
            let file = square & 7 + df, rank = square >> 3 + dr
            if (0..<8).contains(file) && (0..<8).contains(rank) { result |= 1 << UInt64(rank * 8 + file) }
        }
        return result
    }

    /// Ray-walking reference used only to fill the tables.
    static func slidingAttacks(_ square: Int, occupied: UInt64, directions: [(Int, Int)]) -> UInt64 {
        var result: UInt64 = 0
        for (df, dr) in directions {
            var file = square & 7 + df, rank = square >> 3 + dr
            while (0..<8).contains(file) && (0..<8).contains(rank) {
                let bit: UInt64 = 1 << UInt64(rank * 8 + file)
                result |= bit
                if occupied & bit != 0 { break }
                file += df
                rank += dr
            }
        }
        return result
    }

    /// Fills one shared attack table for all 64 squares from the given magic factors,
    /// checking that no two occupancies with different attacks share a slot.
    private static func buildMagics(_ directions: [(Int, Int)], factors: [UInt64], into magics: UnsafeMutablePointer<Magic>) -> UnsafeMutablePointer<UInt64> {
        var masks = [UInt64](repeating: 0, count: 64)
        var total = 0
        for square in 0..<64 {
            // Edge squares never block, so they stay out of the mask; that is what keeps tables small.
            let file = square & 7, rank = square >> 3
            var edges = (Bitboard.rank(0).rawValue | Bitboard.rank(7).rawValue) & ~Bitboard.rank(rank).rawValue
            edges |= (Bitboard.file(0).rawValue | Bitboard.file(7).rawValue) & ~Bitboard.file(file).rawValue
            masks[square] = slidingAttacks(square, occupied: 0, directions: directions) & ~edges
            total += 1 << masks[square].nonzeroBitCount
        }
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: total)
        let filled = UnsafeMutablePointer<Bool>.allocate(capacity: total)
        filled.initialize(repeating: false, count: total)
        defer { filled.deallocate() }
        var offset = 0
        for square in 0..<64 {
            let mask = masks[square], factor = factors[square]
            let shift = UInt64(64 - mask.nonzeroBitCount)
            // Carry-Rippler enumeration of every subset of the mask.
            var subset: UInt64 = 0
            repeat {
                let slot = offset + Int((subset &* factor) >> shift)
                let reference = slidingAttacks(square, occupied: subset, directions: directions)
                precondition(!filled[slot] || table[slot] == reference, "magic factor for square \(square) collides")
                table[slot] = reference
                filled[slot] = true
                subset = (subset &- mask) & mask
            } while subset != 0
            magics[square] = Magic(mask: mask, factor: factor, shift: shift, offset: offset)
            offset += 1 << mask.nonzeroBitCount
        }
        return table
    }
}
