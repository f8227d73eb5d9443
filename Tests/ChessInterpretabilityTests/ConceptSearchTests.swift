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
        let (output, gradient) = model.gradient(planes: planes)
        let neighbours = ConceptSearch.neighbours(of: start)
        let exact = model.outputs(neighbours.map(\.position))
        for (neighbour, value) in zip(neighbours, exact) {
            let estimate = output + ConceptSearch.firstOrderChange(from: planes, to: BoardEncoder.encode([neighbour.position]), gradient: gradient)
            #expect(abs(estimate - value) < 1e-3 * max(1, abs(value)), "\(neighbour.edit)")
        }
    }

    @Test func theGradientThroughTheNetworkMatchesFiniteDifferences() throws {
        let model = ProbedNetwork(network: Self.network(), layer: "block1", probe: Self.randomProbe(features: 512, kind: .linear, seed: 2))
        var planes = BoardEncoder.encode([Self.positions[2]])
        let (_, gradient) = model.gradient(planes: planes)
        for index in stride(from: 3, to: planes.count, by: 97) {
            let original = planes.storage[index]
            planes.storage[index] = original + 1e-2
            let plus = model.outputs(planes: planes)[0]
            planes.storage[index] = original - 1e-2
            let minus = model.outputs(planes: planes)[0]
            planes.storage[index] = original
            let numeric = (plus - minus) / 2e-2
            #expect(abs(numeric - Double(gradient.storage[index])) < 2e-2 * max(1, abs(numeric)), "plane value \(index)")
        }
    }

    @Test(arguments: ConceptSearch.Method.allCases)
    func everyBoardVisitedIsValidAndARunRepeats(_ method: ConceptSearch.Method) throws {
        let model = ProbedNetwork(network: Self.network(), layer: "block1", probe: Self.randomProbe(features: 512, seed: 4))
        let search = ConceptSearch(model: model, target: SearchTarget(kind: .logistic, value: 1), method: method, budget: 3, seed: 9)
        for start in Self.positions {
            let result = search.run(from: start)
            for board in result.visited { #expect(board.issues.isEmpty, "\(board.fen)") }
            #expect(result.result.issues.isEmpty)
            #expect(result.edits.count <= 3)
            let again = search.run(from: start)
            #expect(again.result == result.result && again.edits == result.edits)
            // Replaying the edits from the start reproduces the result.
            let replayed = try result.edits.reduce(start) { try $0.applying($1).get() }
            #expect(replayed == result.result)
        }
    }

    @Test func oneEditSufficesWhenOneEditIsEnough() throws {
        let model = ProbedNetwork(network: Self.network(), layer: "input", probe: Self.queenProbe)
        let start = Self.positions[1]  // no queens on the board
        for method in [ConceptSearch.Method.gradient, .greedy] {
            let result = ConceptSearch(model: model, target: SearchTarget(kind: .logistic, value: 1), method: method).run(from: start)
            #expect(result.reached && result.edits.count == 1, "\(method): \(result.edits)")
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
