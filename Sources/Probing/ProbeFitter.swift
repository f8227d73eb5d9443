import Foundation
import Neural

/// Fits linear probes: L2-regularised models by L-BFGS, L1-regularised ones by
/// FISTA (proximal gradient with momentum), and k-sparse ones by iterative hard
/// thresholding — train, keep the k largest weights, continue with the rest frozen
/// at zero — as in Gurnee et al.'s sparse probing.
public struct ProbeFitter: Sendable {
    public var kind: LinearProbe.Kind
    /// λ₂ in λ₂/2·‖w‖² (added to the mean loss).
    public var l2: Float
    /// λ₁ in λ₁·‖w‖₁; a positive value selects FISTA.
    public var l1: Float
    /// Keep only this many features (by weight magnitude); `nil` for dense probes.
    public var sparsity: Int?
    public var maximumIterations: Int

    public init(kind: LinearProbe.Kind, l2: Float = 1e-3, l1: Float = 0, sparsity: Int? = nil, maximumIterations: Int = 200) {
        self.kind = kind
        self.l2 = l2
        self.l1 = l1
        self.sparsity = sparsity
        self.maximumIterations = maximumIterations
    }

    /// Fits on `activations` [n × features] and `labels` (0/1, values, or class indices).
    public func fit(_ activations: Tensor, labels: [Double]) -> LinearProbe {
        let standardizer = Standardizer(fitting: activations)
        let problem = Problem(x: standardizer.apply(activations), labels: labels, kind: kind, l2: l2)
        var parameters = [Float](repeating: 0, count: problem.size)
        var mask: [Float]?
        if l1 > 0 {
            parameters = fista(problem, start: parameters)
        } else {
            parameters = lbfgs(problem, start: parameters, mask: nil)
        }
        if let sparsity, sparsity < problem.features {
            // Iterative hard thresholding: shrink the support in a few rounds, refitting each time.
            var keep = problem.features
            while keep > sparsity {
                keep = max(sparsity, keep / 4)
                mask = problem.supportMask(parameters, keep: keep)
                parameters = lbfgs(problem, start: zip(parameters, mask!).map { $0 * $1 }, mask: mask)
            }
        }
        let weights = Array(parameters[..<(problem.features * problem.outputs)])
        return LinearProbe(kind: kind, weights: weights, bias: Array(parameters[(problem.features * problem.outputs)...]),
                           mean: standardizer.mean, deviation: standardizer.deviation)
    }

    /// Limited-memory BFGS with a backtracking (Armijo) line search. `mask` (1 = free)
    /// freezes parameters at their current value.
    func lbfgs(_ problem: Problem, start: [Float], mask: [Float]?) -> [Float] {
        var w = start
        var (loss, gradient) = problem.lossAndGradient(w)
        if let mask { gradient = zip(gradient, mask).map { $0 * $1 } }
        var history: [(s: [Float], y: [Float], rho: Float)] = []
        for _ in 0..<maximumIterations {
            // Two-loop recursion for the search direction −H·g.
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
            var direction = q.map { -$0 }
            var slope = dot(direction, gradient)
            if slope >= 0 {  // not a descent direction: fall back to steepest descent
                direction = gradient.map { -$0 }
                slope = -dot(gradient, gradient)
                history.removeAll()
            }
            var step: Float = history.isEmpty ? min(1, 1 / max(sqrt(dot(gradient, gradient)), 1e-12)) : 1
            var candidate = w, candidateLoss = loss, candidateGradient = gradient
            var accepted = false
            // The first trial step is almost always accepted, so each trial computes loss and gradient together.
            for _ in 0..<30 {
                candidate = zip(w, direction).map { $0 + step * $1 }
                (candidateLoss, candidateGradient) = problem.lossAndGradient(candidate)
                if candidateLoss <= loss + 1e-4 * step * slope { accepted = true; break }
                step /= 2
            }
            guard accepted else { break }
            if let mask { candidateGradient = zip(candidateGradient, mask).map { $0 * $1 } }
            let s = zip(candidate, w).map { $0 - $1 }, y = zip(candidateGradient, gradient).map { $0 - $1 }
            let sy = dot(s, y)
            if sy > 1e-12 {
                history.append((s, y, 1 / sy))
                if history.count > 10 { history.removeFirst() }
            }
            let improvement = loss - candidateLoss
            (w, loss, gradient) = (candidate, candidateLoss, candidateGradient)
            if improvement < 1e-7 * max(1, abs(loss)) || sqrt(dot(gradient, gradient)) < 1e-6 { break }
        }
        return w
    }

