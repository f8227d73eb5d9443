@testable import ChessModel
import Chess
import Testing

struct EngineReferenceTests {
    static let stockfish = UCIEngine.findStockfish()

    @Test func theDrawMarginCallsTheMostResults() {
        // Scores from the side to move's view and results (0 win, 1 draw, 2 loss).
        let scores = [300, 120, 40, -10, 5, -60, -250, 45]
        let outcomes = [0, 0, 1, 1, 1, 2, 2, 0]
        // A margin of 40 to 44 calls all 8; 10 calls the 40 cp draw a win (7); 45 the 45 cp win a draw (7).
        #expect(EngineReference.bestDrawMargin(scores: scores, outcomes: outcomes) == 40)
        // Ties go to the smallest margin: 10 and 40 both call 7 when the last win is 15 cp.
        #expect(EngineReference.bestDrawMargin(scores: scores.dropLast() + [15], outcomes: outcomes) == 10)
        #expect(EngineReference.call(41, margin: 40) == 0 && EngineReference.call(-40, margin: 40) == 1 && EngineReference.call(-41, margin: 40) == 2)
        #expect(EngineReference.bestDrawMargin(scores: [], outcomes: []) == 0)
    }

    @Test(.enabled(if: stockfish != nil, "needs Stockfish (apt-get install stockfish)"))
    func searchesReportMatesAndScores() throws {
        let engine = try UCIEngine(path: Self.stockfish!)
        let mateInOne = try engine.search(fen: "6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1", nodes: 1_000)
        #expect(mateInOne == UCISearchResult(bestMove: "a1a8", score: .mate(1)))
        let mated = try engine.search(fen: "R5k1/5ppp/8/8/8/8/8/6K1 b - - 1 1", nodes: 1_000)
        #expect(mated.score == .mate(0) && mated.score!.centipawnValue == -100_000)
        let start = try engine.search(fen: Position.startFEN, nodes: 1_000)
        guard case .centipawns(let value) = start.score else { Issue.record("no centipawn score: \(start)"); return }
        #expect(abs(value) < 100)
        #expect(Position.start.isLegal(try Position.start.move(uci: start.bestMove)))
    }

    /// On held-out self-play positions, Stockfish at 200 nodes picks the played move (made
    /// by Stockfish at 50–1,600 nodes) well above chance (a quarter of the time, against
    /// chance's tenth), and two engine processes give the same answers as one.
    @Test(.enabled(if: stockfish != nil, "needs Stockfish (apt-get install stockfish)"))
    func stockfishIsScoredOnTheSameHeldOutPositions() throws {
        let heldOut = TrainingTests.corpus.validation.evenlySpaced(60)
        let calibration = TrainingTests.corpus.train.evenlySpaced(60)
        let row = try EngineReference(path: Self.stockfish!, nodes: 200, processes: 2).row(heldOut: heldOut, calibration: calibration)
        let chance = heldOut.map { 1 / Double($0.position.legalMoveCount) }.reduce(0, +) / Double(heldOut.count)
        #expect(row.player == "stockfish" && row.policyTop1 > 2 * chance, "\(row), chance \(chance)")
        #expect(row.valueAccuracy! > 0.45 && row.drawMargin! >= 0)
        let single = try EngineReference(path: Self.stockfish!, nodes: 200, processes: 1).searches(Array(heldOut.prefix(10)))
        let double = try EngineReference(path: Self.stockfish!, nodes: 200, processes: 2).searches(Array(heldOut.prefix(10)))
        #expect(single.map(\.move) == double.map(\.move) && single.map(\.centipawns) == double.map(\.centipawns))
    }
}
