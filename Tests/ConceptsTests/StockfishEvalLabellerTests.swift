import Chess
import Concepts
import Testing

struct StockfishEvalLabellerTests {
    static let stockfishInstalled = UCIEngine.findStockfish() != nil

    @Test(.enabled(if: stockfishInstalled, "needs Debian's stockfish 15.1 (apt-get install stockfish)"))
    func termsFromTheSideToMovesView() throws {
        let labeller = try StockfishEvalLabeller(path: nil)
        let positions = [
            Position.start,
            try Position(fen: "4k3/pppp4/8/8/8/8/PPPP4/Q3K3 w - - 0 1"),
            try Position(fen: "4k3/pppp4/8/8/8/8/PPPP4/Q3K3 b - - 0 1"),
            try Position(fen: "rnb1kbnr/pppp1ppp/8/4p3/6Pq/5P2/PPPPP2P/RNBQKBNR w KQkq - 1 3"),
        ]
        let rows = try labeller.labels(for: positions)
        let material = StockfishEvalLabeller.columns.firstIndex(of: "sf_material_mg")!
        #expect(rows.count == 4 && rows.allSatisfy { $0.count == 24 })
        #expect(rows[0].allSatisfy { $0 == 0 })
        #expect(rows[1][material] > 5)
        #expect(rows[2][material] == -rows[1][material])
        // In check Stockfish prints no table.
        #expect(rows[3].allSatisfy { $0.isNaN })
    }

    @Test func missingEngineIsAClearError() {
        #expect {
            _ = try StockfishEvalLabeller(path: "/no/stockfish/here")
        } throws: { error in
            "\(error)".contains("install Debian's 'stockfish' package")
        }
    }
}
