import Chess
import ChessModel
import DataFiles
import Testing

struct PlayerTests {
    @Test func greedyTakesTheMostMaterial() throws {
        // The d4 knight can take a pawn on e6 or the queen on c6; greedy takes the queen.
        let position = try Position(fen: "4k3/8/2q1p3/8/3N4/8/8/4K3 w - - 0 1")
        var random = SplitMix64(seed: 1)
        #expect(try Player.greedy.move(in: position, random: &random).uci == "d4c6")
        #expect(Player.materialGain(try position.move(uci: "d4e6"), in: position) == 1)
        let promotion = try Position(fen: "4k3/P7/8/8/8/8/8/4K3 w - - 0 1")
        #expect(try Player.greedy.move(in: promotion, random: &random).uci == "a7a8q")
    }

    @Test func matchesAreReproducibleAndScored() throws {
        let match = try Match(.greedy, against: .random, games: 6, seed: 3, maximumPlies: 200)
        let again = try Match(.greedy, against: .random, games: 6, seed: 3, maximumPlies: 200)
        #expect(match.wins + match.draws + match.losses == 6)
        #expect((match.wins, match.draws, match.losses) == (again.wins, again.draws, again.losses))
        // Games stopped before any move are draws: half a point each.
        #expect(try Match(.random, against: .greedy, games: 4, seed: 1, maximumPlies: 0).score == 0.5)
    }

    @Test func eloDifferenceAndItsIntervalFollowTheScore() throws {
        var match = try Match(.random, against: .random, games: 0, seed: 1)
        (match.wins, match.draws, match.losses) = (60, 30, 10)
        // Score 0.75: 400·log10(3) = 190.8 Elo. Per-game deviation √((60·0.0625 + 30·0.0625 + 10·0.5625)/100) = 0.3354,
        // standard error 0.03354, so the score's interval is 0.6843…0.8157: Elo 134.4…258.4.
        let elo = match.eloDifference
        #expect(abs(elo.estimate - 190.85) < 0.01)
        #expect(abs(elo.low - 134.36) < 0.01 && abs(elo.high - 258.45) < 0.01)
        (match.wins, match.draws, match.losses) = (10, 0, 0)
        #expect(match.eloDifference.estimate == .infinity && match.eloDifference.low == .infinity)
    }

    @Test(.enabled(if: UCIEngine.findStockfish() != nil, "needs Stockfish (apt-get install stockfish)"))
    func stockfishAtAFewNodesBeatsTheRandomMoverReproducibly() throws {
        let engine = try UCIEngine(path: UCIEngine.findStockfish()!)
        try engine.setOption("Threads", "1")
        let first = try Match(.engine(engine, nodes: 50), against: .random, games: 2, seed: 1)
        let second = try Match(.engine(engine, nodes: 50), against: .random, games: 2, seed: 1)
        #expect(first.wins == 2)
        #expect((first.wins, first.draws, first.losses) == (second.wins, second.draws, second.losses))
        #expect(Player.engine(engine, nodes: 50).name == "Stockfish 15.1 at 50 nodes")
    }

    @Test func theNetworkPlaysOnlyLegalMoves() throws {
        let network = PolicyValueNetwork(.init(blocks: 1, channels: 4), seed: 2)
        var random = SplitMix64(seed: 1)
        var position = Position.start
        for _ in 0..<10 {
            let move = try Player.network(network).move(in: position, random: &random)
            #expect(position.isLegal(move))
            position.play(move)
        }
    }
}

struct SearchPlayerTests {
    @Test func searchTakesAMateInOneWhateverThePolicySays() throws {
        let network = PolicyValueNetwork(.init(blocks: 1, channels: 4), seed: 2)
        var random = SplitMix64(seed: 1)
        let position = try Position(fen: "6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1")
        #expect(try Player.search(network).move(in: position, random: &random).uci == "a1a8")
        #expect(Player.search(network).name == "network+search")
    }
}
