import Foundation
import Neural

/// P = (c·C + λI)^(-1/2), whose square serves L-BFGS as the initial inverse Hessian of
/// a probe's objective: C the standardised training covariance, c the loss's mean
/// curvature at the starting weights (at zero weights ¼ for the logistic loss,
/// (k−1)/k² per class for the multinomial, 1 for squares) and λ the L2 penalty. The
/// objective's Hessian at the start is then close to P⁻², so quasi-Newton steps are well
/// scaled from the first — also at weak penalties, where a confident start has far less
/// curvature than zero weights.
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

    init(spectrum: SpectralDesign, kind: LinearProbe.Kind, penalty: Float, curvature: Double? = nil) {
        let curvature = curvature ?? Self.curvatureAtZero(kind)
        self.spectrum = spectrum
        outputs = kind.outputs
        let rest = 1 / Double(penalty).squareRoot()
        self.rest = Float(rest)
        excess = spectrum.eigenvalues.map { Float(1 / (curvature * $0 + Double(penalty)).squareRoot() - rest) }
        biasScale = Float(1 / curvature.squareRoot())
    }

    /// The mean curvature of the loss per score at zero weights.
    static func curvatureAtZero(_ kind: LinearProbe.Kind) -> Double {
        switch kind {
        case .logistic: 0.25
        case .linear: 1
        case .multinomial(let classes): Double(classes - 1) / Double(classes * classes)
        }
    }

    /// The weighted mean curvature of `target`'s loss per score, p(1 − p) averaged over
    /// rows (and classes), at the probe's scores of the raw `activations`; never below
    /// a thousandth of the curvature at zero, so that a nearly separated start cannot
    /// blow the preconditioner up.
    static func curvature(of target: ProbeTarget, probe: LinearProbe, activations: Tensor) -> Double {
        let atZero = curvatureAtZero(target.kind)
        guard target.kind != .linear else { return atZero }
        let scores = probe.scores(activations), k = target.kind.outputs
        var total = 0.0, weight = 0.0
        for row in target.weights.indices where target.weights[row] > 0 {
            if k == 1 {
                let p = 1 / (1 + exp(-Double(scores[row])))
                total += target.weights[row] * p * (1 - p)
            } else {
                let slice = scores[(row * k)..<((row + 1) * k)].map(Double.init)
                let largest = slice.max()!
                let exponentials = slice.map { exp($0 - largest) }
                let sum = exponentials.reduce(0, +)
                total += target.weights[row] * exponentials.reduce(0) { $0 + ($1 / sum) * (1 - $1 / sum) } / Double(k)
            }
            weight += target.weights[row]
        }
        return max(total / max(weight, 1e-300), atZero * 1e-3)
    }

    /// P²·v for each vector (laid out [weights (features × outputs) | bias (outputs)])
    /// with its own preconditioner, all of the same spectrum: one product with the
    /// eigenvectors on the way in and one on the way out, however many vectors.
    static func applySquared(_ preconditioners: [Preconditioner], to vectors: [[Float]]) -> [[Float]] {
        guard let spectrum = preconditioners.first?.spectrum else { return [] }
        let d = spectrum.features, r = spectrum.rank
        let offsets = preconditioners.reduce(into: [0]) { $0.append($0.last! + $1.outputs) }
        let width = offsets.last!
        var stacked = [Float](repeating: 0, count: d * width)
        for (slot, (preconditioner, vector)) in zip(preconditioners, vectors).enumerated() {
            let k = preconditioner.outputs
            for feature in 0..<d { for c in 0..<k { stacked[feature * width + offsets[slot] + c] = vector[feature * k + c] } }
        }
        var projected = [Float](repeating: 0, count: r * width)
        spectrum.singleBasis.withUnsafeBufferPointer { v in
            stacked.withUnsafeBufferPointer { x in
                projected.withUnsafeMutableBufferPointer { p in BLAS.gemm(v.baseAddress!, x.baseAddress!, p.baseAddress!, m: r, n: width, k: d) }
            }
        }
        // P² = ρ²I + Vᵀ·diag(s² − ρ²)·V: scale each block of columns by its own s² − ρ².
        for (slot, preconditioner) in preconditioners.enumerated() {
            let rest = preconditioner.rest * preconditioner.rest
            for i in 0..<r {
                let s = preconditioner.excess[i] + preconditioner.rest
                for c in offsets[slot]..<offsets[slot + 1] { projected[i * width + c] *= s * s - rest }
            }
        }
        var expanded = [Float](repeating: 0, count: d * width)
        spectrum.singleBasis.withUnsafeBufferPointer { v in
            projected.withUnsafeBufferPointer { p in
                expanded.withUnsafeMutableBufferPointer { out in
                    BLAS.gemm(v.baseAddress!, transposeA: true, p.baseAddress!, out.baseAddress!, m: d, n: width, k: r)
                }
            }
        }
        return zip(preconditioners, vectors).enumerated().map { slot, pair in
            let (preconditioner, vector) = pair
            let k = preconditioner.outputs, rest = preconditioner.rest * preconditioner.rest
            var result = [Float](repeating: 0, count: vector.count)
            for feature in 0..<d {
                for c in 0..<k { result[feature * k + c] = rest * vector[feature * k + c] + expanded[feature * width + offsets[slot] + c] }
            }
            for c in 0..<k { result[d * k + c] = vector[d * k + c] * preconditioner.biasScale * preconditioner.biasScale }
            return result
        }
    }
}
