import Chess
import Foundation
import Testing

/// The python-chess-style `Board` API, checked against python-chess's answers for the same moves.
struct BoardTests {
    @Test func pushingSANAndUCIPlaysTheGameAndPopTakesItBack() throws {
        var board = Board()
        #expect(try board.push(san: "e4") == (try Position.start.move(uci: "e2e4")))
        try board.push(uci: "e7e5")
        try board.push(san: "Nf3")
        // python-chess: chess.Board() after e4 e5 Nf3 has this FEN and 29 legal moves.
        #expect(board.fen == "rnbqkbnr/pppp1ppp/8/4p3/4P3/5N2/PPPP1PPP/RNBQKB1R b KQkq - 1 2")
        #expect(board.legalMoves.count == 29)
        #expect(board.legalMoves.map(board.san).contains("Nc6"))
        #expect(board.pop() == (try Position(fen: "rnbqkbnr/pppp1ppp/8/4p3/4P3/8/PPPP1PPP/RNBQKBNR w KQkq - 0 2").move(san: "Nf3")))
        #expect(board.moves.count == 2)
        #expect(board.fen == "rnbqkbnr/pppp1ppp/8/4p3/4P3/8/PPPP1PPP/RNBQKBNR w KQkq - 0 2")
    }

    @Test func anIllegalOrMalformedMoveIsAnErrorAndChangesNothing() throws {
        var board = Board()
        #expect(throws: MoveNotationError.self) { try board.push(san: "e5") }
        #expect(throws: MoveNotationError.self) { try board.push(uci: "e2e5") }
        #expect(throws: MoveNotationError.self) { try board.push(uci: "zz") }
        #expect(board.moves.isEmpty && board.position == .start)
    }

    @Test func equalPositionsHashEqualAndDuplicatesCollapse() throws {
        // The same position, clocks included, by two move orders.
        var first = Board(), second = Board()
        for move in ["Nf3", "Nc6", "Nc3"] { try first.push(san: move) }
        for move in ["Nc3", "Nc6", "Nf3"] { try second.push(san: move) }
        #expect(first.position == second.position)
        #expect(first.position.hashValue == second.position.hashValue)
        #expect(Set([first.position, second.position, Position.start]).count == 2)
    }

    @Test func aPGNFileIsReadByPathAndAMissingFileIsAnErrorNamingIt() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("board-\(getpid()).pgn").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("[White \"A\"]\n\n1. e4 e5 2. Nf3 1-0\n\n[White \"B\"]\n\n1. d4 Zz9 0-1\n".utf8).write(to: URL(fileURLWithPath: path))
        let results = Array(try PGNReader(path: path))
        #expect(results.count == 2)
        guard case .success(let game) = results[0], case .failure(let error) = results[1] else {
            Issue.record("expected one game and one error, got \(results)")
            return
        }
        #expect(game[tag: "White"] == "A" && game.mainline.count == 4)
        #expect(error.file == path && error.game == 2)
        #expect { _ = try PGNReader(path: "/no/such.pgn") } throws: { "\($0)" == "/no/such.pgn: cannot open the file" }
    }
}
