import Foundation
import Neural

/// Activations scaled per feature to zero mean and unit deviation with the statistics
/// of a training split, so that one penalty strength suits every feature and many
/// probes can be fitted on the same matrix without scaling it again.
public struct StandardizedActivations: Sendable {
    /// The standardised rows [n × features].
    public let values: Tensor
    /// Per-feature mean and deviation of the split the statistics came from.
    public let mean: [Float]
    public let deviation: [Float]

    public var rows: Int { values.rows }
    public var features: Int { values.rowSize }

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
        let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, n / (4 * run)))
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

    /// Standardises `activations` with the statistics of another split (validation and
    /// test rows are scaled as the training rows were).
    public init(_ activations: Tensor, like reference: StandardizedActivations) {
        self.init(activations, mean: reference.mean, deviation: reference.deviation)
    }

    init(_ activations: Tensor, mean: [Float], deviation: [Float]) {
        precondition(activations.rowSize == mean.count, "activations have \(activations.rowSize) features, the statistics \(mean.count)")
        let n = activations.rows, d = mean.count
        let inverse = deviation.map { 1 / $0 }
        // Written straight into fresh storage on all cores: no copy first, and the fresh pages fault in parallel.
        let standardized = [Float](unsafeUninitializedCapacity: n * d) { target, count in
            MemoryReuse.preferHugePages(target)
            nonisolated(unsafe) let target = target
            activations.storage.withUnsafeBufferPointer { source in
                nonisolated(unsafe) let source = source
                parallelFor(n) { rows in
                    mean.withUnsafeBufferPointer { mean in
                        inverse.withUnsafeBufferPointer { inverse in
                            for start in stride(from: rows.lowerBound * d, to: rows.upperBound * d, by: d) {
                                for column in 0..<d { target[start + column] = (source[start + column] - mean[column]) * inverse[column] }
                            }
                        }
                    }
                }
            }
            count = n * d
        }
        let values = Tensor(shape: activations.shape, standardized)
        self.values = values
        self.mean = mean
        self.deviation = deviation
    }
}
