import ArgumentParser
import Chess
import ChessModel
import Foundation

struct PlayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Play the network against a baseline or Stockfish and report the score and the Elo difference.",
        discussion: "By default the network searches one ply (mates in one, avoids drawing moves, picks among the policy's five likeliest moves by the value head); --policy-only plays the policy's most likely move.")

    enum Opponent: String, ExpressibleByArgument, CaseIterable {
        case random, greedy, stockfish
    }

    @OptionGroup var network: ModelOptions

    @OptionGroup var snapshot: CheckpointOptions

    @Option(help: "The opponent: random, greedy or stockfish (one thread, --nodes per move).")
    var vs: Opponent = .random

    @OptionGroup var stockfish: EngineOptions

    @Option(help: "Games, colours alternating.")
    var games = 100

    @OptionGroup var seeding: SeedOptions

    @Flag(help: "Play the policy's most likely move, without the one-ply search.")
    var policyOnly = false

    func run() throws {
        let directory = ModelDirectory(path: network.model)
        guard let step = snapshot.checkpoint ?? directory.savedSteps().last else {
            throw ValidationError("\(network.model) holds no checkpoint")
        }
        let network = try directory.load(step: step)
        let player: Player = policyOnly ? .network(network) : .search(network)
        let opponent: Player
        switch vs {
        case .random: opponent = .random
        case .greedy: opponent = .greedy
        case .stockfish:
            let engine = try UCIEngine(path: stockfish.path())
            try engine.setOption("Threads", "1")
            opponent = .engine(engine, nodes: stockfish.nodes)
        }
        let match = try Match(player, against: opponent, games: games, seed: seeding.seed)
        let elo = match.eloDifference
        func format(_ value: Double) -> String { value.isInfinite ? (value > 0 ? "+∞" : "−∞") : String(format: "%+.0f", value + 0) }  // + 0 turns −0 into 0
        print(String(format: "%@ (step %d) vs %@: %d wins, %d draws, %d losses: score %.1f%%, Elo difference %@ (95%% interval %@ to %@)",
                     player.name, step, opponent.name, match.wins, match.draws, match.losses, 100 * match.score,
                     format(elo.estimate), format(elo.low), format(elo.high)))
    }
}
