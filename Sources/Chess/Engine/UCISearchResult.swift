/// What a UCI search found: the best move and the score, from the side to move's view.
public struct UCISearchResult: Equatable, Sendable {
    /// A UCI score: centipawns, or moves to mate (negative: the side to move is mated).
    public enum Score: Equatable, Sendable {
        case centipawns(Int)
        case mate(Int)

        /// Centipawns, with a mate in n counted as ±(100,000 − n) so that nearer mates score further out.
        public var centipawnValue: Int {
            switch self {
            case .centipawns(let value): value
            case .mate(let moves): moves > 0 ? 100_000 - moves : -100_000 - moves
            }
        }
    }

    /// The move in UCI notation (`e2e4`, `e7e8q`, `0000` when there is none).
    public let bestMove: String
    /// The last exact score, or `nil` when the engine printed none.
    public let score: Score?

    public init(bestMove: String, score: Score?) {
        self.bestMove = bestMove
        self.score = score
    }
}
