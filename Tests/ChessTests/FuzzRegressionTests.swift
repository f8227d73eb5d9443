import Chess
import Testing

/// Inputs that scripts/fuzz found crashing a parser or breaking a round trip, kept so that they stay fixed.
struct FuzzRegressionTests {
    @Test func anEPDOpcodeThatIsNotANameIsRefused() throws {
        // fuzz-epd: a quote inside a word made an opcode with spaces, which wrote back as other operations.
        let line = "1nbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - ad \"start\";0t\" hcee  DifaultIosition\";"
        #expect { try EPDRecord(line) } throws: { "\($0)".contains("opcode '0t hcee  DifaultIosition' is not a name") }
        #expect(try EPDRecord("4k3/8/8/8/8/8/8/4K3 w - - id \"x\"; c0_1 \"y\";").operations.map(\.opcode) == ["id", "c0_1"])
    }

    @Test func aSemicolonCommentHoldingABraceExportsToPGNThatReadsBack() throws {
        // fuzz-pgn: `; …})` became `{…})}`, whose early `}` left a `)` with no variation open.
        let game = try #require(Array(PGNReader(text: "1. d4 d5 ; rest of line}) 1... c5\n2. c4 *\n")).first).get()
        #expect(game.nodes[game.mainline[2]].comment == "rest of line}) 1... c5")
        let again = try #require(Array(PGNReader(text: game.pgn)).first).get()
        #expect(again.mainlineMoves == game.mainlineMoves && again.nodes[again.mainline[2]].comment == "rest of line) 1... c5")
    }

    @Test func theNullMoveIsReadButIsNoLegalMove() throws {
        // fuzz-move-text: "0000" reads as the null move that PGN allows, not as a legal move.
        let null = try Position.start.move(uci: "0000")
        #expect(null.isNull && !Position.start.legalMoves.contains(null) && Position.start.san(null) == "--")
    }

    @Test func anEPDOperandHoldingATabIsQuotedOnExport() throws {
        // fuzz-epd: a quoted operand with a tab was written bare, and read back as two operands.
        let record = try EPDRecord("4k3/8/8/8/8/8/8/4K3 w - - c0 \"a\tb\"; xy \"c\td\";")
        #expect(try EPDRecord(record.epd) == record)
    }

    @Test func aResultTagThatIsNoResultIsExportedAsTheUnknownResult() throws {
        // fuzz-pgn: a Result tag of "?-0" was written as the last movetext token, which reads as a malformed move;
        // then, kept in the tag, it read back as "*" and exported differently the second time.
        let game = try #require(Array(PGNReader(text: "[Result \"?-0\"]\n\n1. e4 e5\n")).first).get()
        #expect(game.pgn.hasSuffix("1. e4 e5 *\n") && game.pgn.contains("[Result \"*\"]"))
        #expect(try #require(Array(PGNReader(text: game.pgn)).first).get().mainlineMoves == game.mainlineMoves)
    }

    @Test func aBraceFollowedByACombiningMarkIsStillDroppedFromAnExportedComment() throws {
        // fuzz-pgn: `}` then U+06DA is one Character, so a Character-wise replacement kept the brace,
        // which closed the comment early on reading; a quote the same way escaped nothing in a tag.
        let mark = "\u{6DA}", site = "B\"" + mark, comment = "a " + mark + "b"
        let game = try #require(Array(PGNReader(text: "[Site \"B\\\"\(mark)\"]\n\n1. d4 ; a }\(mark)b\n*\n")).first).get()
        #expect(game[tag: "Site"] == site)
        let again = try #require(Array(PGNReader(text: game.pgn)).first).get()
        #expect(again.mainlineMoves == game.mainlineMoves && again[tag: "Site"] == site)
        #expect(again.nodes[again.mainline[1]].comment == comment && again.pgn == game.pgn)
    }

    @Test func aCommentWrappedOntoALineThatLooksLikeATagStaysInItsGame() throws {
        // fuzz-pgn: a comment holding `[F 0 r "x"]` was wrapped so that a line began with it, and
        // that line read back as the next game's tags.
        // "1. e4 {" and the long word fill 78 columns, so "[F" would start the next line.
        let long = String(repeating: "w", count: 71)
        let game = try #require(Array(PGNReader(text: "1. e4 {\(long) [F 0 r \"x\"]} e5 *\n")).first).get()
        let lines = game.pgn.split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix("[F") })
        let again = Array(PGNReader(text: game.pgn))
        #expect(again.count == 1)
        #expect(try again[0].get().mainlineMoves == game.mainlineMoves && again[0].get().pgn == game.pgn)
    }

    @Test func aCommentThatEndsInABraceExportsToPGNThatExportsAgainUnchanged() throws {
        // fuzz-pgn: dropping the `}` of "it.. }" left a trailing space that the reader trims, so the
        // second export differed from the first.
        let game = try #require(Array(PGNReader(text: "1. e4 ; it.. }\n*\n")).first).get()
        let again = try #require(Array(PGNReader(text: game.pgn)).first).get()
        #expect(game.pgn.contains("{it..}") && again.pgn == game.pgn)
    }

    @Test func aCommentOfBracesAloneIsNotExported() throws {
        // fuzz-pgn: "; }}}" exported as "{}", which reads back as no comment at all, and a move
        // number forced after it would then be written differently.
        let game = try #require(Array(PGNReader(text: "1. e4 ; }}}\n1... e5 *\n")).first).get()
        #expect(game.pgn.hasSuffix("\n1. e4 e5 *\n"))
        #expect(try #require(Array(PGNReader(text: game.pgn)).first).get().pgn == game.pgn)
    }
}
