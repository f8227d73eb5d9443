import ArgumentParser
import ChessModel
import Foundation

struct PlayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Play the network against a baseline and report the score.",
        discussion: "By default the network searches one ply (mates in one, avoids drawing moves, picks among the policy's five likeliest moves by the value head); --policy-only plays the policy's most likely move.")

    enum Opponent: String, ExpressibleByArgument, CaseIterable {
        case random, greedy
    }

    @OptionGroup var network: ModelOptions

    @OptionGroup var snapshot: CheckpointOptions

    @Option(help: "The opponent: random or greedy.")
    var vs: Opponent = .random

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
        let match = Match(player, against: vs == .random ? .random : .greedy, games: games, seed: seeding.seed)
        print(String(format: "%@ (step %d) vs %@: %d wins, %d draws, %d losses: score %.1f%%",
                     player.name, step, vs.rawValue, match.wins, match.draws, match.losses, 100 * match.score))
    }
}
