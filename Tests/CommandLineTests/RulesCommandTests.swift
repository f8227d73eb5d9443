import Foundation
import Testing

struct RulesCommandTests {
    @Test func perftEndsWithStockfishsLine() throws {
        let result = try CommandRunner.run(["perft", "startpos", "3", "--divide"])
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.last == "Nodes searched: 8902")
        #expect(lines.first == "a2a3: 380")
        #expect(lines.count == 21)
    }

    @Test func movesJSONHasTheStableFields() throws {
        let fen = "rnbqkbnr/ppp1p1pp/8/3pPp2/8/8/PPPP1PPP/RNBQKBNR w KQkq f6 0 3"
        let result = try CommandRunner.run(["moves", fen, "--json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(object["fen"] as? String == fen)
        let legal = try #require(object["legal"] as? [[String: String]])
        #expect(legal.count == 31)
        #expect(legal.map { $0["uci"]! } == legal.map { $0["uci"]! }.sorted())
        #expect(legal.contains { $0 == ["uci": "e5f6", "san": "exf6"] })
        #expect(object["check"] as? Bool == false)
        #expect(object["checkmate"] as? Bool == false)
        #expect(object["stalemate"] as? Bool == false)
        #expect(object["insufficientMaterial"] as? Bool == false)
        #expect(object["zobrist"] as? String == "22a48b5a8e47ff78")
    }

    @Test func malformedFENExitsWithStatusTwoAndOneLine() throws {
        let result = try CommandRunner.run(["moves", "rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP w KQkq - 0 1"])
        #expect(result.status == 2)
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError == "error: invalid FEN \"rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP w KQkq - 0 1\": piece placement: expected 8 ranks separated by '/', found 7\n")
    }

    @Test func badDepthIsAValidationError() throws {
        let result = try CommandRunner.run(["perft", "startpos", "16"])
        #expect(result.status == 64)
        #expect(result.standardError.contains("depth must be between 0 and 15"))
    }
}
