import Chess
import ChessModel
@testable import ChessInterpretability
import DataFiles
import Neural
import Interpretability
import Testing

struct ConceptSearchTests {
    static let positions = try! [
        "r1bqkb1r/pppp1ppp/2n2n2/4p2Q/2B1P3/8/PPPP1PPP/RNB1K1NR w KQkq - 4 4",
        "8/2p5/3p4/KP5r/1R3p1k/8/4P1P1/8 w - - 0 1",
        "r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R b KQkq - 0 1",
    ].map { try Position(fen: $0) }

    /// A small network of its own for each test (networks keep the state of their last pass).
    static func network() -> PolicyValueNetwork { PolicyValueNetwork(.init(blocks: 1, channels: 8), seed: 3) }

    /// A probe with seeded random weights over a layer's activations.
    static func randomProbe(features: Int, kind: LinearProbe.Kind = .logistic, seed: UInt64) -> LinearProbe {
        var random = SplitMix64(seed: seed)
        return LinearProbe(kind: kind, weights: (0..<features).map { _ in Float(random.nextUnit() - 0.5) }, bias: [0],
                           mean: [Float](repeating: 0, count: features), deviation: [Float](repeating: 1, count: features))
    }

    /// A probe of the input planes that counts the side to move's queens: P(concept) = σ(4·queens − 2).
    static let queenProbe: LinearProbe = {
        var weights = [Float](repeating: 0, count: 64 * BoardEncoder.planeCount)
        for square in 0..<64 { weights[square * BoardEncoder.planeCount + 4] = 4 }
        return LinearProbe(kind: .logistic, weights: weights, bias: [-2], mean: [Float](repeating: 0, count: weights.count),
                           deviation: [Float](repeating: 1, count: weights.count))
    }()

    @Test func onTheInputLayerTheFirstOrderEstimateIsExact() throws {
        let model = ProbedNetwork(network: Self.network(), layer: "input", probe: Self.randomProbe(features: 1280, kind: .linear, seed: 1))
        let start = Self.positions[0]
        let planes = BoardEncoder.encode([start])
        let (output, gradient) = model.gradient(input: planes)
        let neighbours = Neighbourhood.allEdits.neighbours(of: start)
        let exact = model.outputs(neighbours.map(\.position))
        for (neighbour, value) in zip(neighbours, exact) {
            let estimate = output + ConceptSearch.firstOrderChange(from: planes, to: BoardEncoder.encode([neighbour.position]), gradient: gradient)
            #expect(abs(estimate - value) < 1e-3 * max(1, abs(value)), "\(neighbour.step)")
        }
    }

    @Test func theGradientThroughTheNetworkMatchesFiniteDifferences() throws {
        let model = ProbedNetwork(network: Self.network(), layer: "block1", probe: Self.randomProbe(features: 512, kind: .linear, seed: 2))
        var planes = BoardEncoder.encode([Self.positions[2]])
        let (_, gradient) = model.gradient(input: planes)
        for index in stride(from: 3, to: planes.count, by: 97) {
            let original = planes.storage[index]
            planes.storage[index] = original + 1e-2
            let plus = model.gradient(input: planes).output
            planes.storage[index] = original - 1e-2
            let minus = model.gradient(input: planes).output
            planes.storage[index] = original
            let numeric = (plus - minus) / 2e-2
            #expect(abs(numeric - Double(gradient.storage[index])) < 2e-2 * max(1, abs(numeric)), "plane value \(index)")
        }
    }

    /// The neighbourhoods a user can choose: every edit kind, moves alone (material kept), and play.
    static let neighbourhoods: [Neighbourhood] = [.allEdits, .edits([.move]), .edits([.put, .remove]), .play]

