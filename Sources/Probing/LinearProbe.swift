import Foundation
import Neural

/// A linear read-out of a concept from activations: standardised features times a
/// weight matrix plus a bias. Its weight vector is the concept activation vector that
/// TCAV and concept backpropagation use.
public struct LinearProbe: Sendable, Equatable {
    /// What the probe predicts.
    public enum Kind: Sendable, Equatable {
        /// A binary concept: logistic regression, output P(concept).
        case logistic
        /// A scalar concept: (ridge) linear regression.
        case linear
        /// A categorical concept: multinomial logistic regression over `classes`.
        case multinomial(classes: Int)

        var outputs: Int {
            if case .multinomial(let classes) = self { return classes }
            return 1
        }
    }

    public let kind: Kind
    /// Feature-major weights [features × outputs], applied to standardised features.
    public var weights: [Float]
    public var bias: [Float]
    /// Per-feature mean and standard deviation of the training split.
    public let mean: [Float]
    public let deviation: [Float]

    public var features: Int { mean.count }
    public var outputs: Int { kind.outputs }

    /// Raw scores [n × outputs] (logits, or the regression value).
    public func scores(_ activations: Tensor) -> [Float] {
        let standardized = Standardizer(mean: mean, deviation: deviation).apply(activations)
        return Self.scores(standardized, weights: weights, bias: bias, outputs: outputs)
    }

    static func scores(_ x: Tensor, weights: [Float], bias: [Float], outputs: Int) -> [Float] {
        let n = x.rows, d = x.rowSize
        var result = [Float](repeating: 0, count: n * outputs)
        for row in 0..<n { for k in 0..<outputs { result[row * outputs + k] = bias[k] } }
        BLASBridge.multiply(x.storage, weights, into: &result, m: n, n: outputs, k: d, accumulate: true)
        return result
    }

    /// One prediction per row: P(concept) for logistic probes, the value for linear ones,
    /// the most likely class index for multinomial ones.
    public func predict(_ activations: Tensor) -> [Double] {
        let raw = scores(activations)
        switch kind {
        case .logistic: return raw.map { 1 / (1 + exp(-Double($0))) }
        case .linear: return raw.map(Double.init)
        case .multinomial(let classes):
            return (0..<activations.rows).map { row in
                let slice = raw[(row * classes)..<((row + 1) * classes)]
                return Double(slice.indices.max { slice[$0] < slice[$1] }! - row * classes)
            }
        }
    }

    /// The concept direction in activation space (for one-output probes): the weights
    /// divided by the feature deviations, so that it applies to raw activations.
    public var direction: [Float] {
        (0..<features).map { weights[$0 * outputs] / deviation[$0] }
    }
}

/// Per-feature standardisation (zero mean, unit deviation), fitted on one split.
struct Standardizer {
    let mean: [Float]
    let deviation: [Float]

    init(mean: [Float], deviation: [Float]) {
        self.mean = mean
        self.deviation = deviation
    }

    /// Statistics of `x`'s columns; constant features get deviation 1 so that they stay 0.
    init(fitting x: Tensor) {
        let n = x.rows, d = x.rowSize
        var mean = [Double](repeating: 0, count: d), squares = [Double](repeating: 0, count: d)
        x.storage.withUnsafeBufferPointer { values in
            for row in 0..<n {
                for column in 0..<d {
                    let v = Double(values[row * d + column])
                    mean[column] += v
                    squares[column] += v * v
                }
            }
        }
        self.mean = mean.map { Float($0 / Double(n)) }
        deviation = zip(mean, squares).map { sum, square in
            let variance = square / Double(n) - (sum / Double(n)) * (sum / Double(n))
            return variance > 1e-12 ? Float(variance.squareRoot()) : 1
        }
    }

    func apply(_ x: Tensor) -> Tensor {
        var result = x
        let d = x.rowSize
        result.storage.withUnsafeMutableBufferPointer { values in
            for index in 0..<values.count {
                let column = index % d
                values[index] = (values[index] - mean[column]) / deviation[column]
            }
        }
        return result
    }
}

/// Matrix products on plain arrays for the probes.
enum BLASBridge {
    /// C (m×n) = A (m×k) · B (k×n), or C += when `accumulate`; `transposeA` reads A as k×m.
    static func multiply(_ a: [Float], transposeA: Bool = false, _ b: [Float], into c: inout [Float],
                         m: Int, n: Int, k: Int, accumulate: Bool = false) {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(a.baseAddress!, transposeA: transposeA, b.baseAddress!, c.baseAddress!, m: m, n: n, k: k, beta: accumulate ? 1 : 0)
                }
            }
        }
    }
}
