/// A move in SAN (or LAN, or UCI) parsed from its bytes, before it is matched
/// against a position's legal moves.
///
/// Parsing works on raw UTF-8 so that PGN import can read millions of moves
/// without building a `String` for each.
enum SANMove: Equatable {
    case null
    case castle(kingside: Bool)
    /// `kind` is `nil` for coordinate notation (`g2h3`, `e2-e4`), where the origin square says which piece moves.
    case piece(PieceKind?, to: Square, fromFile: Int?, fromRank: Int?, promotion: PieceKind?)

    /// Parses one token; `nil` when it is not move notation.
    init?(parsing bytes: UnsafeBufferPointer<UInt8>) {
        var end = bytes.count
        // Check, mate and annotation marks are not part of the move.
        trailingMarks: while end > 0 {
            switch bytes[end - 1] {
            case UInt8(ascii: "+"), UInt8(ascii: "#"), UInt8(ascii: "!"), UInt8(ascii: "?"): end -= 1
            default: break trailingMarks
            }
        }
        let body = UnsafeBufferPointer(rebasing: bytes[0..<end])
        if Self.equals(body, "--") || Self.equals(body, "Z0") || Self.equals(body, "0000") {
            self = .null
            return
        }
        if Self.equals(body, "O-O") || Self.equals(body, "0-0") {
            self = .castle(kingside: true)
            return
        }
        if Self.equals(body, "O-O-O") || Self.equals(body, "0-0-0") {
            self = .castle(kingside: false)
            return
        }
        var index = 0
        var kind: PieceKind?
        // An upper-case letter names the piece; a lower-case `b` is the b-file.
        if end > 2, let named = PieceKind(ascii: body[0], upperCaseOnly: true) {
            kind = named
            index = 1
        }
        var promotion: PieceKind?
        if end >= 3, let named = PieceKind(ascii: body[end - 1], upperCaseOnly: false), named != .pawn, named != .king {
            let before = body[end - 2]
            if before == UInt8(ascii: "=") || (UInt8(ascii: "1")...UInt8(ascii: "8")).contains(before) {
                promotion = named
                end -= before == UInt8(ascii: "=") ? 2 : 1
            }
        }
        // What remains: optional origin hints, separators, then the destination square.
        // At most two files and two ranks: the last of each is the destination.
        var fileCount = 0, firstFile = 0, lastFile = 0
        var rankCount = 0, firstRank = 0, lastRank = 0
        while index < end {
            let byte = body[index]
            index += 1
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "h"):
                if fileCount == 0 { firstFile = Int(byte - UInt8(ascii: "a")) }
                lastFile = Int(byte - UInt8(ascii: "a"))
                fileCount += 1
            case UInt8(ascii: "1")...UInt8(ascii: "8"):
                if rankCount == 0 { firstRank = Int(byte - UInt8(ascii: "1")) }
                lastRank = Int(byte - UInt8(ascii: "1"))
                rankCount += 1
            case UInt8(ascii: "x"), UInt8(ascii: "-"), UInt8(ascii: ":"):
                continue
            default:
                return nil
            }
        }
        guard (1...2).contains(fileCount), (1...2).contains(rankCount),
              (UInt8(ascii: "1")...UInt8(ascii: "8")).contains(body[end - 1])
        else { return nil }
        let fullOrigin = fileCount == 2 && rankCount == 2
        self = .piece(kind ?? (fullOrigin ? nil : .pawn), to: Square(file: lastFile, rank: lastRank),
                      fromFile: fileCount == 2 ? firstFile : nil, fromRank: rankCount == 2 ? firstRank : nil,
                      promotion: promotion)
    }

    /// Whether a legal move of `position` fits this description.
    @inline(__always)
    func matches(_ move: Move, in position: Position) -> Bool {
        switch self {
        case .null:
            return false
        case .castle(let kingside):
            return move.isCastling && (move.to.file > move.from.file) == kingside
        case let .piece(kind, to, fromFile, fromRank, promotion):
            return move.to == to && move.promotion == promotion
                && (fromFile == nil || move.from.file == fromFile) && (fromRank == nil || move.from.rank == fromRank)
                && (kind == nil || position.pieces(kind!).contains(move.from))
        }
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        bytes.count == text.utf8CodeUnitCount && zip(bytes, UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)).allSatisfy { $0 == $1 }
    }
}

extension PieceKind {
    /// The kind named by an ASCII letter; with `upperCaseOnly`, lower-case letters are not pieces.
    init?(ascii byte: UInt8, upperCaseOnly: Bool) {
        let upper = byte & ~0x20
        guard !upperCaseOnly || byte == upper else { return nil }
        switch upper {
        case UInt8(ascii: "P"): self = .pawn
        case UInt8(ascii: "N"): self = .knight
        case UInt8(ascii: "B"): self = .bishop
        case UInt8(ascii: "R"): self = .rook
        case UInt8(ascii: "Q"): self = .queen
        case UInt8(ascii: "K"): self = .king
        default: return nil
        }
    }
}

extension SANMove {
    /// The destination square (the king's, for castling) of the described move.
    func destination(for side: Color) -> Square {
        switch self {
        case .null: Square(rawValue: 0)
        case .castle(let kingside): Square(file: kingside ? 6 : 2, rank: side == .white ? 0 : 7)
        case .piece(_, let to, _, _, _): to
        }
    }
}

/// Keeps only the legal moves that land on one square: the few a SAN token can mean.
struct MatchingSink: MoveSink {
    let target: UInt64
    var moves = InlineArray<16, Move>(repeating: .null)
    var count = 0

    init(target: Square) { self.target = target.bitboard.rawValue }

    @inline(__always) private mutating func append(_ move: Move) {
        if count < 16 {
            moves[count] = move
            count += 1
        }
    }

    mutating func addMoves(from: Int, targets: UInt64) {
        if targets & target != 0 { append(Move(from: from, to: target.trailingZeroBitCount)) }
    }

    mutating func addPawnMoves(targets: UInt64, offset: Int) {
        if targets & target != 0 {
            let to = target.trailingZeroBitCount
            append(Move(from: to - offset, to: to))
        }
    }

    mutating func addPromotions(targets: UInt64, offset: Int) {
        guard targets & target != 0 else { return }
        let to = target.trailingZeroBitCount
        for kind in [PieceKind.queen, .rook, .bishop, .knight] {
            append(Move(from: to - offset, to: to, kind: .promotion, promotion: kind))
        }
    }

    mutating func add(_ move: Move) {
        if move.to.bitboard.rawValue == target { append(move) }
    }
}
