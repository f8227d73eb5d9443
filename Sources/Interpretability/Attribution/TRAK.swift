import Neural

/// TRAK (Park et al., ICML 2023): how much each training example moved a model's
/// output on a target, from the model linearised around its trained weights.
///
/// Each training example i contributes the (randomly projected) gradient φᵢ of its
/// output function (e.g. the margin of its label) and the weight qᵢ = −∂loss/∂output
/// (e.g. 1 − p(label)); the target contributes the projected gradient φ of the output
/// being explained. The score of example i is φᵀ (ΦᵀΦ + λI)⁻¹ φᵢ qᵢ: a Newton step's
/// worth of influence of up-weighting i on the target, positive when training on i
/// raised it. Several models (independent runs or checkpoints) are averaged by the caller.
public struct TRAK: Sendable {
    /// λ as a share of the kernel's mean diagonal; it keeps the kernel invertible when
    /// there are fewer training rows than projected dimensions.
    public let damping: Double

    public init(damping: Double = 1e-3) {
        precondition(damping >= 0)
        self.damping = damping
    }

    /// The scores of one model: `features` holds Φ (`rows` × `width`, row-major), `weights`
    /// the qᵢ, `target` the target's φ (`width`). Returns nil when the kernel is singular
    /// (no damping and fewer independent rows than `width`).
    public func scores(features: [Float], rows: Int, width: Int, weights: [Float], target: [Float]) -> [Double]? {
        precondition(features.count == rows * width && weights.count == rows && target.count == width)
        // The kernel ΦᵀΦ, then the solve in double precision: it is the ill-conditioned step.
        var kernel = [Float](repeating: 0, count: width * width)
        BLAS.gemm(features, transposeA: true, features, &kernel, m: width, n: width, k: rows)
        var matrix = kernel.map(Double.init)
        let ridge = damping * (0..<width).reduce(0) { $0 + matrix[$1 * width + $1] } / Double(width)
        for index in 0..<width { matrix[index * width + index] += ridge }
        var solution = target.map(Double.init)
        guard BLAS.solvePositiveDefinite(matrix, n: width, &solution) else { return nil }
        let direction = solution.map(Float.init)
        var projected = [Float](repeating: 0, count: rows)
        features.withUnsafeBufferPointer { phi in
            direction.withUnsafeBufferPointer { x in
                projected.withUnsafeMutableBufferPointer { y in
                    BLAS.gemv(phi.baseAddress!, x.baseAddress!, y.baseAddress!, m: rows, n: width)
                }
            }
        }
        return (0..<rows).map { Double(projected[$0]) * Double(weights[$0]) }
    }
}
