import Neural

/// The symmetric map u ↦ w = (c·C + λI)^(-1/2)·u from a probe's preconditioned
/// variables to its weights, C the standardised training covariance, c the curvature of
/// the loss at zero weights (¼ for the logistic loss, (k−1)/k² per class for the
/// multinomial, 1 for squares) and λ the L2 penalty. In u the objective's Hessian at
/// zero weights is the identity, so quasi-Newton steps are well scaled from the first.
///
/// On the eigenbasis V of C it is P = ρI + Vᵀ·diag(sᵢ − ρ)·V with sᵢ = (c·Λᵢ + λ)^(-1/2)
/// and ρ = λ^(-1/2), which also covers the directions outside a dual basis (where C is 0).
/// The bias is scaled by c^(-1/2) alone: it is not penalised.
struct Preconditioner: Sendable {
    let spectrum: SpectralDesign
    let outputs: Int
    /// sᵢ − ρ per eigen-direction.
    let excess: [Float]
    let rest: Float
    let biasScale: Float

    init(spectrum: SpectralDesign, kind: LinearProbe.Kind, penalty: Float) {
        let curvature: Double = switch kind {
        case .logistic: 0.25
        case .linear: 1
        case .multinomial(let classes): Double(classes - 1) / Double(classes * classes)
        }
        self.spectrum = spectrum
        outputs = kind.outputs
        let rest = 1 / Double(penalty).squareRoot()
        self.rest = Float(rest)
        excess = spectrum.eigenvalues.map { Float(1 / (curvature * $0 + Double(penalty)).squareRoot() - rest) }
        biasScale = Float(1 / curvature.squareRoot())
    }

    /// P·u (or P⁻¹·u with `inverse`) for parameters laid out [weights (features × outputs) | bias (outputs)].
    func apply(_ u: [Float], inverse: Bool = false) -> [Float] {
        let d = spectrum.features, r = spectrum.rank, k = outputs
        // P⁻¹ has the same eigenvectors with the reciprocal scales.
        let rest = inverse ? 1 / self.rest : self.rest
        let excess = inverse ? self.excess.map { 1 / ($0 + self.rest) - rest } : self.excess
        var projected = [Float](repeating: 0, count: r * k)
        var result = [Float](repeating: 0, count: u.count)
        for index in 0..<(d * k) { result[index] = rest * u[index] }
        for c in 0..<k { result[d * k + c] = inverse ? u[d * k + c] / biasScale : u[d * k + c] * biasScale }
        spectrum.singleBasis.withUnsafeBufferPointer { v in
            u.withUnsafeBufferPointer { u in
                projected.withUnsafeMutableBufferPointer { p in
                    BLAS.gemm(v.baseAddress!, u.baseAddress!, p.baseAddress!, m: r, n: k, k: d)
                }
            }
            for i in 0..<r { for c in 0..<k { projected[i * k + c] *= excess[i] } }
            projected.withUnsafeBufferPointer { p in
                result.withUnsafeMutableBufferPointer { w in
                    BLAS.gemm(v.baseAddress!, transposeA: true, p.baseAddress!, w.baseAddress!, m: d, n: k, k: r, beta: 1)
                }
            }
        }
        return result
    }
}
