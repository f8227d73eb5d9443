/// The JSON bodies of the viewer's API, one type per route. Keys are written in
/// snake_case (`side_to_move`); squares are named (`"e4"`).
package enum ViewerReplies {
    /// `GET /api/eval`: the network's view of a position and the moves a board can play.
    package struct Evaluation: Codable, Sendable, Equatable {
        package struct RankedMove: Codable, Sendable, Equatable {
            package let uci: String, san: String, from: String, to: String
            package let probability: Double
        }

        package struct LegalMove: Codable, Sendable, Equatable {
            package let uci: String, san: String, from: String, to: String
            /// The position after the move.
            package let fen: String
        }

        package let fen: String
        package let sideToMove: String
        /// The checkpoint read, and every one saved.
        package let step: Int
        package let steps: [Int]
        /// `policy_value` for the own network, `nnue` for Stockfish's.
        package let model: String
        /// The most likely moves (the own network's policy); empty for NNUE.
        package let moves: [RankedMove]
        /// Win, draw and loss for the side to move (the own network's value head).
        package let win: Double?, draw: Double?, loss: Double?
        /// NNUE's evaluation in pawns, White's view.
        package let evaluation: Double?
        /// P(win) − P(loss), or the evaluation in pawns, for the side to move.
        package let value: Double
        package let legal: [LegalMove]
        package let check: Bool, checkmate: Bool, stalemate: Bool
    }

    /// `GET /api/concepts`: every concept of the catalogue on a position.
    package struct Concepts: Codable, Sendable, Equatable {
        package struct Reading: Codable, Sendable, Equatable {
            package let name: String, kind: String, summary: String
            /// `nil` where the concept has no value on the position (NaN).
            package let value: Double?
        }

        package let fen: String
        package let concepts: [Reading]
    }

    /// `GET /api/probes`: every saved probe's reading of a position, by layer and checkpoint.
    package struct Probes: Codable, Sendable, Equatable {
        package struct Probe: Codable, Sendable, Equatable {
            package let concept: String
            /// `logistic` (readings are P(concept)), `linear` (the concept's value) or `multinomial` (a class index).
            package let kind: String
            /// The concept function's own value on the position (`nil` where it has none).
            package let truth: Double?
            /// readings[layer][step], in the reply's `layers` and `steps` order; `nil` where no probe was saved.
            package let readings: [[Double?]]
        }

        package let fen: String
        package let directory: String
        package let steps: [Int]
        /// Bottom to top, as the network computes them.
        package let layers: [String]
        package let probes: [Probe]
    }

    /// `GET /api/relevance`: layer-wise relevance of the value or a concept's probe, per square.
    package struct Relevance: Codable, Sendable, Equatable {
        package let fen: String
        package let target: String
        package let layer: String?
        package let step: Int
        package let rules: String
        /// The output explained: the value, or the probe's prediction.
        package let prediction: Double
        package let total: Double
        /// Per square, divided by the largest magnitude (−1…1); squares without relevance are left out.
        package let squares: [String: Double]
    }

    /// `POST /api/maximise`: a concept search from a position, step by step.
    package struct Maximisation: Codable, Sendable, Equatable {
        package struct Step: Codable, Sendable, Equatable {
            package let description: String
            /// The squares it changed, and the board after it.
            package let squares: [String]
            package let fen: String
            package let concept: Double
        }

        package let fen: String
        package let concept: String
        package let layer: String
        package let step: Int
        package let method: String
        package let threshold: Double
        package let probeBefore: Double, probeAfter: Double
        package let reached: Bool
        /// The concept function's value before and after, and whether it now holds.
        package let conceptBefore: Double, conceptAfter: Double
        package let holds: Bool
        package let steps: [Step]
        package let resultFen: String
        package let seconds: Double
    }

    /// `POST /api/pgn`: the games of an uploaded PGN, each as the positions of its main line.
    package struct Games: Codable, Sendable, Equatable {
        package struct Game: Codable, Sendable, Equatable {
            package let number: Int
            package let white: String, black: String, result: String
            /// The start position, then the position after each move.
            package let fens: [String]
            package let moves: [String]
        }

        package let games: [Game]
        /// Games that could not be read, each with the reader's message.
        package let errors: [String]
    }

    /// The body of every error reply.
    package struct Failure: Codable, Sendable, Equatable {
        package let error: String
    }
}
