import DataFiles
import Foundation
import Neural
import Interpretability
import Testing

struct SpectralDesignTests {
    /// Features with very different scales and a shared component, so that standardisation
    /// and the penalty both matter; labels a noisy linear function of them.
    static func correlated(n: Int, d: Int, seed: UInt64) -> (Tensor, [Double]) {
        var random = SplitMix64(seed: seed)
        var values = [Float](), labels = [Double]()
        for _ in 0..<n {
            let shared = random.nextUnit() * 2 - 1
            let row = (0..<d).map { j in Float((random.nextUnit() - 0.5 + shared) * Double(j % 5 + 1) + Double(j)) }
            values += row
            labels.append(row.enumerated().reduce(0.0) { $0 + Double($1.element) * (Double($1.offset % 3) - 1) } + random.nextUnit())
        }
        return (Tensor(shape: [n, d], values), labels)
    }

    /// The ridge solution from the normal equations, (ZᵀZ/n + λI)·w = Zᵀ(y − ȳ)/n with Z the
    /// standardised rows centred over `rows`, solved by Cholesky in double precision.
    static func normalEquations(_ design: StandardizedActivations, labels: [Double], rows: [Int], penalty: Double) -> (weights: [Double], bias: Double) {
        let d = design.features, n = Double(rows.count)
        let z = rows.map { row in (0..<d).map { j in Double(design.raw.storage[row * d + j] - design.mean[j]) / Double(design.deviation[j]) } }
        let centre = (0..<d).map { j in z.reduce(0) { $0 + $1[j] } / n }
        let mean = rows.reduce(0) { $0 + labels[$1] } / n
        var a = [Double](repeating: 0, count: d * d), b = [Double](repeating: 0, count: d)
        for (slot, row) in rows.enumerated() {
            for i in 0..<d {
                b[i] += (z[slot][i] - centre[i]) * (labels[row] - mean) / n
                for j in 0..<d { a[i * d + j] += (z[slot][i] - centre[i]) * (z[slot][j] - centre[j]) / n }
            }
        }
        for i in 0..<d { a[i * d + i] += penalty }
        #expect(BLAS.solvePositiveDefinite(a, n: d, &b))
        return (b, mean - zip(centre, b).reduce(0) { $0 + $1.0 * $1.1 })
    }

    /// The largest weight error relative to the largest weight, or the bias error relative to the bias.
    static func relativeGap(_ probe: LinearProbe, _ reference: (weights: [Double], bias: Double)) -> Double {
        let scale = reference.weights.reduce(0) { max($0, abs($1)) }
        let weights = zip(probe.weights, reference.weights).map { abs(Double($0) - $1) }.max()! / scale
        return max(weights, abs(Double(probe.bias[0]) - reference.bias) / max(abs(reference.bias), scale))
    }

    @Test(arguments: [(400, 30), (25, 60)])
    func exactRidgeEqualsTheNormalEquations(rows n: Int, features d: Int) throws {
        let (x, labels) = Self.correlated(n: n, d: d, seed: UInt64(n))
        let design = StandardizedActivations(fitting: x)
        let spectrum = try #require(SpectralDesign(design))
        #expect(spectrum.form == (n >= d ? .primal : .dual))
        let penalties: [Float] = [10, 0.1, 1e-3]
        for (penalty, probes) in zip(penalties, spectrum.ridge([labels], penalties: penalties)) {
            let reference = Self.normalEquations(design, labels: labels, rows: Array(0..<n), penalty: Double(penalty))
            #expect(Self.relativeGap(probes[0], reference) < 1e-6, "λ = \(penalty)")
        }
    }

    @Test func ridgeOnLabelledRowsAloneEqualsTheNormalEquationsOnThem() throws {
        let (x, labels) = Self.correlated(n: 300, d: 20, seed: 3)
        let design = StandardizedActivations(fitting: x)
        let rows = (0..<300).filter { $0 % 3 != 0 }
        let spectrum = try #require(SpectralDesign(design, rows: rows))
        let probe = spectrum.ridge([labels], penalties: [0.05])[0][0]
        #expect(Self.relativeGap(probe, Self.normalEquations(design, labels: labels, rows: rows, penalty: 0.05)) < 1e-6)
    }

    /// At the optimum of a preconditioned logistic fit every gradient component, computed
    /// here from scratch in double precision, is within the fitter's relative tolerance.
    @Test func preconditionedLogisticFitStopsAtTheOptimum() throws {
        let (x, scalar) = Self.correlated(n: 1_200, d: 40, seed: 4)
        let sorted = scalar.sorted()
        let labels = scalar.map { $0 > sorted[800] ? 1.0 : 0 }
        let design = StandardizedActivations(fitting: x)
        let spectrum = try #require(SpectralDesign(design))
        let target = ProbeTarget(kind: .logistic, labels: labels, balanced: true)
        let penalty: Float = 1e-3
        let fitter = ProbeFitter(l2: penalty)
        let probe = fitter.fit(design, targets: [target], spectrum: spectrum)[0]
        func gradient(_ weights: [Float], _ bias: Float) -> [Double] {
            let d = design.features
            var result = [Double](repeating: 0, count: d + 1)
            let total = target.weights.reduce(0, +)
            for row in 0..<design.rows {
                let z = (0..<d).map { j in Double(x.storage[row * d + j] - design.mean[j]) / Double(design.deviation[j]) }
                let score = zip(z, weights).reduce(Double(bias)) { $0 + $1.0 * Double($1.1) }
                let residual = target.weights[row] * (1 / (1 + exp(-score)) - labels[row]) / total
                for j in 0..<d { result[j] += residual * z[j] }
                result[d] += residual
            }
            for j in 0..<d { result[j] += Double(penalty) * Double(weights[j]) }
            return result
        }
        let atZero = gradient([Float](repeating: 0, count: design.features), 0).map(abs).max()!
        let atOptimum = gradient(probe.weights, probe.bias[0]).map(abs).max()!
        // The fitter stops at 10⁻⁶ of its own Float gradient, or where Float stops decreasing
        // the objective; recomputed in Double the gradient is within Float's rounding of that.
        // An unconverged fit sits orders of magnitude above.
        #expect(atOptimum <= 1e-5 * atZero)
        // The plain fit reaches the same optimum.
        let plain = fitter.fit(design, targets: [target])[0]
        let gap = zip(plain.weights, probe.weights).map { abs($0 - $1) }.max()!
        #expect(gap < 1e-2 * probe.weights.map(abs).max()!)
    }
}
