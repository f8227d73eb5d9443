/// The best-scoring positions seen for one target, best first, each position (by FEN)
/// once: what relevance (and activation) maximisation keeps while streaming a collection.
///
/// ```swift
/// var ranked = RankedPositions(capacity: 8)
/// ranked.offer(.init(fen: position.fen, source: "games.pgn", game: 3, ply: 12, score: 0.4, relevance: 0.4, activation: 2.1))
/// ```
package struct RankedPositions: Codable, Sendable, Equatable {
    /// A position, where it came from, and its scores.
    package struct Entry: Codable, Sendable, Equatable {
        package let fen: String
        package let source: String
        package let game: Int
        package let ply: Int
        /// What the ranking is by.
        package let score: Double
        /// The target's relevance and activation on the position.
        package let relevance: Double
        package let activation: Double

        package init(fen: String, source: String, game: Int, ply: Int, score: Double, relevance: Double, activation: Double) {
            self.fen = fen
            self.source = source
            self.game = game
            self.ply = ply
            self.score = score
            self.relevance = relevance
            self.activation = activation
        }
    }

    package let capacity: Int
    package private(set) var entries: [Entry] = []

    package init(capacity: Int) {
        self.capacity = capacity
    }

    /// Whether a score would enter the ranking (cheap to ask before building an entry).
    package func admits(_ score: Double) -> Bool {
        entries.count < capacity || score > entries.last!.score
    }

    /// Keeps `entry` if it ranks among the best `capacity`; a position already kept stays
    /// where it is (the same position scores the same).
    package mutating func offer(_ entry: Entry) {
        guard admits(entry.score), !entries.contains(where: { $0.fen == entry.fen }) else { return }
        let index = entries.firstIndex { $0.score < entry.score } ?? entries.count
        entries.insert(entry, at: index)
        if entries.count > capacity { entries.removeLast() }
    }
}
