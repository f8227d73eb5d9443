import Foundation
import Neural

/// Fits linear probes: L2-regularised models by L-BFGS, L1-regularised ones by
/// FISTA (proximal gradient with momentum), and k-sparse ones by iterative hard
/// thresholding — train, keep the k largest weights, continue with the rest frozen
/// at zero — as in Gurnee et al.'s sparse probing.
///
/// Several targets on the same activations are fitted together: each keeps its own
/// optimiser state and line search (the objectives are independent), while every
/// step evaluates all of them in one pass over the matrix.
public struct ProbeFitter: Sendable {
    /// λ₂ in λ₂/2·‖w‖² (added to the weighted mean loss).
    public var l2: Float
    /// λ₁ in λ₁·‖w‖₁; a positive value selects FISTA.
    public var l1: Float
    /// Keep only this many features (by weight magnitude); `nil` for dense probes.
    public var sparsity: Int?
    public var maximumIterations: Int
    /// Stop when an iteration improves the objective by less than this, relative to its size.
    public var tolerance: Float

    public init(l2: Float = 1e-3, l1: Float = 0, sparsity: Int? = nil, maximumIterations: Int = 200, tolerance: Float = 1e-7) {
        self.l2 = l2
        self.l1 = l1
        self.sparsity = sparsity
        self.maximumIterations = maximumIterations
        self.tolerance = tolerance
    }

    /// Fits one probe on raw `activations` [n × features] and `labels` (0/1, values, or class indices).
    public func fit(_ activations: Tensor, labels: [Double], kind: LinearProbe.Kind, balanced: Bool = false) -> LinearProbe {
        fit(StandardizedActivations(fitting: activations), targets: [ProbeTarget(kind: kind, labels: labels, balanced: balanced)])[0]
    }

    /// Fits one probe per target on the same standardised activations, starting from
    /// `start` (earlier probes of the same targets, e.g. along a regularisation path).
    /// `penalties` gives each target its own λ₂ in place of `l2`.
    public func fit(_ design: StandardizedActivations, targets: [ProbeTarget], start: [LinearProbe]? = nil,
                    penalties: [Float]? = nil) -> [LinearProbe] {
        // Scalar labels are fitted standardised (and the probe scaled back): the penalty then means the
        // same for a pawn count and a mobility count, and the problem is as well conditioned as the features.
        let scales = targets.map(LabelScale.init)
        let objective = ProbeObjective(x: design.values, targets: zip(targets, scales).map { $1.standardize($0) },
                                       l2: penalties ?? Array(repeating: l2, count: targets.count))
        var parameters = targets.indices.map { index in
            start.map { scales[index].standardize($0[index].weights + $0[index].bias, features: objective.features) }
                ?? [Float](repeating: 0, count: objective.size(of: index))
        }
        parameters = l1 > 0 ? fista(objective, start: parameters) : lbfgs(objective, start: parameters, masks: nil)
        if let sparsity, sparsity < objective.features {
            // Iterative hard thresholding: shrink the support in a few rounds, refitting each time.
            var keep = objective.features
            while keep > sparsity {
                keep = max(sparsity, keep / 4)
                let masks = parameters.indices.map { supportMask(parameters[$0], outputs: targets[$0].kind.outputs, keep: keep) }
                let masked = parameters.indices.map { zip(parameters[$0], masks[$0]).map { $0 * $1 } }
                parameters = lbfgs(objective, start: masked, masks: masks)
            }
        }
        return targets.indices.map { index in
            let restored = scales[index].restore(parameters[index], features: objective.features)
            let weightCount = objective.features * targets[index].kind.outputs
            return LinearProbe(kind: targets[index].kind, weights: Array(restored[..<weightCount]),
                               bias: Array(restored[weightCount...]), mean: design.mean, deviation: design.deviation)
        }
    }

    /// The mean and deviation of a scalar target's labelled values (identity for the others).
    private struct LabelScale {
        var mean: Double = 0
        var deviation: Double = 1

        init(_ target: ProbeTarget) {
            guard target.kind == .linear else { return }
            let total = target.weights.reduce(0, +)
            guard total > 0 else { return }
            mean = zip(target.labels, target.weights).reduce(0) { $0 + $1.0 * $1.1 } / total
            let variance = zip(target.labels, target.weights).reduce(0) { $0 + ($1.0 - mean) * ($1.0 - mean) * $1.1 } / total
            deviation = variance > 1e-12 ? variance.squareRoot() : 1
        }

