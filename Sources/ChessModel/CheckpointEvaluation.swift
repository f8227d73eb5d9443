import DataFiles

/// Every checkpoint of a model scored on held-out positions, beside the two baselines a
/// reader needs to judge the scores: the uniformly random mover (exact, in expectation),
/// the greedy one-ply mover and, on request, Stockfish (`engineRow`).
///
/// ```swift
/// let evaluation = try CheckpointEvaluation(model: ModelDirectory(path: "models/default"), data: [], positions: 4_096)
/// for row in try evaluation.rows(seed: 1) { print(row.player, row.step ?? -1, row.policyTop1) }
/// ```
package struct CheckpointEvaluation {
    /// One player's scores: a checkpoint of the network (`step`), or a baseline.
    package struct Row: Codable, Equatable, Sendable {
        /// `network`, `random`, `greedy` or `stockfish`.
        package let player: String
        package let step: Int?
        package let policyTop1: Double
        package let policyTop3: Double?
        package let valueAccuracy: Double?
        /// The engine's fitted draw margin in centipawns (see `EngineReference`).
        package let drawMargin: Int?

        package init(player: String, step: Int?, policyTop1: Double, policyTop3: Double?, valueAccuracy: Double?, drawMargin: Int? = nil) {
            self.player = player
            self.step = step
            self.policyTop1 = policyTop1
            self.policyTop3 = policyTop3
            self.valueAccuracy = valueAccuracy
            self.drawMargin = drawMargin
        }
    }

    package let model: ModelDirectory
    /// The held-out positions, spread evenly over the held-out games.
    package let examples: [TrainingExample]

    /// Held-out positions of `model`: its own validation games when `data` is empty (the
    /// split recorded in its configuration), else every game of `data`.
    package init(model: ModelDirectory, data: [String], positions: Int) throws {
        let configuration = try model.readConfiguration()
        // Other data is held out as a whole: all of it goes to the validation side.
        let heldOut = try TrainingCorpus(paths: data.isEmpty ? configuration.data : data, seed: configuration.seed,
                                         validationFraction: data.isEmpty ? configuration.validationFraction : 1).validation
        self.model = model
        examples = heldOut.evenlySpaced(positions)
    }

    /// The network's rows, one per saved checkpoint in step order, then the random and greedy
    /// movers'. `seed` breaks the greedy mover's ties.
    package func rows(seed: UInt64) throws -> [Row] {
        var rows = [Row]()
        for step in model.savedSteps() {
            let evaluation = Evaluation(network: try model.load(step: step), examples: examples)
            rows.append(Row(player: "network", step: step, policyTop1: evaluation.policyTop1, policyTop3: evaluation.policyTop3,
                            valueAccuracy: evaluation.valueAccuracy))
        }
        // The random mover's expected accuracy is exact: 1/n (top-3: min(3, n)/n) for n legal moves.
        let counts = examples.map { Double($0.position.legalMoveCount) }
        rows.append(Row(player: "random", step: nil, policyTop1: counts.map { 1 / $0 }.reduce(0, +) / Double(examples.count),
                        policyTop3: counts.map { min(3, $0) / $0 }.reduce(0, +) / Double(examples.count), valueAccuracy: nil))
        var random = SplitMix64(seed: seed)
        let greedyHits = try examples.filter { try Player.greedy.move(in: $0.position, random: &random) == $0.move }.count
        rows.append(Row(player: "greedy", step: nil, policyTop1: Double(greedyHits) / Double(examples.count), policyTop3: nil, valueAccuracy: nil))
        return rows
    }

    /// `reference`'s row on the same held-out positions, its draw margin fitted on as many
    /// of the model's training positions.
    package func engineRow(_ reference: EngineReference, onProgress: @Sendable (Int) -> Void = { _ in }) throws -> Row {
        let configuration = try model.readConfiguration()
        let training = try TrainingCorpus(paths: configuration.data, seed: configuration.seed,
                                          validationFraction: configuration.validationFraction).train
        return try reference.row(heldOut: examples, calibration: training.evenlySpaced(examples.count), onProgress: onProgress)
    }
}
