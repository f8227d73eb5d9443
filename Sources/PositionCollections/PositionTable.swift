import Chess
import Concepts
import DataFiles

/// The layout of the per-position table that `analyse` writes, and the rows of one collection item.
public struct PositionTable: Sendable {
    public let concepts: [Concept]
    /// Also write the positions inside PGN variations (marked in a `variation` column).
    public let includeVariations: Bool

    /// Adds Stockfish's classical evaluation terms as columns when set.
    public let stockfish: StockfishEvalLabeller?

    public init(concepts: [Concept], includeVariations: Bool = false, stockfish: StockfishEvalLabeller? = nil) {
        self.concepts = concepts
        self.includeVariations = includeVariations
        self.stockfish = stockfish
    }

    public var columns: [String] {
        ["source", "game", "ply", "fen", "turn", "move_uci", "move_san", "result"]
            + (includeVariations ? ["variation"] : []) + concepts.map(\.name)
            + (stockfish == nil ? [] : StockfishEvalLabeller.columns)
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
        var positions = [Position]()
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
                appendRows(of: game, source: source, to: &output.rows, positions: &positions)
            }
        case .line(let text, let number, let format, let fenReading):
            switch CollectionItem.position(line: text, number: number, format: format, fenReading: fenReading, path: path) {
            case .success(let (position, repairs)):
                output.errors += repairs
                output.rows.append(row(source: source, game: number, ply: 0, position: position, move: nil, result: nil,
                                       variation: false, input: ConceptInput(position)))
                positions.append(position)
            case .failure(let error):
                output.errors.append(error)
            }
        }
        appendStockfishLabels(positions, to: &output, path: path)
        return output
    }

    private func appendRows(of game: PGNGame, source: String, to rows: inout [[TableValue]], positions: inout [Position]) {
        let result = game.result == "*" ? nil : game.result
        let mainline = game.mainline
        let moves = mainline.dropFirst().map { game.nodes[$0].move }
        for (ply, index) in mainline.enumerated() {
            let position = game.nodes[index].position
            let input = ConceptInput(position, history: moves[..<ply], start: game.startPosition, result: result)
            rows.append(row(source: source, game: game.number, ply: ply, position: position,
                            move: ply < moves.count ? moves[ply] : nil, result: result, variation: false, input: input))
            positions.append(position)
        }
        guard includeVariations else { return }
        // Every node off the main line, depth first; the path from the start is its history.
        var stack = [(node: Int, path: [Move])]()
        for (ply, index) in mainline.enumerated() {
            for branch in game.nodes[index].alternatives.reversed() {
                stack.append((branch, Array(moves[..<ply]) + [game.nodes[branch].move]))
            }
        }
        while let (index, path) = stack.popLast() {
            let node = game.nodes[index]
            let input = ConceptInput(node.position, history: path[...], start: game.startPosition, result: result)
            rows.append(row(source: source, game: game.number, ply: path.count, position: node.position,
                            move: node.mainContinuation.map { game.nodes[$0].move }, result: result, variation: true, input: input))
            positions.append(node.position)
            for child in node.variations.reversed() { stack.append((child, path + [game.nodes[child].move])) }
        }
    }

    /// Stockfish's columns for every row of the item, in one batch per item; missing when the engine fails.
    private func appendStockfishLabels(_ positions: [Position], to output: inout Rows, path: String) {
        guard let stockfish, !positions.isEmpty else { return }
        let labels: [[Double]]
        do {
            labels = try stockfish.labels(for: positions)
        } catch {
            output.errors.append(CollectionError(.stockfish, file: path, reason: "\(error)"))
            labels = Array(repeating: Array(repeating: .nan, count: StockfishEvalLabeller.columns.count), count: positions.count)
        }
        for (index, values) in labels.enumerated() {
            output.rows[index] += values.map { $0.isNaN ? .missing : .number($0) }
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
        for value in concepts.values(input) { values.append(value.isNaN ? .missing : TableValue(value)) }
        return values
    }
}
