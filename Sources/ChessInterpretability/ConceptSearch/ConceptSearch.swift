import Chess
import ChessModel
import DataFiles
import Foundation
import Neural
import Interpretability

/// Concept backpropagation on chess boards (arXiv 2307.12601) with legality by
/// construction: the shortest sequence of steps from a real position — placement edits
/// (`BoardEdit`) of chosen kinds, or legal moves — after which the probe's prediction
/// reaches its target. Every board the search looks at is a valid position, checked by
/// the rules core. The rules-only method ignores the network and finds the fewest steps
/// after which the concept function itself holds: the floor the others are measured against.
///
/// ```swift
/// let search = ConceptSearch(model: probed, target: SearchTarget(kind: .logistic, value: 1, threshold: 0.8), budget: 2)
/// let result = search.run(from: try Position(fen: "r1bqkbnr/pppp1ppp/2n5/4p3/4P3/5N2/PPPP1PPP/RNBQKB1R w KQkq - 2 3"))
/// print(result.steps, result.after, result.reached)
/// ```
package struct ConceptSearch {
    /// How candidate steps are chosen.
    package enum Method: String, Codable, Sendable, CaseIterable {
        /// The gradient of the objective with respect to the input planes ranks every legal
        /// step by its first-order effect; the best few are evaluated exactly.
        case gradient
        /// The paper's relaxation: continuous add/clear masks on the piece planes,
        /// straight-through rounding and an L1 penalty, then projected edit by edit onto legal boards.
        case relaxed
        /// Every legal step evaluated exactly with a forward pass (the expensive reference).
        case greedy
        /// Random legal steps (the floor).
        case random
        /// No network: the fewest steps after which the concept function holds, by exhaustive search.
        case rules
    }

    /// One search's outcome.
    package struct Result: Sendable {
        package let start: Position
        package let result: Position
        package let steps: [SearchStep]
        /// The probe's prediction (probability or value) before and after.
        package let before: Double
        package let after: Double
        package let reached: Bool
        /// Every board visited, in order (all valid).
        package let visited: [Position]
        /// Network evaluations spent (positions forwarded; a gradient counts two).
        package let evaluations: Int
        /// For the rules-only method: whether `steps` is proven the fewest (every shorter
        /// sequence was tried), or the search stopped at its board limit.
        package let exhaustive: Bool
        package let seconds: Double
    }

    package let model: ProbedNetwork
    package let target: SearchTarget
    package var method: Method
    /// The steps the search may take.
    package var neighbourhood: Neighbourhood
    /// Steps allowed (edits, or plies in play).
    package var budget: Int
    /// Boards kept per step (gradient and greedy methods).
    package var beam: Int
    /// First-order candidates evaluated exactly per board (gradient method).
    package var proposals: Int
    /// λ₂: the cost of a step against the fall of d(P, o) it buys (λ₁ = 1); a step
    /// that gains less is not taken.
    package var editCost: Double
    /// The concept function, for the rules-only method.
    package var holds: (Position) -> Bool
    /// Boards the rules-only method examines at most per search.
    package var rulesLimit: Int
    package var seed: UInt64

    package init(model: ProbedNetwork, target: SearchTarget, method: Method = .gradient, neighbourhood: Neighbourhood = .allEdits,
                budget: Int = 4, beam: Int = 1, proposals: Int = 4, editCost: Double = 0, holds: @escaping (Position) -> Bool = { _ in false },
                rulesLimit: Int = 3_000_000, seed: UInt64 = 1) {
        self.model = model
        self.target = target
        self.method = method
        self.neighbourhood = neighbourhood
        self.budget = budget
        self.beam = beam
        self.proposals = proposals
        self.editCost = editCost
        self.holds = holds
        self.rulesLimit = rulesLimit
        self.seed = seed
    }

    /// A board on the way, with the steps that led to it and its probe output.
    struct State {
        let position: Position
        let steps: [SearchStep]
        let output: Double
    }

    /// Searches from `start`.
    package func run(from start: Position) -> Result {
        let clock = ContinuousClock.now
        let evaluationsBefore = model.evaluations
        let initial = State(position: start, steps: [], output: model.outputs([start])[0])
        var visited = [start]
        var best: State, exhaustive = true
        switch method {
        case .gradient, .greedy:
            best = beamSearch(from: initial, visited: &visited)
        case .random:
            best = randomWalk(from: initial, visited: &visited)
        case .relaxed:
            guard case .edits(let kinds) = neighbourhood else { preconditionFailure("the relaxed search edits placements; it cannot play") }
            best = RelaxedSearch(model: model, target: target, budget: budget, kinds: kinds).run(from: initial, visited: &visited)
        case .rules:
            (best, exhaustive) = fewestSteps(from: initial, visited: &visited)
        }
        return Result(start: start, result: best.position, steps: best.steps, before: target.prediction(initial.output),
                      after: target.prediction(best.output), reached: target.isReached(best.output), visited: visited,
                      evaluations: model.evaluations - evaluationsBefore, exhaustive: exhaustive, seconds: (ContinuousClock.now - clock).seconds)
    }

    private func beamSearch(from initial: State, visited: inout [Position]) -> State {
        var states = [initial], best = initial
        for _ in 0..<budget where !target.isReached(best.output) {
            var candidates = [State]()
            for state in states {
                let neighbours = neighbourhood.neighbours(of: state.position)
                let chosen = method == .greedy ? neighbours : ranked(neighbours, around: state).prefix(proposals).map { $0 }
                let outputs = model.outputs(chosen.map(\.position))
                candidates += zip(chosen, outputs).map { State(position: $0.position, steps: state.steps + [$0.step], output: $1) }
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

    /// Neighbours ordered by the first-order estimate of d(P, o) after the step: the
    /// output's gradient with respect to the network's input, dotted with each step's change of it.
    func ranked(_ neighbours: [(step: SearchStep, position: Position)], around state: State) -> [(step: SearchStep, position: Position)] {
        let input = model.network.encode([state.position])
        let (output, gradient) = model.gradient(input: input)
        let estimates = neighbours.map { neighbour in
            output + Self.firstOrderChange(from: input, to: model.network.encode([neighbour.position]), gradient: gradient)
        }
        return neighbours.indices.sorted { target.distance(estimates[$0]) < target.distance(estimates[$1]) }.map { neighbours[$0] }
    }

    /// ∇ · Δinput: the linear estimate of an edit's change of the output.
    static func firstOrderChange(from input: Tensor, to edited: Tensor, gradient: Tensor) -> Double {
        var change: Double = 0
        for index in 0..<input.count where input.storage[index] != edited.storage[index] {
            change += Double((edited.storage[index] - input.storage[index]) * gradient.storage[index])
        }
        return change
    }

    private func randomWalk(from initial: State, visited: inout [Position]) -> State {
        var random = SplitMix64(seed: SplitMix64.mix(seed, initial.position.fen))
        var state = initial
        for _ in 0..<budget where !target.isReached(state.output) {
            let neighbours = neighbourhood.neighbours(of: state.position)
            guard let pick = neighbours.randomElement(using: &random) else { break }
            state = State(position: pick.position, steps: state.steps + [pick.step], output: model.outputs([pick.position])[0])
            visited.append(state.position)
        }
        return state
    }

    /// Iterative deepening over the neighbourhood, the concept function as the only judge:
    /// the first sequence found at the smallest depth where one exists, in the
    /// neighbourhood's fixed order. Memory stays at one path; boards repeat across depths,
    /// which costs time, not correctness. Stops early (not exhaustive) after `rulesLimit` boards.
    private func fewestSteps(from initial: State, visited: inout [Position]) -> (State, exhaustive: Bool) {
        if holds(initial.position) { return (initial, true) }
        var examined = 0
        func search(_ position: Position, depth: Int, path: inout [SearchStep]) -> Bool {
            for (step, next) in neighbourhood.neighbours(of: position) {
                examined += 1
                if examined > rulesLimit { return false }
                path.append(step)
                if depth == 1 ? holds(next) : search(next, depth: depth - 1, path: &path) { return true }
                path.removeLast()
            }
            return false
        }
        for depth in 1...max(1, budget) {
            var path = [SearchStep]()
            if search(initial.position, depth: depth, path: &path) {
                var board = initial.position
                for step in path {
                    board = step.applied(to: board)!
                    visited.append(board)
                }
                return (State(position: board, steps: path, output: model.outputs([board])[0]), true)
            }
            if examined > rulesLimit { return (initial, false) }
        }
        return (initial, true)
    }
}
