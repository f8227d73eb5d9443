/// Legal move generation: pins and checks are resolved up front so that every
/// generated move is legal, and destination sets can be counted without expansion.
extension Position {
    /// All legal moves, in generation order.
    public var legalMoves: MoveList {
        var list = MoveList()
        generateLegalMoves(into: &list)
        return list
    }

    /// The number of legal moves (counted, not listed).
    public var legalMoveCount: Int {
        var counter = MoveCounter()
        generateLegalMoves(into: &counter)
        return counter.count
    }

    /// `true` when the side to move has at least one legal move.
    public var hasLegalMove: Bool {
        var detector = MoveDetector()
        generateLegalMoves(into: &detector)
        return detector.found
    }

    /// `true` when `move` is among the legal moves.
    public func isLegal(_ move: Move) -> Bool { legalMoves.contains(move) }

    @inline(__always)
    func generateLegalMoves<Sink: MoveSink>(into sink: inout Sink) {
        let t = AttackTables.shared
        let us = sideToMove, them = us.opponent
        let ours = colorBoards[us], theirs = colorBoards[them]
        let occupiedAll = ours | theirs
        let kingSquare = (kindBoards[.king] & ours).trailingZeroBitCount
        let checkers = attackers(kingSquare, by: them, occupied: occupiedAll)

        // King moves: each destination is tested with the king lifted off the board,
        // so that it cannot hide behind itself from a slider.
        let withoutKing = occupiedAll ^ (1 << UInt64(kingSquare))
        var kingTargets = t.kingAttacks(kingSquare) & ~ours
        var safeKingTargets: UInt64 = 0
        while kingTargets != 0 {
            let to = kingTargets.trailingZeroBitCount
            kingTargets &= kingTargets &- 1
            if attackers(to, by: them, occupied: withoutKing) == 0 { safeKingTargets |= 1 << UInt64(to) }
        }
        sink.addMoves(from: kingSquare, targets: safeKingTargets)

        if checkers & (checkers &- 1) != 0 || sink.isSatisfied { return }  // double check: only the king moves
        // Destinations that resolve a check (capture the checker or block); everything otherwise.
        let checkMask: UInt64 = checkers == 0 ? ~0 : checkers | t.between(kingSquare, checkers.trailingZeroBitCount)
        let targetMask = checkMask & ~ours
        let pinnedPieces = pinned(us, kingSquare: kingSquare)

        // Knights: a pinned knight can never move.
        var knights = kindBoards[.knight] & ours & ~pinnedPieces
        while knights != 0 {
            let from = knights.trailingZeroBitCount
            knights &= knights &- 1
            sink.addMoves(from: from, targets: t.knightAttacks(from) & targetMask)
        }
        // Sliders: a pinned slider keeps to the line through its king.
        var diagonal = (kindBoards[.bishop] | kindBoards[.queen]) & ours
        while diagonal != 0 {
            let from = diagonal.trailingZeroBitCount
            diagonal &= diagonal &- 1
            var targets = t.bishopAttacks(from, occupiedAll) & targetMask
            if pinnedPieces >> UInt64(from) & 1 != 0 { targets &= t.line(kingSquare, from) }
            sink.addMoves(from: from, targets: targets)
        }
        var straight = (kindBoards[.rook] | kindBoards[.queen]) & ours
        while straight != 0 {
            let from = straight.trailingZeroBitCount
            straight &= straight &- 1
            var targets = t.rookAttacks(from, occupiedAll) & targetMask
            if pinnedPieces >> UInt64(from) & 1 != 0 { targets &= t.line(kingSquare, from) }
            sink.addMoves(from: from, targets: targets)
        }

        generatePawnMoves(into: &sink, kingSquare: kingSquare, checkMask: checkMask, pinnedPieces: pinnedPieces, checkers: checkers)

        let ourRights = castlingRights.intersection(.both(us))
        if checkers == 0 && !ourRights.isEmpty {
            for geometry in CastlingRights.geometries where ourRights.contains(geometry.right)
                && geometry.kingFrom == kingSquare && occupiedAll & geometry.path == 0 {
                var path = geometry.kingPath
                var safe = true
                while path != 0 && safe {
                    safe = attackers(path.trailingZeroBitCount, by: them, occupied: occupiedAll) == 0
                    path &= path &- 1
                }
                if safe { sink.add(Move(from: geometry.kingFrom, to: geometry.kingTo, kind: .castling)) }
            }
        }
    }

