import Dispatch
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
    /// with its own preconditioner, all of the same spectrum. The eigenvectors are read
    /// in blocks that stay in cache while every vector of a core passes through them, so
    /// they come from memory once per core, however many vectors; and each vector has
    /// products of its own, so its result is the same whichever vectors share the call.
    static func applySquared(_ preconditioners: [Preconditioner], to vectors: [[Float]]) -> [[Float]] {
        guard let spectrum = preconditioners.first?.spectrum else { return [] }
        let d = spectrum.features, r = spectrum.rank
        // Vᵀ·diag(s² − ρ²)·V·v per vector, accumulated over blocks of eigenvectors.
        let expanded = UnsafeMutableBufferPointer<[Float]>.allocate(capacity: vectors.count)
        _ = expanded.initialize(from: preconditioners.map { [Float](repeating: 0, count: d * $0.outputs) })
        defer { expanded.deinitialize().deallocate() }
        let parts = min(processorCount, vectors.count)
        spectrum.singleBasis.withUnsafeBufferPointer { basis in
            nonisolated(unsafe) let (basis, expanded) = (basis, expanded)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let mine = (part * vectors.count / parts)..<((part + 1) * vectors.count / parts)
                var projected = [Float](repeating: 0, count: blockRows * (preconditioners.map(\.outputs).max() ?? 1))
                for first in stride(from: 0, to: r, by: blockRows) {
                    let count = min(blockRows, r - first)
                    let block = basis.baseAddress! + first * d
                    for index in mine {
                        let preconditioner = preconditioners[index], k = preconditioner.outputs
                        let rest = preconditioner.rest * preconditioner.rest
                        vectors[index].withUnsafeBufferPointer { v in
                            projected.withUnsafeMutableBufferPointer { p in
                                // One output: matrix-vector products, which read the block in place (a product
                                // of matrices would first copy it into packed panels, for every vector).
                                if k == 1 {
                                    BLAS.gemv(block, v.baseAddress!, p.baseAddress!, m: count, n: d)
                                } else {
                                    BLAS.gemm(block, v.baseAddress!, p.baseAddress!, m: count, n: k, k: d, parallel: false)
                                }
                                for i in 0..<count {
                                    let s = preconditioner.excess[first + i] + preconditioner.rest
                                    for c in 0..<k { p[i * k + c] *= s * s - rest }
                                }
                                expanded[index].withUnsafeMutableBufferPointer { out in
                                    if k == 1 {
                                        BLAS.gemv(block, transpose: true, p.baseAddress!, out.baseAddress!, m: count, n: d, beta: 1)
                                    } else {
                                        BLAS.gemm(block, transposeA: true, p.baseAddress!, out.baseAddress!, m: d, n: k, k: count, beta: 1,
                                                  parallel: false)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // P² = ρ²I + Vᵀ·diag(s² − ρ²)·V; the bias is scaled alone.
        return zip(preconditioners, vectors).enumerated().map { index, pair in
            let (preconditioner, vector) = pair
            let k = preconditioner.outputs, rest = preconditioner.rest * preconditioner.rest
            var result = [Float](repeating: 0, count: vector.count)
            for i in 0..<(d * k) { result[i] = rest * vector[i] + expanded[index][i] }
            for c in 0..<k { result[d * k + c] = vector[d * k + c] * preconditioner.biasScale * preconditioner.biasScale }
            return result
        }
    }

    /// Eigenvectors per block: 64 rows of a few thousand features stay in the L2 cache.
    private static let blockRows = 64
}
