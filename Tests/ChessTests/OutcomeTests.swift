import Chess
import Testing

struct OutcomeTests {
    @Test func statusFlagsMatchPythonChess() throws {
        for fixture in FixturePosition.all {
            let position = try Position(fen: fixture.fen)
            #expect(position.isCheck == fixture.check)
            #expect(position.isCheckmate == fixture.checkmate)
            #expect(position.isStalemate == fixture.stalemate)
            #expect(position.isInsufficientMaterial == fixture.insufficientMaterial)
        }
    }

    @Test func checkmateAndStalemate() throws {
        let mate = try Position(fen: "rnb1kbnr/pppp1ppp/8/4p3/6Pq/5P2/PPPPP2P/RNBQKBNR w KQkq - 1 3")
        #expect(mate.outcome() == Outcome(termination: .checkmate, winner: .black))
        #expect(mate.outcome()?.result == "0-1")
        let stalemate = try Position(fen: "7k/5Q2/6K1/8/8/8/8/8 b - - 0 1")
        #expect(stalemate.outcome() == Outcome(termination: .stalemate, winner: nil))
    }

    @Test(arguments: [
        ("8/8/4k3/8/8/3K4/8/8 w - - 0 1", true),        // bare kings
        ("8/8/4k3/8/8/3KN3/8/8 w - - 0 1", true),       // lone knight
        ("8/8/4k3/8/8/3KB3/8/8 w - - 0 1", true),       // lone bishop
        ("8/8/4kb2/8/8/3KB3/8/8 w - - 0 1", true),      // bishops on the same colour
        ("8/8/4k1b1/8/8/3KB3/8/8 w - - 0 1", false),    // opposite-coloured bishops can be mated into a corner
        ("8/8/4kn2/8/8/3KN3/8/8 w - - 0 1", false),     // knight against knight allows a helpmate
        ("8/8/4k3/8/8/3KNN2/8/8 w - - 0 1", false),     // two knights
        ("8/8/4k3/8/8/3KP3/8/8 w - - 0 1", false),      // a pawn can promote
        ("8/8/4k3/8/8/R2K4/8/8 w - - 0 1", false),
    ])
    func insufficientMaterial(_ fen: String, insufficient: Bool) throws {
        let position = try Position(fen: fen)
        #expect(position.isInsufficientMaterial == insufficient)
        #expect((position.outcome()?.termination == .insufficientMaterial) == insufficient)
    }

    @Test func fiftyAndSeventyFiveMoveRules() throws {
        let claimable = try Position(fen: "4k3/8/8/8/8/8/8/R3K3 w - - 100 80")
        #expect(claimable.outcome() == nil)
        #expect(claimable.outcome(claimDraw: true)?.termination == .fiftyMoves)
        let automatic = try Position(fen: "4k3/8/8/8/8/8/8/R3K3 w - - 150 100")
        #expect(automatic.outcome()?.termination == .seventyFiveMoves)
        // Checkmate on the move that reaches the limit still counts as checkmate.
        let mate = try Position(fen: "R3k3/8/4K3/8/8/8/8/8 b - - 150 100")
        #expect(mate.outcome()?.termination == .checkmate)
    }

    @Test func threefoldAndFivefoldRepetition() throws {
        var board = Board()
        let shuffle = ["Nf3", "Nf6", "Ng1", "Ng8"]
        for san in shuffle + shuffle {
            board.push(try board.position.move(san: san))
        }
        #expect(board.repetitionCount == 3)
        #expect(board.outcome() == nil)
        #expect(board.outcome(claimDraw: true)?.termination == .threefoldRepetition)
        for san in shuffle + shuffle {
            board.push(try board.position.move(san: san))
        }
        #expect(board.repetitionCount == 5)
        #expect(board.outcome()?.termination == .fivefoldRepetition)
        #expect(board.pop()?.uci == "f6g8")
        // Back to the position after 1. Nf3 Nf6 2. Ng1, seen for the fourth time.
        #expect(board.repetitionCount == 4)
    }

    @Test func lostCastlingRightsMakeADifferentPosition() throws {
        // Ke1-e2-e1 returns to the same placement but without castling rights: no repetition.
        var board = Board(try Position(fen: "r3k3/8/8/8/8/8/8/4K2R w Kq - 0 1"))
        for san in ["Ke2", "Ra7", "Ke1", "Ra8"] { board.push(try board.position.move(san: san)) }
        #expect(board.repetitionCount == 1)
    }
}
