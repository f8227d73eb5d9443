import Chess
import Foundation
import Testing

struct PGNReaderTests {
    static let quirks: [Result<PGNGame, PGNError>] = {
        let url = Bundle.module.url(forResource: "quirks", withExtension: "pgn", subdirectory: "Fixtures")!
        return Array(PGNReader(file: "quirks.pgn", text: try! String(contentsOf: url, encoding: .utf8)))
    }()

    static func game(_ number: Int) throws -> PGNGame {
        try quirks[number - 1].get()
    }

    static func sanLine(_ game: PGNGame, from index: Int = 0) -> [String] {
        var sans = [String](), node = index
        while let next = game.nodes[node].variations.first {
            sans.append(game.nodes[node].position.san(game.nodes[next].move))
            node = next
        }
        return sans
    }

    @Test func everyGameIsReportedInOrder() {
        #expect(Self.quirks.count == 13)
        let failed = Self.quirks.enumerated().compactMap { index, result in
            if case .failure = result { return index + 1 } else { return nil }
        }
        #expect(failed == [9, 11, 12])
    }

    @Test func tagsInAnyOrderWithEscapesAndOddNames() throws {
        let game = try Self.game(1)
        #expect(game[tag: "White"] == "Doe, \"Johnny\" J.")
        #expect(game[tag: "Site"] == "C:\\games")
        #expect(game[tag: "Odd_Name-1"] == "x")
        #expect(game.tags.map(\.name) == ["Event", "White", "Site", "Result", "Date", "Odd_Name-1", "WhiteElo"])
        #expect(Self.sanLine(game) == ["e4", "e5", "Nf3", "Nc6", "Bb5", "a6", "Ba4", "Nf6", "O-O", "Be7"])
        #expect(game.result == "1-0")
    }

    @Test func commentsBeforeTheFirstMoveAndSeveralPerMove() throws {
        let game = try Self.game(1)
        #expect(game.nodes[0].comment == "A comment before the first move.")
        let afterNf3 = game.mainline[3]
        #expect(game.nodes[afterNf3].comment == "Two comments")
    }

    @Test func multiLineAndRestOfLineCommentsEscapeLinesAndNAGs() throws {
        let game = try Self.game(2)
        let line = game.mainline
        #expect(Self.sanLine(game) == ["d4", "d5", "c4", "e6", "Nc3", "Nf6", "Bg5"])
        #expect(game.nodes[line[1]].nags == [1])
        #expect(game.nodes[line[2]].nags == [5])           // !?
        #expect(game.nodes[line[3]].comment == "A comment that spans three lines")
        #expect(game.nodes[line[4]].comment == "rest-of-line comment")
        #expect(game.nodes[line[5]].nags == [6])           // ?!
        #expect(game.nodes[line[6]].nags == [3])           // !!
        #expect(game.nodes[line[7]].nags == [14])
    }

    @Test func nestedVariationsAreKept() throws {
        let game = try Self.game(3)
        #expect(Self.sanLine(game) == ["e4", "c5", "Nf3"])
        let root = game.nodes[0]
        #expect(root.variations.count == 3)
        #expect(Self.sanLine(game, from: 0).first == "e4")
        let d4 = root.variations[1]
        #expect(game.nodes[0].position.san(game.nodes[d4].move) == "d4")
        #expect(Self.sanLine(game, from: d4) == ["d5", "c4"])
        // (1... Nf6 2. c4 (2. Nf3)) branches from the position after 1. d4.
        #expect(game.nodes[d4].variations.count == 2)
        let nf6 = game.nodes[d4].variations[1]
        #expect(game.nodes[nf6].variations.count == 2)
        let english = root.variations[2]
        #expect(game.nodes[english].comment == "English")
        let afterE4 = game.mainline[1]
        let e5 = game.nodes[afterE4].variations[1]
        #expect(game.nodes[e5].startingComment == "Open game")
        #expect(Self.sanLine(game, from: e5) == ["Nf3"])
    }

    @Test func moveNumbersGluedOrSpaced() throws {
        #expect(Self.sanLine(try Self.game(4)) == ["e4", "e5", "Nf3", "Nc6", "Bc4", "Bc5", "c3"])
    }

    @Test func fenWithoutSetUpPromotionWithoutEqualsLANAndUCI() throws {
        let game = try Self.game(5)
        #expect(game.startPosition.fen == "8/P6k/8/8/8/8/6K1/8 w - - 0 50")
        #expect(Self.sanLine(game) == ["a8=Q", "Kg6", "Qb7", "Kg5", "Kh3"])
    }

    @Test func nullMoves() throws {
        let game = try Self.game(6)
        #expect(game.mainlineMoves.map(\.uci) == ["e2e4", "0000", "d2d4", "0000", "c2c4"])
    }

    @Test func emptyGameAndGameWithoutTags() throws {
        #expect(try Self.game(7).mainlineMoves.isEmpty)
        let tagless = try Self.game(8)
        #expect(tagless.tags.isEmpty)
        #expect(tagless.result == "1-0")
        #expect(tagless.nodes[tagless.mainline.last!].position.isCheckmate)
    }