        func standardize(_ target: ProbeTarget) -> ProbeTarget {
            guard target.kind == .linear else { return target }
            return ProbeTarget(kind: target.kind, labels: target.labels.map { ($0 - mean) / deviation }, weights: target.weights)
        }

        /// Parameters of a probe of the raw labels as parameters of the standardised problem.
        func standardize(_ parameters: [Float], features: Int) -> [Float] {
            parameters.indices.map { index in
                Float(index < features ? Double(parameters[index]) / deviation : (Double(parameters[index]) - mean) / deviation)
            }
        }

        func restore(_ parameters: [Float], features: Int) -> [Float] {
            parameters.indices.map { index in
                Float(index < features ? Double(parameters[index]) * deviation : Double(parameters[index]) * deviation + mean)
            }
        }
    }

    /// One target's limited-memory BFGS state.
    private struct QuasiNewton {
        var w: [Float]
        var loss: Float
        var gradient: [Float]
        var history: [(s: [Float], y: [Float], rho: Float)] = []
        let mask: [Float]?
        var done = false

        /// The two-loop recursion's search direction −H·g, or steepest descent when that is not downhill.
        mutating func direction() -> (direction: [Float], slope: Float) {
            var q = gradient
            var alphas = [Float]()
            for (s, y, rho) in history.reversed() {
                let alpha = rho * dot(s, q)
                alphas.append(alpha)
                for i in q.indices { q[i] -= alpha * y[i] }
            }
            if let last = history.last {
                let gamma = dot(last.s, last.y) / max(dot(last.y, last.y), 1e-20)
                for i in q.indices { q[i] *= gamma }
            }
            for ((s, y, rho), alpha) in zip(history, alphas.reversed()) {
                let beta = rho * dot(y, q)
                for i in q.indices { q[i] += s[i] * (alpha - beta) }
            }
            let direction = q.map { -$0 }
            let slope = dot(direction, gradient)
            if slope < 0 { return (direction, slope) }
            history.removeAll()
            return (gradient.map { -$0 }, -dot(gradient, gradient))
        }
    }

    /// L-BFGS with a backtracking (Armijo) line search per target. `masks` (1 = free)
    /// freeze parameters at their current value.
    private func lbfgs(_ objective: ProbeObjective, start: [[Float]], masks: [[Float]?]?) -> [[Float]] {
        let all = Array(start.indices)
        let initial = objective.evaluate(all, start, gradient: true)
        var states = all.map { index in
            let mask = masks?[index]
            return QuasiNewton(w: start[index], loss: initial[index].loss, gradient: masked(initial[index].gradient, mask), mask: mask)
        }
        for _ in 0..<maximumIterations {
            let active = all.filter { !states[$0].done }
            if active.isEmpty { break }
            var directions = [Int: (direction: [Float], slope: Float)](), steps = [Int: Float]()
            for index in active {
                directions[index] = states[index].direction()
                let norm = dot(states[index].gradient, states[index].gradient).squareRoot()
                // The first step of a fresh history is scaled to unit length; later ones use the quasi-Newton scale.
                steps[index] = states[index].history.isEmpty ? min(1, 1 / max(norm, 1e-12)) : 1
            }
            var pending = active
            // The first trial is almost always accepted, so each trial computes loss and gradient together.
            for _ in 0..<30 where !pending.isEmpty {
                let candidates = pending.map { index in zip(states[index].w, directions[index]!.direction).map { $0 + steps[index]! * $1 } }
                let results = objective.evaluate(pending, candidates, gradient: true)
                var stillPending = [Int]()
                for (slot, index) in pending.enumerated() {
                    let (loss, gradient) = results[slot]
                    guard loss <= states[index].loss + 1e-4 * steps[index]! * directions[index]!.slope else {
                        steps[index]! /= 2
                        stillPending.append(index)
                        continue
                    }
                    accept(&states[index], candidates[slot], loss: loss, gradient: masked(gradient, states[index].mask))
                }
                pending = stillPending
            }
            for index in pending { states[index].done = true }  // no decrease along the direction: converged as far as Float allows
        }
        return states.map(\.w)
    }

