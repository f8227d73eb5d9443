import Chess
import DataFiles
import Foundation

/// Something that picks a move: the network, or one of the baselines it is measured against.
package enum Player {
    /// The network's most likely legal move.
    case network(PolicyValueNetwork)
    /// A one-ply search guided by the network: a mate in one if there is one; otherwise,
    /// of the policy's five likeliest moves that do not throw the game into a draw
    /// (stalemate, repetition, bare material), the one after which the value head gives
    /// the opponent the lowest expected score.
    case search(PolicyValueNetwork)
    /// A uniformly random legal move.
    case random
    /// The legal move that wins the most material at once (captures by value, promotions
    /// by the new piece's value), ties broken at random: a one-ply material-greedy player.
    case greedy
    /// A UCI engine (Stockfish) searching a fixed number of nodes per move.
    case engine(UCIEngine, nodes: Int)

    package var name: String {
        switch self {
        case .network: "network"
        case .search: "network+search"
        case .random: "random"
        case .greedy: "greedy"
        case .engine(let engine, let nodes): "\(engine.name) at \(nodes) nodes"
        }
    }

    /// The move this player chooses in `position` (which must have a legal move).
    package func move(in position: Position, random: inout SplitMix64) throws -> Move {
        try move(in: Board(position), random: &random)
    }

    /// The move this player chooses at the end of `board`'s game (the history lets a searching player see repetitions).
    /// Only an engine can fail: it may exit, or answer with a move that is not legal.
    package func move(in board: Board, random: inout SplitMix64) throws -> Move {
        let position = board.position
        let moves = Array(position.legalMoves)
        switch self {
        case .network(let network):
            let (policy, _) = network.forward(BoardEncoder.encode([position]), mode: .inference)
            return moves.max { policy.storage[MoveIndex.index(of: $0, in: position)] < policy.storage[MoveIndex.index(of: $1, in: position)] }!
        case .search(let network):
            if let mate = moves.first(where: { position.playing($0).isCheckmate }) { return mate }
            let (policy, _) = network.forward(BoardEncoder.encode([position]), mode: .inference)
            let ranked = moves.sorted { policy.storage[MoveIndex.index(of: $0, in: position)] > policy.storage[MoveIndex.index(of: $1, in: position)] }
            let candidates = ranked.filter { move in
                var next = board
                next.push(move)
                return next.outcome(claimDraw: true) == nil
            }.prefix(5)
            guard !candidates.isEmpty else { return ranked[0] }
            let (_, values) = network.forward(BoardEncoder.encode(candidates.map { position.playing($0) }), mode: .inference)
            // The opponent's expected score after each move, from its win/draw/loss logits.
            let opponentScores = candidates.indices.map { row -> Float in
                let p = PolicyValueNetwork.outcomeProbabilities(values, row: row)
                return p[0] + p[1] / 2
            }
            return candidates[opponentScores.indices.min { opponentScores[$0] < opponentScores[$1] }!]
        case .random:
            return moves[Int(random.next() % UInt64(moves.count))]
        case .greedy:
            let gains = moves.map { Self.materialGain($0, in: position) }
            let best = gains.max()!
            let candidates = zip(moves, gains).filter { $0.1 == best }.map(\.0)
            return candidates[Int(random.next() % UInt64(candidates.count))]
        case .engine(let engine, let nodes):
            let answer = try engine.bestMove(fen: board.startPosition.fen, moves: board.moves.map(\.uci), nodes: nodes)
            return try position.move(uci: answer)
        }
    }

    /// Material won by a move at once: the captured piece, plus a promotion's gain.
    package static func materialGain(_ move: Move, in position: Position) -> Int {
        var gain = move.isEnPassant ? 1 : position.piece(at: move.to)?.kind.materialValue ?? 0
        if let promotion = move.promotion { gain += promotion.materialValue - 1 }
        return gain
    }
}

/// A match between two players, alternating colours from the start position.
package struct Match {
    package var wins = 0, draws = 0, losses = 0
    package var games: Int { wins + draws + losses }
    /// Points for the first player (win 1, draw ½) as a share of the games.
    package var score: Double { (Double(wins) + Double(draws) / 2) / Double(max(1, games)) }

    /// Plays `games` games; a game still going after `maximumPlies` is scored a draw.
    package init(_ first: Player, against second: Player, games: Int, seed: UInt64, maximumPlies: Int = 300) throws {
        var random = SplitMix64(seed: seed)
        for game in 0..<games {
            let firstIsWhite = game % 2 == 0
            for player in [first, second] { if case .engine(let engine, _) = player { try engine.newGame() } }
            var board = Board()
            while board.outcome(claimDraw: true) == nil && board.moves.count < maximumPlies {
                let mover = (board.position.sideToMove == .white) == firstIsWhite ? first : second
                board.push(try mover.move(in: board, random: &random))
            }
            switch board.outcome(claimDraw: true)?.winner {
            case .some(let winner) where (winner == .white) == firstIsWhite: wins += 1
            case .some: losses += 1
            case nil: draws += 1
            }
        }
    }

    /// The first player's Elo difference implied by the score, −400·log₁₀(1/s − 1), with a
    /// 95% interval from the per-game score's standard error (wins, draws and losses as
    /// observed). A score of 0 or 1 is −∞ or +∞ Elo; with no games, all three are NaN.
    package var eloDifference: (estimate: Double, low: Double, high: Double) {
        guard games > 0 else { return (.nan, .nan, .nan) }
        let n = Double(games), s = score
        let variance = (Double(wins) * (1 - s) * (1 - s) + Double(draws) * (0.5 - s) * (0.5 - s) + Double(losses) * s * s) / n
        let error = (variance / n).squareRoot()
        func elo(_ score: Double) -> Double { score <= 0 ? -.infinity : score >= 1 ? .infinity : -400 * log10(1 / score - 1) }
        return (elo(s), elo(max(s - 1.96 * error, 0)), elo(min(s + 1.96 * error, 1)))
    }
}