    @Test func brokenGamesNameFileGameLineAndReason() {
        let errors = Self.quirks.compactMap { if case .failure(let error) = $0 { error } else { nil } }
        #expect(errors.map(\.game) == [9, 11, 12])
        #expect(errors[0].description
                == "quirks.pgn: game 9, line 47: illegal move 'Ke3' in rnbqkbnr/pppp1ppp/8/4p3/4P3/8/PPPP1PPP/RNBQKBNR w KQkq - 0 2")
        #expect(errors[1].line == 55 && errors[1].reason.contains("unbalanced '('"))
        #expect(errors[2].reason.hasPrefix("bad FEN tag: piece placement"))
    }

    @Test func anIllegalVariationDoesNotTakeDownTheMainline() throws {
        let game = try Self.game(10)
        #expect(Self.sanLine(game) == ["e4", "e5", "Nf3"])
        #expect(game.issues.count == 1)
        #expect(game.issues[0].reason.contains("illegal move 'Ke6'"))
        #expect(try Self.game(13).result == "0-1")
    }

    @Test func crlfLineEndsAndByteOrderMarkReadTheSame() throws {
        let url = Bundle.module.url(forResource: "quirks", withExtension: "pgn", subdirectory: "Fixtures")!
        let text = try String(contentsOf: url, encoding: .utf8)
        let crlf = Array(PGNReader(text: "\u{FEFF}" + text.replacingOccurrences(of: "\n", with: "\r\n")))
        #expect(crlf.count == Self.quirks.count)
        for (a, b) in zip(crlf, Self.quirks) {
            if case .success(let x) = a, case .success(let y) = b {
                #expect(x.pgn == y.pgn)
            }
        }
    }

    @Test func unterminatedCommentEndsItsGameAtTheNextTagSection() throws {
        let text = "[Event \"a\"]\n\n1. e4 {never closed\n1... e5\n\n[Event \"b\"]\n\n1. d4 *\n"
        let games = Array(PGNReader(text: text))
        #expect(games.count == 2)
        guard case .failure(let error) = games[0] else { Issue.record("expected a failure"); return }
        #expect(error.line == 3 && error.reason == "unterminated '{' comment")
        #expect(try games[1].get()[tag: "Event"] == "b")
    }

    @Test func readsGamesFromAStreamInConstantMemory() throws {
        // 40,000 games produced on the fly; none of them is ever held as a whole file.
        let game = Array("[Event \"stream\"]\n\n1. e4 e5 2. Nf3 Nc6 3. Bb5 a6 {Morphy} 4. Ba4 Nf6 1/2-1/2\n\n".utf8)
        var remaining = 40_000 * game.count
        var offset = 0
        var reader = PGNReader { destination in
            let count = min(destination.count, remaining)
            for index in 0..<count { destination[index] = game[(offset + index) % game.count] }
            offset = (offset + count) % game.count
            remaining -= count
            return count
        }
        var games = 0
        while let raw = reader.nextRawGame() {
            games += 1
            if games % 10_000 == 0 { #expect(try raw.build().get().mainlineMoves.count == 8) }
        }
        #expect(games == 40_000)
    }

    /// A stream of `prefix`, then `filler` repeated to `bytes`, then `suffix`, made on the fly.
    private static func reader(prefix: String, filler: String, bytes: Int, suffix: String) -> PGNReader {
        let parts = [Array(prefix.utf8), Array(filler.utf8), Array(suffix.utf8)]
        var part = 0, offset = 0, fillerLeft = bytes
        return PGNReader(file: "huge.pgn") { destination in
            var written = 0
            while written < destination.count, part < 3 {
                let source = parts[part]
                let available = part == 1 ? min(fillerLeft, source.count - offset % source.count) : source.count - offset
                if available == 0 { part += 1; offset = 0; continue }
                let count = min(available, destination.count - written)
                for index in 0..<count { destination[written + index] = source[(offset + index) % source.count] }
                written += count
                offset += count
                if part == 1 { fillerLeft -= count }
            }
            return written
        }
    }

    @Test func aGamePastTheMoveLimitIsSkippedAndTheNextOneRead() throws {
        // A knight dance of 24,000 moves: more than any legal game, so it is refused, not replayed.
        var reader = Self.reader(prefix: "[Event \"runaway\"]\n\n", filler: "Nf3 Nf6 Ng1 Ng8\n", bytes: 6_000 * 16,
                                 suffix: "*\n\n[Event \"next\"]\n\n1. e4 *\n")
        let games = Array(AnyIterator { reader.next() })
        #expect(games.count == 2)
        guard case .failure(let error) = games[0] else { Issue.record("expected a failure"); return }
        #expect(error.kind == .tooLong && error.game == 1 && error.reason.contains("more than 20000 moves"))
        #expect(try games[1].get()[tag: "Event"] == "next")
    }

    @Test func aLinePastTheLengthLimitIsSkippedWithoutBeingHeld() throws {
        // 5 MiB of comment on one line: the reader drops it as it streams by and names the line.
        var reader = Self.reader(prefix: "[Event \"long line\"]\n\n1. e4 {", filler: "lorem ipsum ", bytes: 5 << 20,
                                 suffix: "} e5 *\n\n[Event \"next\"]\n\n1. d4 *\n")
        let games = Array(AnyIterator { reader.next() })
        #expect(games.count == 2)
        guard case .failure(let error) = games[0] else { Issue.record("expected a failure"); return }
        #expect(error.kind == .tooLong && error.line == 3 && error.description.hasPrefix("huge.pgn: game 1, line 3: line 3 is longer than 4 MiB"))
        #expect(try games[1].get().mainlineMoves.count == 1)
    }

    @Test func aCommentBeforeTheFirstTagsIsAGameAsPythonChessReadsIt() throws {
        let games = Array(PGNReader(text: "{A file header, as pgn-extract's eco.pgn has}\n\n[Event \"a\"]\n\n1. e4 *\n"))
        #expect(games.count == 2)
        let header = try games[0].get()
        #expect(header.mainline.count == 1 && header.nodes[0].comment.hasPrefix("A file header"))
        #expect(try games[1].get().number == 2)
    }
}
