import Chess
import ChessInterpretability
import ChessModel
import Concepts
import Foundation
import Interpretability

/// What the viewer asks of a model about one position: its moves and value, the concepts,
/// every saved probe's reading, relevance, and a concept search. Each answer is computed on
/// a network no other request holds, so requests run side by side.
///
/// ```swift
/// let analyst = try PositionAnalyst(model: "models/default", probes: "probe-output")
/// let view = try analyst.evaluation(fen: "startpos", step: nil)
/// view.moves.first?.san   // the policy's favourite move
/// ```
package final class PositionAnalyst: Sendable {
    /// The `model` setting, and the probe directory the probe and concept answers read.
    package let modelName: String
    package let probeDirectory: String
    /// The checkpoints saved, ascending.
    package let steps: [Int]
    private let pool: NetworkPool
    private let index: SavedProbeIndex
    private let layers: [String]
    private let gradientLayers: [String]
    /// Where relevance and search read a concept unless told otherwise: the last residual block, as `maximise` does.
    private let defaultLayer: String

    /// Edits a concept search may make at most.
    package static let searchBudget = 4

    package init(model: String, probes: String) throws(RunError) {
        let source = try NetworkModel(model)
        modelName = model
        probeDirectory = probes
        steps = source.steps
        pool = NetworkPool(model: source)
        index = SavedProbeIndex(directory: probes)
        let last = try source.network(at: try source.checkpoint(nil))
        layers = last.probeLayers
        gradientLayers = last.gradientLayers
        defaultLayer = last.sensitivityLayers.last!
    }

    // MARK: answers

    package func evaluation(fen: String, step: Int?) throws(ViewerError) -> ViewerReplies.Evaluation {
        let position = try Self.position(fen)
        let step = try checkpoint(step)
        return try pool.with(step: step) { network in
            let legal = position.legalMoves.map { move in
                ViewerReplies.Evaluation.LegalMove(uci: move.uci, san: position.san(move), from: move.from.name, to: move.to.name,
                                                   fen: position.playing(move).fen)
            }
            let value = network.value(of: position)
            var moves = [ViewerReplies.Evaluation.RankedMove](), outcome: [Double]?, evaluation: Double?
            switch position.legalMoves.isEmpty ? nil : PositionEvaluation(network: network, position: position, moves: 8) {
            case .policyValue(_, let view):
                let squares = Dictionary(legal.map { ($0.uci, ($0.from, $0.to)) }, uniquingKeysWith: { a, _ in a })
                moves = view.moves.map { .init(uci: $0.uci, san: $0.san, from: squares[$0.uci]!.0, to: squares[$0.uci]!.1, probability: $0.probability) }
                outcome = [view.win, view.draw, view.loss]
            case .nnue:
                evaluation = position.sideToMove == .white ? value : -value
            case nil:
                break
            }
            return ViewerReplies.Evaluation(
                fen: position.fen, sideToMove: position.sideToMove.name, step: step, steps: steps,
                model: network is PolicyValueNetwork ? "policy_value" : "nnue", moves: moves,
                win: outcome?[0], draw: outcome?[1], loss: outcome?[2], evaluation: evaluation, value: value,
                legal: legal.sorted { $0.uci < $1.uci }, check: position.isCheck, checkmate: position.isCheckmate, stalemate: position.isStalemate)
        }
    }

    package func concepts(fen: String) throws(ViewerError) -> ViewerReplies.Concepts {
        let position = try Self.position(fen)
        let input = ConceptInput(position)
        return ViewerReplies.Concepts(fen: position.fen, concepts: ConceptCatalogue.all.map { concept in
            .init(name: concept.name, kind: concept.kind.name, summary: concept.summary, value: Self.finite(concept.value(input)))
        })
    }

    /// Every saved probe's reading of the position at every layer and checkpoint it was saved for.
    package func probes(fen: String) throws(ViewerError) -> ViewerReplies.Probes {
        let position = try Self.position(fen)
        let entries = index.entries
        let steps = Array(Set(entries.map(\.step))).sorted()
        let shownLayers = layers.filter { layer in entries.contains { $0.layer == layer } }
        var readings = [String: [[Double?]]](), kinds = [String: String]()
        for step in steps {
            let atStep = entries.filter { $0.step == step && shownLayers.contains($0.layer) }
            let activations = try pool.with(step: step) { network in network.activations(of: [position], layers: Set(atStep.map(\.layer))) }
            for entry in atStep {
                let probe: LinearProbe
                do { probe = try LinearProbe.read(from: entry.path).probe } catch { throw ViewerError(.notFound, "probe \(entry.path): \(error)") }
                kinds[entry.concept] = Self.name(of: probe.kind)
                var grid = readings[entry.concept] ?? Array(repeating: Array(repeating: nil, count: steps.count), count: shownLayers.count)
                grid[shownLayers.firstIndex(of: entry.layer)!][steps.firstIndex(of: step)!] = Self.finite(probe.predict(activations[entry.layer]!)[0])
                readings[entry.concept] = grid
            }
        }
        // The input planes do not change with training, so a probe of them saved at one step reads every step.
        if let row = shownLayers.firstIndex(of: "input") {
            for concept in readings.keys {
                if let reading = readings[concept]![row].compactMap({ $0 }).first {
                    readings[concept]![row] = readings[concept]![row].map { $0 ?? reading }
                }
            }
        }
        let input = ConceptInput(position)
        let probes = readings.keys.sorted().map { concept in
            ViewerReplies.Probes.Probe(concept: concept, kind: kinds[concept]!, truth: (try? ConceptCatalogue.named(concept)).flatMap { Self.finite($0.value(input)) },
                                       readings: readings[concept]!)
        }
        return ViewerReplies.Probes(fen: position.fen, directory: probeDirectory, steps: steps, layers: shownLayers, probes: probes)
    }

    /// The relevance of the value (`target` "value") or of a concept's saved probe at `layer`.
    package func relevance(fen: String, target: String, layer: String?, step: Int?, rules: String?) throws(ViewerError) -> ViewerReplies.Relevance {
        let position = try Self.position(fen)
        let step = try checkpoint(step)
        let composite: RelevanceComposite
        do { composite = try rules.map { text throws(RelevanceCompositeError) in try RelevanceComposite(text) } ?? .standard } catch {
            throw .parameter("rules", error.description)
        }
        let probe = try target == "value" ? nil : savedProbe(concept: target, step: step, layer: layer ?? defaultLayer)
        return try pool.with(step: step) { network in
            let source: RelevanceSource, prediction: Double, ranked: String
            if let probe {
                source = .probe(layer: probe.layer, direction: probe.probe.direction)
                prediction = probe.probe.predict(network.activations(of: [position], layers: [probe.layer])[probe.layer]!)[0]
                ranked = probe.layer
            } else {
                source = .output
                prediction = network.value(of: position)
                ranked = network.probeLayers.last!
            }
            let map = network.relevance(of: position, explaining: source, rankedAt: ranked, through: nil, composite: composite)
            let largest = map.squares.map(abs).max() ?? 0
            var squares = [String: Double]()
            for (index, value) in map.squares.enumerated() where value != 0 && largest > 0 {
                squares[Square(rawValue: UInt8(index)).name] = value / largest
            }
            return ViewerReplies.Relevance(fen: position.fen, target: target, layer: probe?.layer, step: step, rules: "\(composite)",
                                           prediction: prediction, total: map.total, squares: squares)
        }
    }

    /// A concept search from the position: legal board edits that drive the concept's saved
    /// probe at `layer` past its decision boundary, judged at the end by the concept function.
    package func maximise(fen: String, concept name: String, layer: String?, step: Int?, method: String?) throws(ViewerError) -> ViewerReplies.Maximisation {
        let position = try Self.position(fen)
        let concept = try Self.concept(name)
        guard concept.kind == .binary || concept.kind == .scalar else {
            throw .parameter("concept", "\(name) is categorical; concept search needs a binary or scalar concept")
        }
        let step = try checkpoint(step)
        let chosen: ConceptSearch.Method
        if let method {
            guard let parsed = ConceptSearch.Method(rawValue: method), parsed != .relaxed else {
                throw .parameter("method", "'\(method)' is not one of gradient, greedy, random, rules")
            }
            chosen = parsed
        } else {
            chosen = .gradient
        }
        let probe = try savedProbe(concept: name, step: step, layer: layer ?? defaultLayer)
        guard gradientLayers.contains(probe.layer) else {
            throw .parameter("layer", "concept search follows gradients from \(gradientLayers.joined(separator: ", "))")
        }
        let target = probe.probe.kind == .logistic ? 1.0 : concept.value(position) + 1
        let holds = { (board: Position) in concept.kind == .binary ? concept.value(board) >= 0.5 : concept.value(board) >= target }
        return try pool.with(step: step) { network in
            let probed = ProbedNetwork(network: network, layer: probe.layer, probe: probe.probe)
            // The decision boundary: P = 0.5 for a binary concept, half a unit short of the target for a scalar one.
            let threshold = probe.probe.kind == .logistic ? 0.5 : target - 0.5
            let search = ConceptSearch(model: probed, target: SearchTarget(kind: probe.probe.kind, value: target, threshold: threshold),
                                       method: chosen, budget: Self.searchBudget, holds: holds)
            let result = search.run(from: position)
            var board = position, replay = [ViewerReplies.Maximisation.Step]()
            for step in result.steps {
                guard let next = step.applied(to: board) else { break }
                board = next
                replay.append(.init(description: step.description, squares: step.squares.map(\.name), fen: board.fen, concept: concept.value(board)))
            }
            return ViewerReplies.Maximisation(
                fen: position.fen, concept: name, layer: probe.layer, step: step, method: chosen.rawValue, threshold: threshold,
                probeBefore: result.before, probeAfter: result.after, reached: result.reached,
                conceptBefore: concept.value(position), conceptAfter: concept.value(result.result), holds: holds(result.result),
                steps: replay, resultFen: result.result.fen, seconds: result.seconds)
        }
    }

    /// The games of a PGN text, main lines only; a broken game is reported and the rest kept.
    package static func games(pgn: String) -> ViewerReplies.Games {
        var games = [ViewerReplies.Games.Game](), errors = [String]()
        var reader = PGNReader(file: "upload", text: pgn)
        while let next = reader.next() {
            switch next {
            case .success(let game):
                let line = game.mainline
                games.append(.init(number: game.number, white: game[tag: "White"] ?? "?", black: game[tag: "Black"] ?? "?", result: game.result,
                                   fens: line.map { game.nodes[$0].position.fen },
                                   moves: line.dropFirst().map { game.nodes[game.nodes[$0].parent!].position.san(game.nodes[$0].move) }))
            case .failure(let error):
                errors.append("\(error)")
            }
        }
        return ViewerReplies.Games(games: games, errors: errors)
    }

    // MARK: parts

    static func position(_ fen: String) throws(ViewerError) -> Position {
        do { return try Position(fenOrStartpos: fen) } catch { throw .parameter("fen", "\(error)") }
    }

    static func concept(_ name: String) throws(ViewerError) -> Concept {
        do { return try ConceptCatalogue.named(name) } catch { throw ViewerError(.notFound, "concept: \(error)") }
    }

    private func checkpoint(_ step: Int?) throws(ViewerError) -> Int {
        guard let chosen = step ?? steps.last, steps.contains(chosen) else {
            throw .parameter("step", "\(step.map(String.init) ?? "none") is not a saved checkpoint of \(modelName) (saved: \(steps.map(String.init).joined(separator: ", ")))")
        }
        return chosen
    }

    /// The saved probe of a concept at `layer` and `step`.
    private func savedProbe(concept: String, step: Int, layer: String) throws(ViewerError) -> (probe: LinearProbe, layer: String) {
        _ = try Self.concept(concept)
        guard let entry = index.entry(concept: concept, step: step, layer: layer) else {
            throw ViewerError(.notFound, "probe: none saved for \(concept) at step \(step), layer \(layer) in \(probeDirectory) "
                              + "(chess-concepts probe --concepts \(concept) --out \(probeDirectory) saves one)")
        }
        do { return (try LinearProbe.read(from: entry.path).probe, entry.layer) } catch { throw ViewerError(.notFound, "probe \(entry.path): \(error)") }
    }

    /// JSON has no NaN: a value that is not a number is sent as `null`.
    private static func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }

    private static func name(of kind: LinearProbe.Kind) -> String {
        switch kind {
        case .logistic: "logistic"
        case .linear: "linear"
        case .multinomial: "multinomial"
        }
    }
}
