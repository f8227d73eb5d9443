import Foundation
import Neural

/// Activations seen as scaled per feature to zero mean and unit deviation with the
/// statistics of a training split, so that one penalty strength suits every feature.
///
/// The scaled matrix is never written: a linear model on standardised features is a
/// linear model on the raw ones with weights w/σ and bias b − μ·(w/σ), so the probe
/// objective folds the statistics into its weights and gradient. On a 50,000 × 4,096
/// matrix that saves a copy of 800 MB, whose page faults alone cost as much as the fit.
public struct StandardizedActivations: Sendable {
    /// The raw rows [n × features].
    public let raw: Tensor
    /// Per-feature mean and deviation of the split the statistics came from.
    public let mean: [Float]
    public let deviation: [Float]

    public var rows: Int { raw.rows }
    public var features: Int { raw.rowSize }

    /// Standardises `activations` [n × features] with their own statistics. Constant
    /// features get deviation 1, so that they stay 0 and carry no weight.
    public init(fitting activations: Tensor) {
        let n = activations.rows, d = activations.rowSize
        let (sums, squares) = Self.shiftedMoments(activations)
        let count = Double(max(n, 1))
        let mean = (0..<d).map { column in Float(activations.storage.isEmpty ? 0 : Double(activations.storage[column]) + sums[column] / count) }
        let deviation = (0..<d).map { column in
            let variance = squares[column] / count - (sums[column] / count) * (sums[column] / count)
            return variance > 1e-12 ? Float(variance.squareRoot()) : 1
        }
        self.init(activations, mean: mean, deviation: deviation)
    }

    /// Per-column sums of (x − x₀) and (x − x₀)², x₀ the first row: shifting by a typical
    /// value keeps the variance free of cancellation. Rows are summed in Float within
    /// short runs (fast, exact enough) and the runs in Double, on all cores.
    private static func shiftedMoments(_ activations: Tensor) -> (sums: [Double], squares: [Double]) {
        let n = activations.rows, d = activations.rowSize, run = 64
        let parts = max(1, min(processorCount, n / (4 * run)))
        var partSums = [[Double]](repeating: [], count: parts), partSquares = partSums
        activations.storage.withUnsafeBufferPointer { values in
            nonisolated(unsafe) let values = values
            partSums.withUnsafeMutableBufferPointer { partSums in
                partSquares.withUnsafeMutableBufferPointer { partSquares in
                    nonisolated(unsafe) let (partSums, partSquares) = (partSums, partSquares)
                    parallelFor(parts, minimumChunk: 1) { range in
                        for part in range {
                            var sums = [Double](repeating: 0, count: d), squares = sums
                            let runSums = UnsafeMutablePointer<Float>.allocate(capacity: d), runSquares = UnsafeMutablePointer<Float>.allocate(capacity: d)
                            defer { runSums.deallocate(); runSquares.deallocate() }
                            let base = values.baseAddress!
                            for first in stride(from: part * n / parts, to: (part + 1) * n / parts, by: run) {
                                runSums.initialize(repeating: 0, count: d)
                                runSquares.initialize(repeating: 0, count: d)
                                for row in first..<min(first + run, (part + 1) * n / parts) {
                                    let values = base + row * d
                                    for column in 0..<d {
                                        let v = values[column] - base[column]
                                        runSums[column] += v
                                        runSquares[column] += v * v
                                    }
                                }
                                for column in 0..<d {
                                    sums[column] += Double(runSums[column])
                                    squares[column] += Double(runSquares[column])
                                }
                            }
                            partSums[part] = sums
                            partSquares[part] = squares
                        }
                    }
                }
            }
        }
        let sums = (0..<d).map { column in partSums.reduce(0) { $0 + ($1.isEmpty ? 0 : $1[column]) } }
        let squares = (0..<d).map { column in partSquares.reduce(0) { $0 + ($1.isEmpty ? 0 : $1[column]) } }
        return (sums, squares)
    }

    /// `activations` seen with the statistics of another split (validation and test rows
    /// are scaled as the training rows were).
    public init(_ activations: Tensor, like reference: StandardizedActivations) {
        self.init(activations, mean: reference.mean, deviation: reference.deviation)
    }

    init(_ activations: Tensor, mean: [Float], deviation: [Float]) {
        precondition(activations.rowSize == mean.count, "activations have \(activations.rowSize) features, the statistics \(mean.count)")
        raw = activations
        self.mean = mean
        self.deviation = deviation
    }

    /// Weights and biases of a model on the standardised features as ones on the raw
    /// features: w/σ (feature-major, `outputs` per feature) and b − μ·(w/σ).
    func rawParameters(weights: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>, outputs: Int) -> (weights: [Float], bias: [Float]) {
        var rawWeights = [Float](repeating: 0, count: weights.count)
        var shift = bias.map(Double.init)
        for feature in 0..<features {
            let inverse = 1 / deviation[feature]
            for c in 0..<outputs {
                let w = weights[feature * outputs + c] * inverse
                rawWeights[feature * outputs + c] = w
                shift[c] -= Double(mean[feature]) * Double(w)
            }
        }
        return (rawWeights, shift.map(Float.init))
    }
}
