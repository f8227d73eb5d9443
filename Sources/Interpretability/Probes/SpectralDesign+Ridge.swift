extension SpectralDesign {
    /// Exact ridge regressions of scalar labels on the standardised features, for every
    /// penalty: the minimisers of Σ(y − b − zᵀw)²/(2n) + λ/2·‖w‖² over this spectrum's
    /// rows, w = V·diag(1/(Λ + λ))·Vᵀ·Zᵀ(y − ȳ)/n and b = ȳ − z̄ᵀw.
    ///
    /// `labels` holds one array per target, indexed by the design's rows. The result is
    /// indexed [penalty][target]. The cost past the decomposition is two products with the
    /// eigenvectors per penalty, whatever the number of rows.
    public func ridge(_ labels: [[Double]], penalties: [Float]) -> [[LinearProbe]] {
        let d = features, t = labels.count
        let (products, means) = crossProducts(labels)
        let projected = project(products, columns: t)
        return penalties.map { penalty in
            let scales = eigenvalues.map { 1 / ($0 + Double(penalty)) }
            let weights = expand(projected, columns: t, scales: scales)
            return (0..<t).map { target in
                var bias = means[target]
                for feature in 0..<d { bias -= centre[feature] * weights[feature * t + target] }
                return LinearProbe(kind: .linear, weights: (0..<d).map { Float(weights[$0 * t + target]) }, bias: [Float(bias)],
                                   mean: design.mean, deviation: design.deviation)
            }
        }
    }
}
