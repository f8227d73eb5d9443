import Dispatch
import Foundation
import Neural

/// The eigendecomposition of the standardised training activations' covariance,
/// C = ZᵀZ/n (Z the centred, standardised rows), computed once per checkpoint × layer
/// and shared by every concept and every penalty fitted there.
///
/// It makes ridge regression exact for any penalty at the cost of two small matrix
/// products (`ridge(_:penalties:)`), and gives logistic and multinomial probes a
/// preconditioner, (c·C + λI)^(-1/2), under which their Hessian starts as the identity
/// (`preconditioner(curvature:penalty:)`).
///
/// With fewer rows than features it decomposes the n × n kernel ZZᵀ/n instead (the
/// dual form) and keeps the n directions of the row space; the covariance is zero
/// on the rest.
///
/// ```swift
/// let spectrum = SpectralDesign(StandardizedActivations(fitting: train))
/// let path = spectrum.ridge([target], penalties: [10, 1, 0.1])  // path[p][t]: one probe per penalty and target
/// ```
public struct SpectralDesign: Sendable {
    /// Which matrix was decomposed.
    public enum Form: String, Sendable {
        /// The features × features covariance (more rows than features).
        case primal
        /// The rows × rows kernel (fewer rows than features).
        case dual
    }

    public let design: StandardizedActivations
    public let form: Form
    /// Eigenvalues of C for the directions kept, ascending.
    public let eigenvalues: [Double]
    /// The rows used (all rows, or a target's labelled rows).
    public let rows: [Int]
    /// The standardised features' mean over `rows` (zero when `rows` are all the rows).
    let centre: [Double]
    /// Orthonormal eigenvectors of C, one row of `features` values per eigenvalue.
    let basis: [Double]
    /// `basis` in single precision, for the preconditioner's products on every iteration.
    let singleBasis: [Float]

    public var features: Int { design.features }
    /// Directions kept: every feature (primal) or the row space (dual).
    public var rank: Int { eigenvalues.count }

    /// Decomposes the covariance of `design`'s rows, or of a subset of them (a target's
    /// labelled rows, when some are unlabelled). Nil when LAPACK fails to converge.
    public init?(_ design: StandardizedActivations, rows subset: [Int]? = nil) {
        let d = design.features
        let rows = subset ?? Array(0..<design.rows)
        let n = rows.count
        precondition(n > 0, "no rows to decompose")
        self.design = design
        self.rows = rows
        let centre = subset == nil ? [Double](repeating: 0, count: d) : Self.mean(of: design, rows: rows)
        self.centre = centre
        if n >= d {
            form = .primal
            var gram = Self.gram(design, rows: rows, centre: centre)
            for index in gram.indices { gram[index] /= Double(n) }
            guard let values = BLAS.symmetricEigen(&gram, n: d) else { return nil }
            eigenvalues = values.map { max($0, 0) }
            basis = gram
            singleBasis = gram.map(Float.init)
        } else {
            form = .dual
            let z = Self.standardised(design, rows: rows, centre: centre)
            var kernel = [Double](repeating: 0, count: n * n)
            z.withUnsafeBufferPointer { z in
                kernel.withUnsafeMutableBufferPointer { k in
                    BLAS.dgemm(z.baseAddress!, z.baseAddress!, transposeB: true, k.baseAddress!, m: n, n: n, k: d, alpha: 1 / Double(n))
                }
            }
            guard let values = BLAS.symmetricEigen(&kernel, n: n) else { return nil }
            // Directions with no variance carry no information; a relative floor keeps rounding noise out.
            let floor = (values.last ?? 0) * 1e-12
            let kept = values.indices.filter { values[$0] > floor }
            // v = Zᵀu / √(n·λ): the unit feature-space direction of kernel eigenvector u (a row of `kernel`).
            var chosen = [Double](repeating: 0, count: kept.count * n)
            for (slot, index) in kept.enumerated() {
                let scale = 1 / (Double(n) * values[index]).squareRoot()
                for sample in 0..<n { chosen[slot * n + sample] = kernel[index * n + sample] * scale }
            }
            var vectors = [Double](repeating: 0, count: kept.count * d)
            chosen.withUnsafeBufferPointer { u in
                z.withUnsafeBufferPointer { z in
                    vectors.withUnsafeMutableBufferPointer { v in
                        BLAS.dgemm(u.baseAddress!, z.baseAddress!, v.baseAddress!, m: kept.count, n: d, k: n)
                    }
                }
            }
            eigenvalues = kept.map { values[$0] }
            basis = vectors
            singleBasis = vectors.map(Float.init)
        }
    }

    /// The standardised features' mean over `rows`: (μ_rows − μ)/σ.
    private static func mean(of design: StandardizedActivations, rows: [Int]) -> [Double] {
        let d = design.features
        var sums = [Double](repeating: 0, count: d)
        design.raw.storage.withUnsafeBufferPointer { x in
            for row in rows { for feature in 0..<d { sums[feature] += Double(x[row * d + feature]) } }
        }
        return (0..<d).map { (sums[$0] / Double(rows.count) - Double(design.mean[$0])) / Double(design.deviation[$0]) }
    }

