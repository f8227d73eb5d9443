import Chess
import Foundation
import Testing

/// Games whose FEN tag has a fault real files hold, against what python-chess makes of
/// them (Fixtures/fen-quirks.*, written by scripts/make-fen-quirk-fixtures.py).
struct FENQuirkTests {
    struct Expected: Decodable {
        let game: Int
        let event: String
        let python_chess_reads: Bool
        let positions: Int
        let python_chess_positions: Int?
        let last_board: String?
        let repairs: [String]
    }

    static let text: String = {
        let url = Bundle.module.url(forResource: "fen-quirks", withExtension: "pgn", subdirectory: "Fixtures")!
        return try! String(contentsOf: url, encoding: .utf8)
    }()

    static let expected: [Expected] = {
        let url = Bundle.module.url(forResource: "fen-quirks", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode([Expected].self, from: Data(contentsOf: url))
    }()

    @Test func theTolerantReaderKeepsEveryGameAndAgreesWithPythonChess() throws {
        let games = Array(PGNReader(file: "fen-quirks.pgn", text: Self.text))
        #expect(games.count == Self.expected.count)
        for (result, expected) in zip(games, Self.expected) {
            let game = try result.get()
            let last = game.nodes[game.mainline.last!].position
            #expect(game.mainline.count == expected.positions, "\(expected.event)")
            if expected.python_chess_reads {
                #expect(game.mainline.count == expected.python_chess_positions, "\(expected.event)")
                #expect("\(last.boardFEN) \(last.sideToMove.fenSymbol)" == expected.last_board, "\(expected.event)")
            }
            // One warning per repair, naming file, game, line and field, in FEN field order.
            #expect(game.issues.allSatisfy { $0.kind == .repairedFEN && $0.file == "fen-quirks.pgn" && $0.game == expected.game && $0.line > 0 })
            #expect(game.issues.map { issue in FENError.Field.allCases.first { issue.reason.contains("repaired: \($0.rawValue) ") }?.rawValue } == expected.repairs,
                    "\(expected.event): \(game.issues)")
        }
    }

    @Test func theStrictReaderRefusesEachRepairedGame() {
        var reader = PGNReader(file: "fen-quirks.pgn", text: Self.text)
        reader.fenReading = .strict
        for (result, expected) in zip(Array(reader), Self.expected) {
            switch result {
            case .success(let game): #expect(expected.repairs.isEmpty && game.issues.isEmpty, "\(expected.event)")
            case .failure(let error): #expect(!expected.repairs.isEmpty && error.kind == .badFENTag && error.game == expected.game, "\(expected.event)")
            }
        }
    }
}
