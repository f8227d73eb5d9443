import Chess
import Testing

struct NotationTests {
    @Test func sanMatchesPythonChessAndReadsBack() throws {
        for fixture in FixturePosition.all {
            let position = try Position(fen: fixture.fen)
            for pair in fixture.legal {
                let move = try position.move(uci: pair[0])
                #expect(position.san(move) == pair[1], "\(fixture.fen) \(pair[0])")
                #expect(try position.move(san: pair[1]) == move)
                #expect(try position.move(san: position.lan(move)) == move)
            }
        }
    }

    @Test func sanDisambiguatesByFileRankOrBoth() throws {
        let position = try Position(fen: "1k6/8/8/8/Q6Q/8/8/Q3K1N1 w - - 0 1")
        #expect(position.san(try position.move(uci: "a1d4")) == "Q1d4")
        #expect(position.san(try position.move(uci: "h4d4")) == "Qhd4")
        #expect(position.san(try position.move(uci: "a4d4")) == "Qa4d4")
        #expect(position.san(try position.move(uci: "g1f3")) == "Nf3")
    }

    @Test func checkAndMateSuffixes() throws {
        let position = try Position(fen: "6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1")
        #expect(position.san(try position.move(uci: "a1a8")) == "Ra8#")
        #expect(position.san(try position.move(uci: "a1a7")) == "Ra7")
        let check = try Position(fen: "6k1/8/8/8/8/8/8/R5K1 w - - 0 1")
        #expect(check.san(try check.move(uci: "a1a8")) == "Ra8+")
    }

    @Test(arguments: [
        ("e8=Q", "e7e8q"), ("e8Q", "e7e8q"), ("e8q", "e7e8q"), ("e7e8=N+", "e7e8n"), ("exd8=R", "e7d8r"),
        ("Kf2", "e1f2"), ("O-O", "e1g1"), ("0-0", "e1g1"), ("O-O-O", "e1c1"), ("0-0-0!?", "e1c1"),
        ("Ra1-b1", "a1b1"), ("Rh1xh7", "h1h7"), ("e7-e8=B", "e7e8b"),
    ])
    func tolerantSANForms(_ text: String, uci: String) throws {
        let position = try Position(fen: "r2n2k1/4P2r/8/8/8/8/8/R3K2R w KQ - 0 1")
        #expect(try position.move(san: text).uci == uci)
    }

    @Test func uciReadsCastlingWrittenAsKingTakesRook() throws {
        let position = try Position(fen: "r3k2r/8/8/8/8/8/8/R3K2R w KQkq - 0 1")
        #expect(try position.move(uci: "e1h1").isCastling)
        #expect(try position.move(uci: "e1a1").uci == "e1c1")
        #expect(try position.move(uci: "0000") == .null)
    }

    @Test func nullMovePassesTheTurn() throws {
        let position = Position.start.playing(try Position.start.move(san: "--"))
        #expect(position.fen == "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR b KQkq - 1 1")
        #expect(Position.start.san(.null) == "--")
    }

    @Test func errorsSayWhatIsWrong() throws {
        let position = try Position(fen: "1k6/8/8/8/Q6Q/8/8/Q3K1N1 w - - 0 1")
        #expect(throws: MoveNotationError(notation: "Qd4", fen: position.fen, reason: .ambiguous(["a1d4", "a4d4", "h4d4"]))) {
            try position.move(san: "Qd4")
        }
        #expect(throws: MoveNotationError(notation: "Nf5", fen: position.fen, reason: .illegal)) { try position.move(san: "Nf5") }
        #expect(throws: MoveNotationError(notation: "hello", fen: position.fen, reason: .malformed)) { try position.move(san: "hello") }
        #expect(throws: MoveNotationError(notation: "a1a9", fen: position.fen, reason: .malformed)) { try position.move(uci: "a1a9") }
        #expect(throws: MoveNotationError(notation: "e2e4", fen: position.fen, reason: .illegal)) { try position.move(uci: "e2e4") }
        let error = MoveNotationError(notation: "Qd4", fen: position.fen, reason: .ambiguous(["a1d4", "h4d4"]))
        #expect(error.description == "ambiguous move 'Qd4' in \(position.fen): could be a1d4, h4d4")
    }
}
