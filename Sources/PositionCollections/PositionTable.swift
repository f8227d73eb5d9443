import Chess
import Concepts
import DataFiles

/// The layout of the per-position table that `analyse` writes, and the rows of one collection item.
public struct PositionTable: Sendable {
    public let concepts: [Concept]
    /// Also write the positions inside PGN variations (marked in a `variation` column).
    public let includeVariations: Bool

    public init(concepts: [Concept], includeVariations: Bool = false) {
        self.concepts = concepts
        self.includeVariations = includeVariations
    }

    public var columns: [String] {
        ["source", "game", "ply", "fen", "turn", "move_uci", "move_san", "result"]
            + (includeVariations ? ["variation"] : []) + concepts.map(\.name)
    }

    /// What one item contributed: its rows, how many games and positions, and what went wrong.
    public struct Rows: Sendable {
        public var rows: [[TableValue]] = []
        public var games = 0
        public var errors: [CollectionError] = []
    }

    /// The rows of one item from the file at `path`; `source` is what the `source` column says.
    public func rows(for item: CollectionItem, path: String, source: String) -> Rows {
        var output = Rows()
        switch item {
        case .failure(let error):
            output.errors.append(error)
        case .game(let raw):
            switch raw.build() {
            case .failure(let error):
                output.errors.append(CollectionError(error, file: path))
            case .success(let game):
                output.games = 1
                output.errors += game.issues.map { CollectionError($0, file: path) }
                appendRows(of: game, source: source, to: &output.rows)
            }
        case .line(let text, let number, let format):
            do {
                let position = format == .epd ? try EPDRecord(text).position : try Position(fen: text)
                output.rows.append(row(source: source, game: number, ply: 0, position: position, move: nil, result: nil,
                                       variation: false, input: ConceptInput(position)))
            } catch let error as EPDError {
                output.errors.append(CollectionError(.invalidEPD, file: path, line: number, reason: error.description))
            } catch {
                output.errors.append(CollectionError(.invalidFEN, file: path, line: number, reason: "\(error)"))
            }
        }
        return output
    }

    private func appendRows(of game: PGNGame, source: String, to rows: inout [[TableValue]]) {
        let result = game.result == "*" ? nil : game.result
        let mainline = game.mainline
        let moves = mainline.dropFirst().map { game.nodes[$0].move }
        for (ply, index) in mainline.enumerated() {
            let position = game.nodes[index].position
            let input = ConceptInput(position, history: moves[..<ply], start: game.startPosition, result: result)
            rows.append(row(source: source, game: game.number, ply: ply, position: position,
                            move: ply < moves.count ? moves[ply] : nil, result: result, variation: false, input: input))
        }
        guard includeVariations else { return }
        // Every node off the main line, depth first; the path from the start is its history.
        var stack = [(node: Int, path: [Move])]()
        for (ply, index) in mainline.enumerated() {
            for branch in game.nodes[index].variations.dropFirst().reversed() {
                stack.append((branch, Array(moves[..<ply]) + [game.nodes[branch].move]))
            }
        }
        while let (index, path) = stack.popLast() {
            let node = game.nodes[index]
            let input = ConceptInput(node.position, history: path[...], start: game.startPosition, result: result)
            rows.append(row(source: source, game: game.number, ply: path.count, position: node.position,
                            move: node.variations.first.map { game.nodes[$0].move }, result: result, variation: true, input: input))
            for child in node.variations.reversed() { stack.append((child, path + [game.nodes[child].move])) }
        }
    }

    private func row(source: String, game: Int, ply: Int, position: Position, move: Move?, result: String?,
                     variation: Bool, input: ConceptInput) -> [TableValue] {
        var values: [TableValue] = [
            .text(source), .integer(game), .integer(ply), .text(position.fen), .text(String(position.sideToMove.fenSymbol)),
            move.map { .text($0.uci) } ?? .missing, move.map { .text(position.san($0)) } ?? .missing,
            result.map { .text($0) } ?? .missing,
        ]
        if includeVariations { values.append(.boolean(variation)) }
        for concept in concepts {
            let value = concept.value(input)
            values.append(value.isNaN ? .missing : TableValue(value))
        }
        return values
    }
}