    /// Rows per block of the Gram accumulation: a block's standardised copy stays in L2.
    private static let blockRows = 256

    /// ZᵀZ over `rows`, Z standardised and centred, in double precision, the blocks of
    /// rows spread over the cores (each summing its own matrix, added in block order).
    private static func gram(_ design: StandardizedActivations, rows: [Int], centre: [Double]) -> [Double] {
        let d = design.features, n = rows.count
        let parts = max(1, min(processorCount, n / blockRows))
        var partials = [[Double]](repeating: [], count: parts)
        partials.withUnsafeMutableBufferPointer { partials in
            nonisolated(unsafe) let partials = partials
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var gram = [Double](repeating: 0, count: d * d)
                let range = (part * n / parts)..<((part + 1) * n / parts)
                var block = [Double](repeating: 0, count: blockRows * d)
                for first in stride(from: range.lowerBound, to: range.upperBound, by: blockRows) {
                    let count = min(blockRows, range.upperBound - first)
                    standardise(design, rows: rows[first..<(first + count)], centre: centre, into: &block)
                    block.withUnsafeBufferPointer { a in
                        gram.withUnsafeMutableBufferPointer { g in BLAS.addGram(a.baseAddress!, rows: count, columns: d, into: g.baseAddress!) }
                    }
                }
                partials[part] = gram
            }
        }
        var gram = partials[0]
        for part in partials.dropFirst() { for index in gram.indices { gram[index] += part[index] } }
        gram.withUnsafeMutableBufferPointer { BLAS.symmetrize($0.baseAddress!, n: d) }
        return gram
    }

    /// The standardised, centred rows [rows × features] in double precision.
    private static func standardised(_ design: StandardizedActivations, rows: [Int], centre: [Double]) -> [Double] {
        var z = [Double](repeating: 0, count: rows.count * design.features)
        standardise(design, rows: rows[...], centre: centre, into: &z)
        return z
    }

    private static func standardise(_ design: StandardizedActivations, rows: ArraySlice<Int>, centre: [Double], into z: inout [Double]) {
        let d = design.features
        design.raw.storage.withUnsafeBufferPointer { x in
            z.withUnsafeMutableBufferPointer { z in
                for (slot, row) in rows.enumerated() {
                    for feature in 0..<d {
                        z[slot * d + feature] = (Double(x[row * d + feature]) - Double(design.mean[feature])) / Double(design.deviation[feature])
                            - centre[feature]
                    }
                }
            }
        }
    }

    /// V·B for B [features × columns] (row-major): coordinates on the eigenbasis [rank × columns].
    func project(_ b: [Double], columns: Int) -> [Double] {
        var projected = [Double](repeating: 0, count: rank * columns)
        basis.withUnsafeBufferPointer { v in
            b.withUnsafeBufferPointer { b in
                projected.withUnsafeMutableBufferPointer { p in
                    BLAS.dgemm(v.baseAddress!, b.baseAddress!, p.baseAddress!, m: rank, n: columns, k: features)
                }
            }
        }
        return projected
    }

    /// Vᵀ·diag(scales)·P for coordinates P [rank × columns]: back to feature space, each
    /// eigen-direction scaled.
    func expand(_ projected: [Double], columns: Int, scales: [Double]) -> [Double] {
        var scaled = projected
        for i in 0..<rank { for c in 0..<columns { scaled[i * columns + c] *= scales[i] } }
        var result = [Double](repeating: 0, count: features * columns)
        basis.withUnsafeBufferPointer { v in
            scaled.withUnsafeBufferPointer { p in
                result.withUnsafeMutableBufferPointer { out in
                    BLAS.dgemm(v.baseAddress!, transposeA: true, p.baseAddress!, out.baseAddress!, m: features, n: columns, k: rank)
                }
            }
        }
        return result
    }

    /// Zᵀy/n over `rows` for each target's labels (columns of the result, row-major
    /// [features × targets]), y centred at its mean; and those means.
    func crossProducts(_ labels: [[Double]]) -> (products: [Double], means: [Double]) {
        let d = features, t = labels.count, n = rows.count
        let means = labels.map { label in rows.reduce(0) { $0 + label[$1] } / Double(n) }
        var products = [Double](repeating: 0, count: d * t)
        var block = [Double](repeating: 0, count: Self.blockRows * d)
        var centred = [Double](repeating: 0, count: Self.blockRows * t)
        for first in stride(from: 0, to: n, by: Self.blockRows) {
            let count = min(Self.blockRows, n - first)
            Self.standardise(design, rows: rows[first..<(first + count)], centre: centre, into: &block)
            for slot in 0..<count { for target in 0..<t { centred[slot * t + target] = labels[target][rows[first + slot]] - means[target] } }
            block.withUnsafeBufferPointer { z in
                centred.withUnsafeBufferPointer { y in
                    products.withUnsafeMutableBufferPointer { out in
                        BLAS.dgemm(z.baseAddress!, transposeA: true, y.baseAddress!, out.baseAddress!, m: d, n: t, k: count,
                                   alpha: 1 / Double(n), beta: 1)
                    }
                }
            }
        }
        return (products, means)
    }
}
