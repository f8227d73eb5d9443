import Chess

extension Concept {
    /// A concept for each side from the side to move's view: `my_<base>` and `opp_<base>`.
    /// In `summary`, `{side}` becomes "my" or "the opponent's".
    static func perSide(_ base: String, _ kind: Kind, _ summary: String,
                        compute: @escaping @Sendable (ConceptInput, Color) -> Double) -> [Concept] {
        [
            Concept("my_\(base)", kind, .sideToMove, summary.replacing("{side}", with: "my"), aboutOpponent: false, compute: compute),
            Concept("opp_\(base)", kind, .sideToMove, summary.replacing("{side}", with: "the opponent's"), aboutOpponent: true, compute: compute),
        ]
    }
}

extension Bool {
    /// 1 for `true`, 0 for `false`: the value of a binary concept.
    var conceptValue: Double { self ? 1 : 0 }
}