    @inline(__always)
    private func generatePawnMoves<Sink: MoveSink>(into sink: inout Sink, kingSquare: Int, checkMask: UInt64, pinnedPieces: UInt64, checkers: UInt64) {
        let t = AttackTables.shared
        let us = sideToMove
        let ours = colorBoards[us], theirs = colorBoards[us.opponent]
        let empty = ~(ours | theirs)
        let white = us == .white
        let up = white ? 8 : -8
        let lastRank: UInt64 = white ? 0xFF << 56 : 0xFF
        let doubleStepRank: UInt64 = white ? 0xFF << 16 : 0xFF << 40
        let notFileA: UInt64 = ~0x0101_0101_0101_0101, notFileH: UInt64 = ~0x8080_8080_8080_8080
        let pawns = kindBoards[.pawn] & ours

        // Free pawns move set-wise; pinned pawns one at a time along their pin line.
        emitPawnMoves(pawns & ~pinnedPieces, allowed: checkMask, into: &sink)
        var pinnedPawns = pawns & pinnedPieces
        while pinnedPawns != 0 {
            let from = pinnedPawns.trailingZeroBitCount
            pinnedPawns &= pinnedPawns &- 1
            emitPawnMoves(1 << UInt64(from), allowed: checkMask & t.line(kingSquare, from), into: &sink)
        }

        @inline(__always) func shifted(_ bits: UInt64, _ offset: Int) -> UInt64 {
            offset > 0 ? bits << UInt64(offset) : bits >> UInt64(-offset)
        }
        @inline(__always) func emitPawnMoves(_ movers: UInt64, allowed: UInt64, into sink: inout Sink) {
            guard movers != 0 else { return }
            let single = shifted(movers, up) & empty
            let double = shifted(single & doubleStepRank, up) & empty & allowed
            let pushes = single & allowed
            sink.addPawnMoves(targets: pushes & ~lastRank, offset: up)
            sink.addPromotions(targets: pushes & lastRank, offset: up)
            sink.addPawnMoves(targets: double, offset: 2 * up)
            let captureTargets = theirs & allowed
            // Captures towards the a-file and towards the h-file; masks stop wrap-around.
            let westOffset = up - 1, eastOffset = up + 1
            let west = shifted(movers & notFileA, westOffset) & captureTargets
            let east = shifted(movers & notFileH, eastOffset) & captureTargets
            sink.addPawnMoves(targets: west & ~lastRank, offset: westOffset)
            sink.addPromotions(targets: west & lastRank, offset: westOffset)
            sink.addPawnMoves(targets: east & ~lastRank, offset: eastOffset)
            sink.addPromotions(targets: east & lastRank, offset: eastOffset)
        }

        guard enPassantIndex < 64 else { return }
        let target = Int(enPassantIndex)
        let capturedSquare = target - up
        // In check, en passant helps only by removing the checking pawn or blocking on the target square.
        guard checkers == 0 || checkers == 1 << UInt64(capturedSquare) || checkMask >> UInt64(target) & 1 != 0 else { return }
        var capturers = t.pawnAttacks(us.opponent, target) & pawns
        while capturers != 0 {
            let from = capturers.trailingZeroBitCount
            capturers &= capturers &- 1
            // Two pawns leave one rank at once, so play it out: this catches the rank pin.
            let after = (ours | theirs) ^ (1 << UInt64(from)) ^ (1 << UInt64(capturedSquare)) | (1 << UInt64(target))
            let remainingAttackers = attackers(kingSquare, by: us.opponent, occupied: after) & ~(1 << UInt64(capturedSquare))
            if remainingAttackers == 0 { sink.add(Move(from: from, to: target, kind: .enPassant)) }
        }
    }
}
