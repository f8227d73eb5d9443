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

        /// Scores per row: one, or one per class.
        public var outputs: Int {
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

    public init(kind: Kind, weights: [Float], bias: [Float], mean: [Float], deviation: [Float]) {
        precondition(weights.count == mean.count * kind.outputs && bias.count == kind.outputs && deviation.count == mean.count)
        self.kind = kind
        self.weights = weights
        self.bias = bias
        self.mean = mean
        self.deviation = deviation
    }

    public var features: Int { mean.count }
    public var outputs: Int { kind.outputs }

    /// Raw scores [n × outputs] (logits, or the regression value) of raw activations.
    public func scores(_ activations: Tensor) -> [Float] {
        precondition(activations.rowSize == features, "activations have \(activations.rowSize) features, the probe \(features)")
        let n = activations.rows
        let (rawWeights, rawBias) = weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                StandardizedActivations(activations, mean: mean, deviation: deviation).rawParameters(weights: w, bias: b, outputs: outputs)
            }
        }
        var result = [Float](repeating: 0, count: n * outputs)
        for row in 0..<n { for k in 0..<outputs { result[row * outputs + k] = rawBias[k] } }
        activations.storage.withUnsafeBufferPointer { a in
            rawWeights.withUnsafeBufferPointer { b in
                result.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(a.baseAddress!, b.baseAddress!, c.baseAddress!, m: n, n: outputs, k: features, beta: 1)
                }
            }
        }
        return result
    }

    /// One prediction per row: P(concept) for logistic probes, the value for linear ones,
    /// the most likely class index for multinomial ones.
    public func predict(_ activations: Tensor) -> [Double] {
        predictions(fromScores: scores(activations))
    }

    /// Predictions (as `predict`) from raw scores.
    public func predictions(fromScores raw: [Float]) -> [Double] {
        switch kind {
        case .logistic: return raw.map { 1 / (1 + exp(-Double($0))) }
        case .linear: return raw.map(Double.init)
        case .multinomial(let classes):
            return (0..<(raw.count / classes)).map { row in
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

    /// A one-output probe's score at zero activations: score(a) = ⟨direction, a⟩ + intercept.
    public var intercept: Float {
        zip(direction, mean).reduce(bias[0]) { $0 - $1.0 * $1.1 }
    }
}
