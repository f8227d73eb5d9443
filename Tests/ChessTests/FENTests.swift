import Chess
import Testing

struct FENTests {
    @Test func fixturesRoundTripToPythonChessNormalisedFEN() throws {
        for fixture in FixturePosition.all {
            let position = try Position(fen: fixture.fen)
            #expect(position.fen == fixture.normalizedFEN)
            #expect(try Position(fen: position.fen) == position)
        }
    }

    @Test func startPosition() {
        #expect(Position.start.fen == Position.startFEN)
        #expect(Position.start.sideToMove == .white)
        #expect(Position.start.castlingRights == .all)
        #expect(Position.start.piece(at: Square("e1")!) == Piece(.king, .white))
        #expect(Position.start.occupied.count == 32)
    }

    @Test func startposNamesTheStartPositionAndAnythingElseIsAStrictFEN() throws {
        #expect(try Position(fenOrStartpos: "startpos") == .start)
        let fen = "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1"
        #expect(try Position(fenOrStartpos: fen).fen == fen)
        // Not repaired: a fullmove of 0 is refused here as by init(fen:).
        #expect(throws: FENError.self) { try Position(fenOrStartpos: "8/8/8/8/8/8/8/K1k5 w - - 0 0") }
        #expect(throws: FENError.self) { try Position(fenOrStartpos: "start") }
    }

    @Test func enPassantSquareWrittenOnlyWhenACaptureIsLegal() throws {
        let withoutCapturer = try Position(fen: "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq e3 0 1")
        #expect(withoutCapturer.fen == "rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq - 0 1")
        let withCapturer = try Position(fen: "rnbqkbnr/ppp1pppp/8/8/3pP3/8/PPPP1PPP/RNBQKBNR b KQkq e3 0 3")
        #expect(withCapturer.fen.contains(" e3 "))
    }

    @Test func clocksMayBeOmitted() throws {
        let position = try Position(fen: "4k3/8/8/8/8/8/8/4K3 w - -")
        #expect(position.halfmoveClock == 0 && position.fullmoveNumber == 1)
        #expect(position.epd == "4k3/8/8/8/8/8/8/4K3 w - -")
    }

    static let invalid: [(String, FENError.Field, String)] = [
        ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP w KQkq - 0 1", .placement, "expected 8 ranks"),
        ("rnbqkbnr/pppppppp/9/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", .placement, "unexpected character '9'"),
        ("rnbqkbnr/ppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", .placement, "rank 7 has 7 squares"),
        ("rnbqkbnrr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", .placement, "more than 8 squares"),
        ("rnbqkbnx/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1", .placement, "unexpected character 'x'"),
        ("rnbq1bnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQ - 0 1", .placement, "black has 0 kings"),
        ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBKKBNR w kq - 0 1", .placement, "white has 2 kings"),
        ("rnbqkbnP/pppppppp/8/8/8/8/PPPPPPP1/RNBQKBNR w KQq - 0 1", .placement, "pawn on h8"),
        ("4k3/8/8/8/8/8/4R3/4K3 w - - 0 1", .placement, "side not to move (black) is in check"),
        ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR x KQkq - 0 1", .sideToMove, "expected 'w' or 'b'"),
        ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkX - 0 1", .castling, "unexpected character 'X'"),
        ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBN1 w KQkq - 0 1", .castling, "'K' needs the white king on e1 and a white rook on h1"),
        ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KKkq - 0 1", .castling, "'K' appears twice"),
        ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq e9 0 1", .enPassant, "'e9' is not a square"),
        ("rnbqkbnr/pppppppp/8/8/4P3/8/PPPP1PPP/RNBQKBNR b KQkq e4 0 1", .enPassant, "e4 is not on rank 3"),
        ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR b KQkq e3 0 1", .enPassant, "needs a white pawn on e4"),
        ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - -1 1", .halfmoveClock, "integer from 0 to 150, found '-1'"),
        ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 151 1", .halfmoveClock, "integer from 0 to 150, found '151'"),
        ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 0", .fullmoveNumber, "positive integer, found '0'"),
        ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 zero", .fullmoveNumber, "positive integer"),
        ("rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w", .fieldCount, "found 2"),
        ("", .fieldCount, "found 0"),
    ]

    @Test(arguments: invalid)
    func invalidFENNamesTheField(_ fen: String, field: FENError.Field, reason: String) {
        #expect {
            try Position(fen: fen)
        } throws: { error in
            guard let error = error as? FENError else { return false }
            return error.field == field && error.reason.contains(reason) && error.description.hasPrefix("invalid FEN \"\(fen)\"")
        }
    }

    @Test func aHugeFENIsRefusedByItsLengthNotRead() {
        let fen = String(repeating: "8/", count: 5_000)
        #expect {
            try Position(fen: fen)
        } throws: { error in
            guard let error = error as? FENError else { return false }
            // The message shows the start of the text, not all 10,000 bytes of it.
            return error.field == .fieldCount && error.reason.contains("10000 bytes long") && error.description.count < 200
        }
    }

    @Test func repairingReadsWhatHasOneSensibleReadingAndSaysWhat() throws {
        var repairs = [FENRepair]()
        let position = try Position(repairing: "8/8/8/8/8/8/8/K1k5 w KQ e6 -4 0", repairs: &repairs)
        #expect(position.fen == "8/8/8/8/8/8/8/K1k5 w - - 0 1")
        #expect(repairs.map(\.description) == [
            "castling rights 'K' dropped (it needs the white king on e1 and a white rook on h1)",
            "castling rights 'Q' dropped (it needs the white king on e1 and a white rook on a1)",
            "en passant square 'e6' dropped (e6 needs a black pawn on e5 and empty e6 and e7)",
            "halfmove clock '-4' read as 0",
            "fullmove number '0' read as 1",
        ])
        var more = [FENRepair]()
        #expect(try Position(repairing: "4k2r/8/8/8/8/8/8/4K3 b Kk - 300 12", repairs: &more).fen == "4k2r/8/8/8/8/8/8/4K3 b k - 150 12")
        #expect(more.map(\.field) == [.castling, .halfmoveClock])
    }

    @Test func repairingLeavesASoundFENAloneAndStillRefusesTheRest() throws {
        var repairs = [FENRepair]()
        for fixture in FixturePosition.all.prefix(50) {
            #expect(try Position(repairing: fixture.fen, repairs: &repairs) == Position(fen: fixture.fen))
        }
        #expect(repairs.isEmpty)
        // Faults with no single reading are not guessed at.
        for fen in ["4k3/8/8/8/8/8/4R3/4K3 w - - 0 1", "4k3/8/8/8/8/8/8/8 w - - 0 1", "4k3/8/8/8/8/8/8/4K3 w KX - 0 1", "4k3/8/8/8/8/8/8/4K3 w - e9 0 1"] {
            #expect(throws: FENError.self) { try Position(repairing: fen, repairs: &repairs) }
        }
    }
}
