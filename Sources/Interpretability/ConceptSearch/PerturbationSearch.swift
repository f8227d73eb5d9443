import Neural

/// Concept search in a continuous space (arXiv 2307.12601, tabular and image cases): for
/// each row x, an additive perturbation δ that minimises d(P(x + δ), o) + λ₁‖δ‖₁ + λ₂‖δ‖²,
/// where the caller's objective supplies d(P(·), o) and its gradient. Adam on the smooth
/// part, then a proximal (soft-threshold) step for λ₁, so unneeded coordinates stay exactly 0,
/// then (optionally) a projection onto a box of plausible values.
public struct PerturbationSearch: Codable, Sendable {
    public var l1: Float
    public var l2: Float
    public var learningRate: Float
    public var steps: Int

    public init(l1: Float = 0.01, l2: Float = 0, learningRate: Float = 0.05, steps: Int = 300) {
        self.l1 = l1
        self.l2 = l2
        self.learningRate = learningRate
        self.steps = steps
    }

    /// Copies of this search with λ₁ set to each of `values`: the points of a sweep.
    public func sweepingL1(_ values: [Float]) -> [PerturbationSearch] {
        values.map { value in
            var search = self
            search.l1 = value
            return search
        }
    }

    /// The perturbation [n × d] of `start` [n × d]. `objective(points)` returns ∂d/∂points
    /// for every row (each row's distance depends on that row only). With `bounds` (one
    /// range per column), every step is projected back into the box, so a perturbed row
    /// keeps each feature within the values the data holds (no negative population).
    public func perturbation(of start: Tensor, bounds: [ClosedRange<Float>]? = nil, objective: (Tensor) -> Tensor) -> Tensor {
        let columns = start.shape.last ?? 1
        precondition(bounds == nil || bounds!.count == columns, "one bound per column: \(bounds!.count) for \(columns) columns")
        let delta = Parameter("delta", Tensor(shape: start.shape))
        let optimizer = Adam(learningRate: learningRate)
        for _ in 0..<steps {
            var points = start
            for i in points.storage.indices { points.storage[i] += delta.value.storage[i] }
            let gradient = objective(points)
            precondition(gradient.shape == start.shape, "the objective's gradient has shape \(gradient.shape), the points \(start.shape)")
            for i in gradient.storage.indices { delta.gradient.storage[i] = gradient.storage[i] + 2 * l2 * delta.value.storage[i] }
            optimizer.step([delta])
            if l1 > 0 {
                let threshold = learningRate * l1
                for i in delta.value.storage.indices {
                    let value = delta.value.storage[i]
                    delta.value.storage[i] = value > threshold ? value - threshold : value < -threshold ? value + threshold : 0
                }
            }
            if let bounds {
                for i in delta.value.storage.indices {
                    let range = bounds[i % columns], point = start.storage[i] + delta.value.storage[i]
                    delta.value.storage[i] = min(max(point, range.lowerBound), range.upperBound) - start.storage[i]
                }
            }
        }
        return delta.value
    }
}
