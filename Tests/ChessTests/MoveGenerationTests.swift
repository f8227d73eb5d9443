import Chess
import Testing

struct MoveGenerationTests {
    @Test func legalMovesMatchPythonChess() throws {
        for fixture in FixturePosition.all {
            let position = try Position(fen: fixture.fen)
            let ours = position.legalMoves.map(\.uci).sorted()
            #expect(ours == fixture.legal.map { $0[0] }, "\(fixture.fen)")
            #expect(position.legalMoveCount == ours.count)
            #expect(position.hasLegalMove == !ours.isEmpty)
        }
    }

    @Test func enPassantThatExposesTheKingAlongTheRankIsIllegal() throws {
        // After ...c7-c5 the b5 pawn may not take en passant: both pawns leave the fifth rank
        // and the h5 rook would see the a5 king.
        let position = try Position(fen: "8/8/8/KPp4r/8/8/8/4k3 w - c6 0 2")
        #expect(!position.legalMoves.contains { $0.isEnPassant })
        #expect(position.legalEnPassantSquare == nil)
        #expect(position.fen == "8/8/8/KPp4r/8/8/8/4k3 w - - 0 2")
    }

    @Test func enPassantMayCaptureTheCheckingPawn() throws {
        let position = try Position(fen: "8/8/8/2k5/3Pp3/8/8/4K3 b - d3 0 1")
        #expect(position.isCheck)
        #expect(position.legalMoves.map(\.uci).contains("e4d3"))
    }

    @Test func castlingThroughAnAttackedSquareIsIllegal() throws {
        // The f8 rook covers f1: no kingside castling; queenside is free.
        let position = try Position(fen: "1k3r2/8/8/8/8/8/8/R3K2R w KQ - 0 1")
        let castles = position.legalMoves.filter(\.isCastling).map(\.uci)
        #expect(castles == ["e1c1"])
    }

    @Test func castlingOutOfCheckIsIllegal() throws {
        let position = try Position(fen: "1k2r3/8/8/8/8/8/8/R3K2R w KQ - 0 1")
        #expect(!position.legalMoves.contains { $0.isCastling })
    }

    @Test func doubleCheckAllowsOnlyKingMoves() throws {
        let position = try Position(fen: "4k3/8/8/8/8/5n2/8/R2rK2R w KQ - 0 1")
        #expect(position.checkers.count == 2)
        #expect(position.legalMoves.allSatisfy { $0.from == Square("e1")! })
    }

    @Test func pinnedPieceMovesOnlyAlongThePin() throws {
        let position = try Position(fen: "4k3/4r3/8/8/8/8/4R3/4K3 w - - 0 1")
        let rookMoves = position.legalMoves.filter { $0.from == Square("e2")! }.map(\.to.name).sorted()
        #expect(rookMoves == ["e3", "e4", "e5", "e6", "e7"])
    }

    @Test func allFourPromotionsAreGenerated() throws {
        let position = try Position(fen: "8/P6k/8/8/8/8/8/K7 w - - 0 1")
        let promotions = position.legalMoves.compactMap(\.promotion)
        #expect(Set(promotions) == [.queen, .rook, .bishop, .knight])
    }

    @Test func playingUpdatesEveryField() throws {
        var position = Position.start
        for uci in ["e2e4", "d7d5", "e4e5", "f7f5", "e5f6", "g8f6", "f1b5", "c7c6", "g1f3", "c6b5", "e1g1"] {
            position.play(try position.move(uci: uci))
        }
        #expect(position.fen == "rnbqkb1r/pp2p1pp/5n2/1p1p4/8/5N2/PPPP1PPP/RNBQ1RK1 b kq - 1 6")
    }
}

struct CheckDetectionTests {
    @Test func checkClassificationMatchesPlayingTheMove() throws {
        var discovered = 0
        for fixture in FixturePosition.all {
            let position = try Position(fen: fixture.fen)
            let info = CheckInfo(position)
            for move in position.legalMoves {
                let checkers = position.playing(move).checkers
                let mover = move.isCastling ? checkers : checkers & move.to.bitboard
                let check = info.check(move)
                #expect(check.direct == !mover.isEmpty, "\(fixture.fen) \(move)")
                #expect(check.discovered == !(checkers & ~mover).isEmpty, "\(fixture.fen) \(move)")
                if check.discovered { discovered += 1 }
            }
        }
        #expect(discovered > 0)
    }
}