    /// FISTA for the L1 penalty: gradient steps on the smooth part, soft-thresholding of the weights.
    func fista(_ problem: Problem, start: [Float]) -> [Float] {
        var w = start, previous = start, momentumPoint = start
        var t: Float = 1, step: Float = 1
        let weightCount = problem.features * problem.outputs
        for _ in 0..<(maximumIterations * 2) {
            let (loss, gradient) = problem.lossAndGradient(momentumPoint)
            var next = w
            // Backtracking on the smooth part's quadratic upper bound.
            for _ in 0..<30 {
                next = zip(momentumPoint, gradient).map { $0 - step * $1 }
                for i in 0..<weightCount {
                    let threshold = step * l1
                    next[i] = next[i] > threshold ? next[i] - threshold : next[i] < -threshold ? next[i] + threshold : 0
                }
                let difference = zip(next, momentumPoint).map { $0 - $1 }
                let bound = loss + dot(gradient, difference) + dot(difference, difference) / (2 * step)
                if problem.loss(next) <= bound + 1e-7 { break }
                step /= 2
            }
            previous = w
            w = next
            let nextT = (1 + (1 + 4 * t * t).squareRoot()) / 2
            momentumPoint = zip(w, previous).map { $0 + (t - 1) / nextT * ($0 - $1) }
            t = nextT
            let change = zip(w, previous).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            if change.squareRoot() < 1e-6 * max(1, dot(w, w).squareRoot()) { break }
        }
        return w
    }

    private func dot(_ a: [Float], _ b: [Float]) -> Float {
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in (0..<a.count).reduce(Float(0)) { $0 + a[$1] * b[$1] } } }
    }
}

/// The smooth objective of a probe: mean loss plus λ₂/2·‖w‖², over [weights | bias].
struct Problem: Sendable {
    let x: Tensor
    let labels: [Double]
    let kind: LinearProbe.Kind
    let l2: Float

    var features: Int { x.rowSize }
    var outputs: Int { kind.outputs }
    var size: Int { features * outputs + outputs }

    /// The objective alone (one product, not two), for line searches.
    func loss(_ parameters: [Float]) -> Float {
        evaluate(parameters, gradient: false).loss
    }

    func lossAndGradient(_ parameters: [Float]) -> (loss: Float, gradient: [Float]) {
        evaluate(parameters, gradient: true)
    }

    private func evaluate(_ parameters: [Float], gradient wantsGradient: Bool) -> (loss: Float, gradient: [Float]) {
        let n = x.rows, d = features, k = outputs
        let weights = Array(parameters[..<(d * k)]), bias = Array(parameters[(d * k)...])
        let scores = LinearProbe.scores(x, weights: weights, bias: bias, outputs: k)
        var residual = [Float](repeating: 0, count: n * k)
        var loss: Double = 0
        for row in 0..<n {
            let label = labels[row]
            switch kind {
            case .logistic:
                let z = Double(scores[row]), y = label
                loss += max(z, 0) - z * y + log1p(exp(-abs(z)))
                residual[row] = Float(1 / (1 + exp(-z)) - y)
            case .linear:
                let e = Double(scores[row]) - label
                loss += e * e / 2
                residual[row] = Float(e)
            case .multinomial(let classes):
                let slice = scores[(row * classes)..<((row + 1) * classes)].map(Double.init)
                let largest = slice.max()!
                let exps = slice.map { exp($0 - largest) }
                let total = exps.reduce(0, +)
                let target = Int(label)
                loss -= log(max(exps[target] / total, 1e-300))
                for c in 0..<classes { residual[row * classes + c] = Float(exps[c] / total - (c == target ? 1 : 0)) }
            }
        }
        let penalty = Double(l2) / 2 * weights.reduce(0) { $0 + Double($1 * $1) }
        guard wantsGradient else { return (Float(loss / Double(n) + penalty), []) }
        var gradient = [Float](repeating: 0, count: size)
        var weightGradient = [Float](repeating: 0, count: d * k)
        BLASBridge.multiply(x.storage, transposeA: true, residual, into: &weightGradient, m: d, n: k, k: n)
        let scale = 1 / Float(n)
        for i in 0..<(d * k) { gradient[i] = weightGradient[i] * scale + l2 * weights[i] }
        for row in 0..<n { for c in 0..<k { gradient[d * k + c] += residual[row * k + c] * scale } }
        return (Float(loss / Double(n) + penalty), gradient)
    }

    /// 1 for the `keep` features with the largest weight magnitude (across outputs), 0 elsewhere; the bias stays free.
    func supportMask(_ parameters: [Float], keep: Int) -> [Float] {
        let k = outputs
        let magnitude = (0..<features).map { feature in (0..<k).reduce(Float(0)) { $0 + abs(parameters[feature * k + $1]) } }
        let kept = Set(magnitude.indices.sorted { magnitude[$0] > magnitude[$1] }.prefix(keep))
        var mask = [Float](repeating: 0, count: size)
        for feature in kept { for c in 0..<k { mask[feature * k + c] = 1 } }
        for c in 0..<k { mask[features * k + c] = 1 }
        return mask
    }
}