    @Test(arguments: ConceptSearch.Method.allCases, neighbourhoods)
    func everyBoardVisitedIsValidAndARunRepeats(_ method: ConceptSearch.Method, _ neighbourhood: Neighbourhood) throws {
        if method == .relaxed && neighbourhood == .play { return }  // the relaxed search edits placements (refused by MaximiseRun)
        let model = ProbedNetwork(network: Self.network(), layer: "block1", probe: Self.randomProbe(features: 512, seed: 4))
        let search = ConceptSearch(model: model, target: SearchTarget(kind: .logistic, value: 1), method: method, neighbourhood: neighbourhood,
                                   budget: 3, holds: { $0.isCheck }, seed: 9)
        for start in Self.positions {
            let result = search.run(from: start)
            for board in result.visited + [result.result] {
                #expect(board.issues.isEmpty, "\(board.fen)")
                #expect(try Position(fen: board.fen) == board, "\(board.fen) does not survive a FEN round trip")
            }
            #expect(result.steps.count <= 3)
            let again = search.run(from: start)
            #expect(again.result == result.result && again.steps == result.steps)
            // Replaying the steps from the start reproduces the result: in play, every move is legal in turn.
            let replayed = result.steps.reduce(Optional(start)) { $0.flatMap($1.applied) }
            #expect(replayed == result.result)
            switch neighbourhood {
            case .play: #expect(result.steps.allSatisfy { if case .move = $0 { true } else { false } })
            case .edits(let kinds): #expect(result.steps.allSatisfy { if case .edit(let edit) = $0 { kinds.contains(edit.kind) } else { false } })
            }
            if neighbourhood == .edits([.move]) {
                for color in Color.allCases {
                    for kind in PieceKind.allCases { #expect(result.result.pieces(kind, color).count == start.pieces(kind, color).count) }
                }
            }
        }
    }

    /// The rules-only method finds the fewest steps by the concept function alone, and proves it.
    @Test func theRulesOnlySearchFindsTheFewestSteps() throws {
        let model = ProbedNetwork(network: Self.network(), layer: "input", probe: Self.queenProbe)
        // White to move, not in check: one edit puts the white king in check.
        let start = try Position(fen: "4k3/8/8/8/8/8/8/4K3 w - - 0 1")
        let edits = ConceptSearch(model: model, target: SearchTarget(kind: .logistic, value: 1), method: .rules, budget: 3, holds: { $0.isCheck })
            .run(from: start)
        #expect(edits.steps.count == 1 && edits.result.isCheck && edits.exhaustive)
        // In play, White is to move only after an even number of plies: two are needed for Black's rook to check.
        let play = ConceptSearch(model: model, target: SearchTarget(kind: .logistic, value: 1), method: .rules, neighbourhood: .play,
                                 budget: 4, holds: { $0.isCheck && $0.sideToMove == .white }).run(from: try Position(fen: "r3k3/8/8/8/8/8/8/4K3 w - - 0 1"))
        #expect(play.steps.count == 2 && play.result.isCheck && play.exhaustive, "\(play.steps)")
        // A board limit below what the search needs leaves it unproven, at the start.
        var limited = ConceptSearch(model: model, target: SearchTarget(kind: .logistic, value: 1), method: .rules, budget: 2, holds: { _ in false })
        limited.rulesLimit = 500
        let stopped = limited.run(from: start)
        #expect(!stopped.exhaustive && stopped.steps.isEmpty)
    }

    /// A hand-made probe that counts queens, judged by a concept it does not read (check):
    /// a start with a queen is a zero-step, fooled search; a start without one gets a queen
    /// (one edit) and fools the probe too, unless the queen gives check.
    @Test func theSummaryCountsZeroStepAndFooledSearches() throws {
        let model = ProbedNetwork(network: Self.network(), layer: "input", probe: Self.queenProbe)
        let target = SearchTarget(kind: .logistic, value: 1, threshold: 0.8)
        let holds = { (position: Position) in position.isCheck }
        let withQueen = try Position(fen: "4k3/8/8/8/8/8/8/3QK3 w - - 0 1"), withoutQueen = try Position(fen: "4k3/8/8/8/8/8/8/4K3 w - - 0 1")
        let gradient = ConceptSearch(model: model, target: target, method: .greedy, budget: 2, holds: holds)
        let results = [gradient.run(from: withQueen), gradient.run(from: withoutQueen)]
        #expect(results[0].steps.isEmpty && results[0].reached)
        #expect(results[1].steps.count == 1 && results[1].reached)
        let fooledByTheSecond = !holds(results[1].result)
        let summary = MaximiseRun.MethodSummary(method: .greedy, editCost: 0, results: results, target: target, holds: holds)
        #expect(summary.zeroStep == 0.5 && summary.probeReached == 1 && summary.meanSteps == 0.5)
        #expect(summary.fooled == (fooledByTheSecond ? 1 : 0.5) && summary.conceptTrue == 1 - summary.fooled)
        #expect(summary.legal == 1 && summary.searches == 2)
        // The rules-only search makes check instead, whatever the probe says.
        let rules = ConceptSearch(model: model, target: target, method: .rules, budget: 2, holds: holds)
        let ruled = MaximiseRun.MethodSummary(method: .rules, editCost: 0, results: [rules.run(from: withQueen), rules.run(from: withoutQueen)],
                                              target: target, holds: holds)
        #expect(ruled.conceptTrue == 1 && ruled.meanSteps == 1 && ruled.fooled == 0)
    }

    @Test func oneEditSufficesWhenOneEditIsEnough() throws {
        let model = ProbedNetwork(network: Self.network(), layer: "input", probe: Self.queenProbe)
        let start = Self.positions[1]  // no queens on the board
        for method in [ConceptSearch.Method.gradient, .greedy] {
            let result = ConceptSearch(model: model, target: SearchTarget(kind: .logistic, value: 1), method: method).run(from: start)
            #expect(result.reached && result.steps.count == 1, "\(method): \(result.steps)")
            #expect(result.result.pieces(.queen, start.sideToMove).count == 1)
        }
    }

    @Test func theGradientSearchNeedsFarFewerEvaluationsThanGreedy() throws {
        let model = ProbedNetwork(network: Self.network(), layer: "input", probe: Self.queenProbe)
        let gradient = ConceptSearch(model: model, target: SearchTarget(kind: .logistic, value: 1), method: .gradient).run(from: Self.positions[1])
        let greedy = ConceptSearch(model: model, target: SearchTarget(kind: .logistic, value: 1), method: .greedy).run(from: Self.positions[1])
        #expect(gradient.evaluations * 10 <= greedy.evaluations)
    }
}
