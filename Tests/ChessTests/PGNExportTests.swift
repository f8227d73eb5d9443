import Chess
import Testing

struct PGNExportTests {
    @Test func importExportImportGivesTheSameGames() throws {
        for case .success(let game) in PGNReaderTests.quirks {
            let exported = game.pgn
            let again = try #require(Array(PGNReader(text: exported)).first).get()
            #expect(again.pgn == exported)
            #expect(again.nodes.count == game.nodes.count)
            for (a, b) in zip(again.nodes, game.nodes) {
                #expect(a.move == b.move && a.parent == b.parent && a.variations == b.variations)
                #expect(a.comment == b.comment && a.startingComment == b.startingComment && a.nags == b.nags)
            }
            for tag in game.tags { #expect(again[tag: tag.name] == tag.value) }
        }
    }

    @Test func sevenTagRosterComesFirstAndMovetextWrapsAt80Columns() throws {
        let game = try PGNReaderTests.game(1)
        let lines = game.pgn.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.prefix(7).map { String($0.prefix(while: { $0 != " " })) }
                == ["[Event", "[Site", "[Date", "[Round", "[White", "[Black", "[Result"])
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(game.pgn.hasSuffix("1-0\n"))
    }

    @Test func nonStandardStartWritesSetUpAndFEN() throws {
        var game = PGNGame(start: try Position(fen: "4k3/8/8/8/8/8/4P3/4K3 w - - 0 1"))
        game.add(try game.startPosition.move(san: "e4"), after: 0)
        #expect(game.pgn.contains("[SetUp \"1\"]\n[FEN \"4k3/8/8/8/8/8/4P3/4K3 w - - 0 1\"]"))
        #expect(game.pgn.hasSuffix("\n1. e4 *\n"))
    }

    @Test func blackToMoveStartsWithEllipsis() throws {
        var game = PGNGame(start: try Position(fen: "4k3/4p3/8/8/8/8/8/4K3 b - - 0 7"))
        game.add(try game.startPosition.move(san: "e5"), after: 0)
        #expect(game.pgn.hasSuffix("\n7... e5 *\n"))
    }
}
