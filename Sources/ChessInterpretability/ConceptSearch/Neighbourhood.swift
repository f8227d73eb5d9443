import Chess

/// The boards a concept search may step to from a board: placement edits of some kinds
/// (every result still a valid position), or the legal moves, so that every result is
/// reachable in play from the start.
package enum Neighbourhood: Equatable, Sendable {
    case edits(Set<BoardEdit.Kind>)
    case play

    /// Every edit kind.
    package static let allEdits = Neighbourhood.edits(Set(BoardEdit.Kind.allCases))

    /// The valid boards one step from `position`, in a fixed order.
    package func neighbours(of position: Position) -> [(step: SearchStep, position: Position)] {
        switch self {
        case .edits(let kinds):
            position.candidateEdits(of: kinds).compactMap { edit in (try? position.applying(edit).get()).map { (.edit(edit), $0) } }
        case .play:
            position.legalMoves.map { move in (.move(move, san: position.san(move)), position.playing(move)) }
        }
    }
}
