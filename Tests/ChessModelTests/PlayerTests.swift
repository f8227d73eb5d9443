import Chess
import ChessModel
import DataFiles
import Testing

struct PlayerTests {
    @Test func greedyTakesTheMostMaterial() throws {
        // The d4 knight can take a pawn on e6 or the queen on c6; greedy takes the queen.
        let position = try Position(fen: "4k3/8/2q1p3/8/3N4/8/8/4K3 w - - 0 1")
        var random = SplitMix64(seed: 1)
        #expect(Player.greedy.move(in: position, random: &random).uci == "d4c6")
        #expect(Player.materialGain(try position.move(uci: "d4e6"), in: position) == 1)
        let promotion = try Position(fen: "4k3/P7/8/8/8/8/8/4K3 w - - 0 1")
        #expect(Player.greedy.move(in: promotion, random: &random).uci == "a7a8q")
    }

    @Test func matchesAreReproducibleAndScored() {
        let match = Match(.greedy, against: .random, games: 6, seed: 3, maximumPlies: 200)
        let again = Match(.greedy, against: .random, games: 6, seed: 3, maximumPlies: 200)
        #expect(match.wins + match.draws + match.losses == 6)
        #expect((match.wins, match.draws, match.losses) == (again.wins, again.draws, again.losses))
        // Games stopped before any move are draws: half a point each.
        #expect(Match(.random, against: .greedy, games: 4, seed: 1, maximumPlies: 0).score == 0.5)
    }

    @Test func theNetworkPlaysOnlyLegalMoves() {
        let network = PolicyValueNetwork(.init(blocks: 1, channels: 4), seed: 2)
        var random = SplitMix64(seed: 1)
        var position = Position.start
        for _ in 0..<10 {
            let move = Player.network(network).move(in: position, random: &random)
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
        #expect(Player.search(network).move(in: position, random: &random).uci == "a1a8")
        #expect(Player.search(network).name == "network+search")
    }
}
