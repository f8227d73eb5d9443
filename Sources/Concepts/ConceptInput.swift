import Chess

/// What a concept is computed from: a position and, when known, how the game
/// reached it and how the game ended.
public struct ConceptInput: Sendable {
    public let position: Position
    /// The moves from the game's start to `position` (empty when unknown).
    public let history: ArraySlice<Move>
    /// The position the history starts from.
    public let start: Position
    /// The game's result (`1-0`, `0-1`, `1/2-1/2`), when the collection knows it.
    public let result: String?

    public init(_ position: Position, history: ArraySlice<Move> = [], start: Position? = nil, result: String? = nil) {
        self.position = position
        self.history = history
        self.start = start ?? position
        self.result = result
        facts = PositionFacts(position)
    }

    /// Facts several concepts need, computed once per input on first use.
    public let facts: PositionFacts

    /// The side to move ("mine").
    public var us: Color { position.sideToMove }
    /// The side not to move ("opponent").
    public var them: Color { position.sideToMove.opponent }
}
