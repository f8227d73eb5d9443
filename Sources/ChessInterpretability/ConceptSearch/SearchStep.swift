import Chess

/// One step of a concept search: a placement edit, or a legal move when the search plays.
package enum SearchStep: Hashable, Sendable, CustomStringConvertible {
    case edit(BoardEdit)
    /// A legal move, with its SAN in the position it was played from.
    case move(Move, san: String)

    package var description: String {
        switch self {
        case .edit(let edit): edit.description
        case .move(_, let san): san
        }
    }

    /// The squares whose contents change (the mover's origin and destination for a move).
    package var squares: [Square] {
        switch self {
        case .edit(let edit): edit.squares
        case .move(let move, _): [move.from, move.to]
        }
    }

    /// The position after this step, or `nil` when it does not fit `position` (an edit that
    /// breaks a rule, an illegal move): what a replay of a search's steps checks.
    package func applied(to position: Position) -> Position? {
        switch self {
        case .edit(let edit): try? position.applying(edit).get()
        case .move(let move, _): position.isLegal(move) ? position.playing(move) : nil
        }
    }
}
