import Chess
import ChessModel
import DataFiles
import Foundation
import Neural
import Interpretability

/// Concept backpropagation on chess boards (arXiv 2307.12601) with legality by
/// construction: the smallest sequence of placement edits (`BoardEdit`) of a real
/// position after which the probe's prediction reaches its target. Every board the
/// search looks at is a valid position, checked by the rules core.
package struct ConceptSearch {
    /// How candidate edits are chosen.
    package enum Method: String, Codable, Sendable, CaseIterable {
        /// The gradient of the objective with respect to the input planes ranks every legal
        /// edit by its first-order effect; the best few are evaluated exactly.
        case gradient
        /// The paper's relaxation: continuous add/clear masks on the piece planes,
        /// straight-through rounding and an L1 penalty, then projected edit by edit onto legal boards.
        case relaxed
        /// Every legal edit evaluated exactly with a forward pass (the expensive reference).
        case greedy
        /// Random legal edits (the floor).
        case random
    }

    /// One search's outcome.
    package struct Result: Sendable {
        package let start: Position
        package let result: Position
        package let edits: [BoardEdit]
        /// The probe's prediction (probability or value) before and after.
        package let before: Double
        package let after: Double
        package let reached: Bool
        /// Every board visited, in order (all valid).
        package let visited: [Position]
        /// Network evaluations spent (positions forwarded; a gradient counts two).
        package let evaluations: Int
        package let seconds: Double
    }

    package let model: ProbedNetwork
    package let target: SearchTarget
    package var method: Method
    /// Edits allowed.
    package var budget: Int
    /// Boards kept per step (gradient and greedy methods).
    package var beam: Int
    /// First-order candidates evaluated exactly per board (gradient method).
    package var proposals: Int
    /// λ₂: the cost of an edit against the fall of d(P, o) it buys (λ₁ = 1); an edit
    /// that gains less is not made.
    package var editCost: Double
    package var seed: UInt64

    package init(model: ProbedNetwork, target: SearchTarget, method: Method = .gradient, budget: Int = 4, beam: Int = 1,
                proposals: Int = 4, editCost: Double = 0, seed: UInt64 = 1) {
        self.model = model
        self.target = target
        self.method = method
        self.budget = budget
        self.beam = beam
        self.proposals = proposals
        self.editCost = editCost
        self.seed = seed
    }

    /// A board on the way, with the edits that led to it and its probe output.
    struct State {
        let position: Position
        let edits: [BoardEdit]
        let output: Double
    }

    /// Searches from `start`.
    package func run(from start: Position) -> Result {
        let clock = ContinuousClock.now
        let evaluationsBefore = model.evaluations
        let initial = State(position: start, edits: [], output: model.outputs([start])[0])
        var visited = [start]
        let best: State
        switch method {
        case .gradient, .greedy:
            best = beamSearch(from: initial, visited: &visited)
        case .random:
            best = randomWalk(from: initial, visited: &visited)
        case .relaxed:
            best = RelaxedSearch(model: model, target: target, budget: budget).run(from: initial, visited: &visited)
        }
        return Result(start: start, result: best.position, edits: best.edits, before: target.prediction(initial.output),
                      after: target.prediction(best.output), reached: target.isReached(best.output), visited: visited,
                      evaluations: model.evaluations - evaluationsBefore, seconds: (ContinuousClock.now - clock).seconds)
    }

    /// The legal boards one edit away, with their edits.
    static func neighbours(of position: Position) -> [(edit: BoardEdit, position: Position)] {
        position.candidateEdits.compactMap { edit in (try? position.applying(edit).get()).map { (edit, $0) } }
    }

    private func beamSearch(from initial: State, visited: inout [Position]) -> State {
        var states = [initial], best = initial
        for _ in 0..<budget where !target.isReached(best.output) {
            var candidates = [State]()
            for state in states {
                let neighbours = Self.neighbours(of: state.position)
                let chosen = method == .greedy ? neighbours : ranked(neighbours, around: state).prefix(proposals).map { $0 }
                let outputs = model.outputs(chosen.map(\.position))
                candidates += zip(chosen, outputs).map { State(position: $0.position, edits: state.edits + [$0.edit], output: $1) }
            }
            var seen = Set<Position>()
            let next = candidates.sorted { target.distance($0.output) < target.distance($1.output) }
                .filter { seen.insert($0.position).inserted }.prefix(beam)
            guard let leader = next.first, target.distance(best.output) - target.distance(leader.output) > editCost else { break }
            states = Array(next)
            visited += states.map(\.position)
            best = leader
        }
        return best
    }

    /// Neighbours ordered by the first-order estimate of d(P, o) after the edit: the
    /// output's gradient with respect to the planes, dotted with each edit's change of the planes.
    func ranked(_ neighbours: [(edit: BoardEdit, position: Position)], around state: State) -> [(edit: BoardEdit, position: Position)] {
        let planes = BoardEncoder.encode([state.position])
        let (output, gradient) = model.gradient(planes: planes)
        let estimates = neighbours.map { neighbour in
            output + Self.firstOrderChange(from: planes, to: BoardEncoder.encode([neighbour.position]), gradient: gradient)
        }
        return neighbours.indices.sorted { target.distance(estimates[$0]) < target.distance(estimates[$1]) }.map { neighbours[$0] }
    }

    /// ∇ · Δplanes: the linear estimate of an edit's change of the output.
    static func firstOrderChange(from planes: Tensor, to edited: Tensor, gradient: Tensor) -> Double {
        var change: Double = 0
        for index in 0..<planes.count where planes.storage[index] != edited.storage[index] {
            change += Double((edited.storage[index] - planes.storage[index]) * gradient.storage[index])
        }
        return change
    }

    private func randomWalk(from initial: State, visited: inout [Position]) -> State {
        var random = SplitMix64(seed: SplitMix64.mix(seed, initial.position.fen))
        var state = initial
        for _ in 0..<budget where !target.isReached(state.output) {
            let neighbours = Self.neighbours(of: state.position)
            guard let pick = neighbours.randomElement(using: &random) else { break }
            state = State(position: pick.position, edits: state.edits + [pick.edit], output: model.outputs([pick.position])[0])
            visited.append(state.position)
        }
        return state
    }
}
