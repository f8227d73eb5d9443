import Foundation

/// Everything a tracker run depends on; two runs with equal settings write equal files.
package struct TrackerSettings: Codable, Sendable {
    /// The model directory (`config.json` and `step-*.safetensors`).
    package var model: String
    /// PGN, EPD or FEN collections (optionally gzipped) to sample positions from.
    package var data: [String]
    /// Concept names from the catalogue.
    package var concepts: [String]
    /// Probe layers of the network (see `PolicyValueNetwork.probeLayers`); empty for all.
    package var layers: [String]
    /// Checkpoint steps to probe; empty for every saved one. Step 0 (the random network)
    /// is always probed, being the baseline.
    package var steps: [Int]
    /// Positions probed (split by game 70/15/15 into train, validation, test), drawn
    /// uniformly and shared by every concept; a rare binary concept also gets rows of its
    /// own (`ProbeSample`).
    package var positions: Int
    package var seed: UInt64
    /// L2 strengths tried, strongest first, on the mean-loss scale of standardised
    /// features (scikit-learn's alpha = λ·n for ridge, C = 1/(λ·n) for logistic
    /// regression); each concept keeps the one best on validation, and a path whose best
    /// sits at an end is extended past it.
    package var penalties: [Float]
    /// The kind of probe: dense linear, or sparse on a few features.
    package var readout: ProbeReadout
    /// Bootstrap resamples for the test-score intervals.
    package var resamples: Int
    /// Upper bound on the activation matrices held at once.
    package var memoryBudget: Int

    /// Concepts a player recognises, from trivial to read off the board (material) to
    /// needing a calculation (mate in one), probed when none are named.
    package static let defaultConcepts = ["material_balance", "material_advantage", "my_mobility", "in_check", "has_checking_move",
                                         "my_queen_attacked", "has_mate_in_one", "my_passed_pawns", "game_phase"]

    /// Enough positions that a grid cell's 95% interval is about ±0.03 or narrower.
    package static let defaultPositions = 20_000

    /// 15 strengths half a decade apart, 100 down to 10⁻⁵.
    package static let defaultPenalties: [Float] = (0..<15).map { Float(pow(10, 2 - Double($0) / 2)) }

    package init(model: String, data: [String], concepts: [String], layers: [String] = [], steps: [Int] = [],
                positions: Int = TrackerSettings.defaultPositions, seed: UInt64 = RunDefaults.seed, penalties: [Float] = TrackerSettings.defaultPenalties, readout: ProbeReadout = .linear,
                resamples: Int = 200, memoryBudget: Int = 1 << 30) {
        self.model = model
        self.data = data
        self.concepts = concepts
        self.layers = layers
        self.steps = steps
        self.positions = positions
        self.seed = seed
        self.penalties = penalties
        self.readout = readout
        self.resamples = resamples
        self.memoryBudget = memoryBudget
    }
}