    private func accept(_ state: inout QuasiNewton, _ candidate: [Float], loss: Float, gradient: [Float]) {
        let s = zip(candidate, state.w).map { $0 - $1 }, y = zip(gradient, state.gradient).map { $0 - $1 }
        let sy = dot(s, y)
        if sy > 1e-12 {
            state.history.append((s, y, 1 / sy))
            if state.history.count > 10 { state.history.removeFirst() }
        }
        let improvement = state.loss - loss
        (state.w, state.loss, state.gradient) = (candidate, loss, gradient)
        if improvement < tolerance * max(1, abs(loss)) || dot(gradient, gradient).squareRoot() < 1e-6 { state.done = true }
    }

    /// One target's FISTA state.
    private struct ProximalGradient {
        var w: [Float]
        var momentumPoint: [Float]
        var t: Float = 1
        var step: Float = 1
        var done = false
    }

    /// FISTA for the L1 penalty: gradient steps on the smooth part, soft-thresholding of the
    /// weights, each target with its own backtracking step.
    private func fista(_ objective: ProbeObjective, start: [[Float]]) -> [[Float]] {
        let all = Array(start.indices)
        var states = start.map { ProximalGradient(w: $0, momentumPoint: $0) }
        for _ in 0..<(maximumIterations * 2) {
            let active = all.filter { !states[$0].done }
            if active.isEmpty { break }
            let smooth = objective.evaluate(active, active.map { states[$0].momentumPoint }, gradient: true)
            var next = [Int: [Float]]()
            var pending = Array(active.indices)
            // Backtracking on the smooth part's quadratic upper bound, all pending targets per trial.
            for _ in 0..<30 where !pending.isEmpty {
                for slot in pending {
                    let index = active[slot]
                    next[index] = proximalStep(states[index], gradient: smooth[slot].gradient,
                                               weightCount: objective.features * objective.targets[index].kind.outputs)
                }
                let losses = objective.evaluate(pending.map { active[$0] }, pending.map { next[active[$0]]! }, gradient: false)
                var stillPending = [Int]()
                for (trial, slot) in pending.enumerated() {
                    let index = active[slot]
                    let difference = zip(next[index]!, states[index].momentumPoint).map { $0 - $1 }
                    let bound = smooth[slot].loss + dot(smooth[slot].gradient, difference) + dot(difference, difference) / (2 * states[index].step)
                    if losses[trial].loss > bound + 1e-7 {
                        states[index].step /= 2
                        stillPending.append(slot)
                    }
                }
                pending = stillPending
            }
            for index in active {
                var state = states[index]
                let previous = state.w
                state.w = next[index]!
                let nextT = (1 + (1 + 4 * state.t * state.t).squareRoot()) / 2
                state.momentumPoint = zip(state.w, previous).map { $0 + (state.t - 1) / nextT * ($0 - $1) }
                state.t = nextT
                let change = zip(state.w, previous).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                if change.squareRoot() < 1e-6 * max(1, dot(state.w, state.w).squareRoot()) { state.done = true }
                states[index] = state
            }
        }
        return states.map(\.w)
    }

    /// A gradient step from the momentum point, then soft-thresholding of the weights (not the bias).
    private func proximalStep(_ state: ProximalGradient, gradient: [Float], weightCount: Int) -> [Float] {
        var next = zip(state.momentumPoint, gradient).map { $0 - state.step * $1 }
        let threshold = state.step * l1
        for i in 0..<weightCount {
            next[i] = next[i] > threshold ? next[i] - threshold : next[i] < -threshold ? next[i] + threshold : 0
        }
        return next
    }

    /// 1 for the `keep` features with the largest weight magnitude (across outputs), 0 elsewhere; the bias stays free.
    private func supportMask(_ parameters: [Float], outputs k: Int, keep: Int) -> [Float] {
        let features = parameters.count / k - 1
        let magnitude = (0..<features).map { feature in (0..<k).reduce(Float(0)) { $0 + abs(parameters[feature * k + $1]) } }
        let kept = Set(magnitude.indices.sorted { magnitude[$0] > magnitude[$1] }.prefix(keep))
        var mask = [Float](repeating: 0, count: parameters.count)
        for feature in kept { for c in 0..<k { mask[feature * k + c] = 1 } }
        for c in 0..<k { mask[features * k + c] = 1 }
        return mask
    }

    private func masked(_ gradient: [Float], _ mask: [Float]?) -> [Float] {
        guard let mask else { return gradient }
        return zip(gradient, mask).map { $0 * $1 }
    }
}

private func dot(_ a: [Float], _ b: [Float]) -> Float {
    a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in (0..<a.count).reduce(Float(0)) { $0 + a[$1] * b[$1] } } }
}
