import Chess
import Foundation
import Neural

/// A UCI engine (Stockfish) scored like a checkpoint, on the same held-out positions: how
/// often its move at a fixed node budget is the move played, and how often its score
/// predicts the game's result. This is the ceiling a reader needs beside the network's
/// numbers: on a corpus whose games were decided partly by unequal node budgets, which no
/// position shows, even Stockfish cannot call every result.
///
/// The score becomes a win/draw/loss call with one threshold: a draw when |score| is at
/// most `drawMargin` centipawns. The margin is fitted on training positions (never on
/// the held-out ones), as the network's value head was.
///
/// ```swift
/// let reference = try EngineReference(path: "/usr/games/stockfish", nodes: 1_000)
/// let row = try reference.row(heldOut: evaluation.examples, calibration: trainingSample)
/// ```
package struct EngineReference: Sendable {
    package let path: String
    package let nodes: Int
    /// Engine processes run side by side, one thread each.
    package let processes: Int

    package init(path: String, nodes: Int, processes: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw UCIError.notFound(path) }
        self.path = path
        self.nodes = nodes
        self.processes = max(1, processes)
    }

    /// One search per example: the engine's best move and its score in centipawns from the
    /// side to move's view (mates far out). Each search starts a new game, so results do not
    /// depend on which process ran it or in what order.
    package func searches(_ examples: [TrainingExample], onProgress: @Sendable (Int) -> Void = { _ in }) throws -> [(move: String, centipawns: Int)] {
        let path = path, nodes = nodes
        return try parallelMap(examples.count, workers: processes, makeState: { _ in
            let engine = try UCIEngine(path: path)
            try engine.setOption("Threads", "1")
            return engine
        }, onProgress: onProgress) { engine, index in
            try engine.newGame()
            let result = try engine.search(fen: examples[index].position.fen, nodes: nodes)
            return (result.bestMove, result.score?.centipawnValue ?? 0)
        }
    }

    /// The engine's row: policy top-1 from its moves on `heldOut`, value accuracy from its
    /// scores there with the draw margin that calls `calibration`'s results best.
    package func row(heldOut: [TrainingExample], calibration: [TrainingExample],
                     onProgress: @Sendable (Int) -> Void = { _ in }) throws -> CheckpointEvaluation.Row {
        let held = try searches(heldOut, onProgress: onProgress)
        let fitted = try searches(calibration) { onProgress(heldOut.count + $0) }
        let margin = Self.bestDrawMargin(scores: fitted.map(\.centipawns), outcomes: calibration.map(\.outcome))
        let agreed = zip(held, heldOut).filter { $0.move == $1.move.uci }.count
        let called = zip(held, heldOut).filter { Self.call($0.centipawns, margin: margin) == $1.outcome }.count
        return CheckpointEvaluation.Row(player: "stockfish", step: nil, policyTop1: Double(agreed) / Double(max(1, heldOut.count)),
                                        policyTop3: nil, valueAccuracy: Double(called) / Double(max(1, heldOut.count)), drawMargin: margin)
    }

    /// 0 win, 1 draw, 2 loss for the side to move.
    static func call(_ centipawns: Int, margin: Int) -> Int {
        centipawns > margin ? 0 : centipawns < -margin ? 2 : 1
    }

    /// The margin (among the scores' magnitudes, and 0) that calls the most results right;
    /// the smallest such margin on ties.
    static func bestDrawMargin(scores: [Int], outcomes: [Int]) -> Int {
        let candidates = Set([0] + scores.map { abs($0) }).sorted()
        var best = (margin: 0, hits: -1)
        for margin in candidates {
            var hits = 0
            for (score, outcome) in zip(scores, outcomes) where call(score, margin: margin) == outcome { hits += 1 }
            if hits > best.hits { best = (margin, hits) }
        }
        return best.margin
    }
}
