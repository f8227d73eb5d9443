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
        var sums = [Double](repeating: 0, count: d), squares = [Double](repeating: 0, count: d)
        activations.storage.withUnsafeBufferPointer { values in
            for row in 0..<n {
                for column in 0..<d {
                    let v = Double(values[row * d + column])
                    sums[column] += v
                    squares[column] += v * v
                }
            }
        }
        let count = Double(max(n, 1))
        let mean = sums.map { Float($0 / count) }
        let deviation = zip(sums, squares).map { sum, square in
            let variance = square / count - (sum / count) * (sum / count)
            return variance > 1e-12 ? Float(variance.squareRoot()) : 1
        }
        self.init(activations, mean: mean, deviation: deviation)
    }

    /// Standardises `activations` with the statistics of another split (validation and
    /// test rows are scaled as the training rows were).
    public init(_ activations: Tensor, like reference: StandardizedActivations) {
        self.init(activations, mean: reference.mean, deviation: reference.deviation)
    }

    init(_ activations: Tensor, mean: [Float], deviation: [Float]) {
        precondition(activations.rowSize == mean.count, "activations have \(activations.rowSize) features, the statistics \(mean.count)")
        var values = activations
        let d = mean.count
        let inverse = deviation.map { 1 / $0 }
        values.storage.withUnsafeMutableBufferPointer { values in
            mean.withUnsafeBufferPointer { mean in
                inverse.withUnsafeBufferPointer { inverse in
                    for start in stride(from: 0, to: values.count, by: d) {
                        for column in 0..<d { values[start + column] = (values[start + column] - mean[column]) * inverse[column] }
                    }
                }
            }
        }
        self.values = values
        self.mean = mean
        self.deviation = deviation
    }
}
