import DataFiles
import Foundation
import Neural

/// A small non-linear probe: one hidden layer of ReLU units between the standardised
/// activations and the concept's scores (a logit, a value, or one logit per class).
/// Where a linear probe fails and this one reads the concept, the layer holds it in a
/// form that is not linearly decodable.
///
/// ```swift
/// let (probe, epochs) = MLPProbe.Fitter(seed: 1).fit(design, target: target) { candidate in
///     Metrics.rocAUC(labels: validationLabels, scores: candidate.scores(validation).map(Double.init))
/// }
/// ```
public struct MLPProbe: Sendable {
    public let kind: LinearProbe.Kind
    /// Per-feature mean and deviation of the training split.
    public let mean: [Float]
    public let deviation: [Float]
    /// The layers' parameters: [features × hidden] (feature-major), [hidden], [hidden × outputs], [outputs].
    let hiddenWeights: [Float], hiddenBias: [Float], outputWeights: [Float], outputBias: [Float]

    public var features: Int { mean.count }
    public var hidden: Int { hiddenBias.count }

    /// Raw scores [n × outputs] of raw activations.
    public func scores(_ activations: Tensor) -> [Float] {
        let n = activations.rows, d = features, h = hidden, k = kind.outputs
        precondition(activations.rowSize == d, "activations have \(activations.rowSize) features, the probe \(d)")
        var standardised = [Float](repeating: 0, count: n * d)
        for row in 0..<n { for j in 0..<d { standardised[row * d + j] = (activations.storage[row * d + j] - mean[j]) / deviation[j] } }
        return Self.forward(standardised, rows: n, features: d, hidden: h, outputs: k, hiddenWeights, hiddenBias, outputWeights, outputBias).scores
    }

    /// Hidden activations and scores of standardised rows.
    static func forward(_ x: [Float], rows n: Int, features d: Int, hidden h: Int, outputs k: Int, _ w1: [Float], _ b1: [Float],
                        _ w2: [Float], _ b2: [Float]) -> (hidden: [Float], scores: [Float]) {
        var hidden = [Float](repeating: 0, count: n * h)
        BLAS.gemm(x, w1, &hidden, m: n, n: h, k: d)
        for row in 0..<n { for unit in 0..<h { hidden[row * h + unit] = max(hidden[row * h + unit] + b1[unit], 0) } }
        var scores = [Float](repeating: 0, count: n * k)
        BLAS.gemm(hidden, w2, &scores, m: n, n: k, k: h)
        for row in 0..<n { for c in 0..<k { scores[row * k + c] += b2[c] } }
        return (hidden, scores)
    }

    /// Trains MLP probes by mini-batch Adam with weight decay, keeping the epoch whose
    /// probe scores best on held-out rows (early stopping).
    public struct Fitter: Sendable {
        public var hidden: Int
        public var epochs: Int
        /// Epochs without a better held-out score before training stops.
        public var patience: Int
        public var batchSize: Int
        public var learningRate: Float
        public var weightDecay: Float
        public var seed: UInt64

        public init(hidden: Int = 64, epochs: Int = 200, patience: Int = 20, batchSize: Int = 256, learningRate: Float = 1e-3,
                    weightDecay: Float = 1, seed: UInt64 = 1) {
            self.hidden = hidden
            self.epochs = epochs
            self.patience = patience
            self.batchSize = batchSize
            self.learningRate = learningRate
            self.weightDecay = weightDecay
            self.seed = seed
        }

        /// Fits one probe of `target` on `design`'s rows. `heldOut` scores a candidate
        /// (higher is better) after every epoch and the best epoch's probe is kept; without
        /// it every epoch runs and the last is kept (as for a control task, trained for as
        /// many epochs as its concept's probe). Returns the probe and its epoch count.
        public func fit(_ design: StandardizedActivations, target: ProbeTarget,
                        heldOut: ((MLPProbe) -> Double)? = nil) -> (probe: MLPProbe, epochs: Int) {
            let d = design.features, h = hidden, k = target.kind.outputs
            var random = SplitMix64(seed: seed)
            // He initialisation for the ReLU layer, Glorot-like for the read-out.
            func initial(_ count: Int, fanIn: Int, gain: Double) -> [Float] {
                (0..<count).map { _ in
                    let u = max(random.nextUnit(), 1e-12), v = random.nextUnit()
                    return Float((-2 * log(u)).squareRoot() * cos(2 * .pi * v) * (gain / Double(fanIn)).squareRoot())
                }
            }
            var w1 = initial(d * h, fanIn: d, gain: 2), b1 = [Float](repeating: 0, count: h)
            var w2 = initial(h * k, fanIn: h, gain: 1), b2 = [Float](repeating: 0, count: k)
            // Scalar labels are standardised for training, as the linear probes' are.
            let rows = target.labelledIndices
            let labelMean = target.kind == .linear ? rows.reduce(0) { $0 + target.labels[$1] } / Double(max(rows.count, 1)) : 0
            let labelScale = target.kind == .linear
                ? max((rows.reduce(0) { $0 + pow(target.labels[$1] - labelMean, 2) } / Double(max(rows.count, 1))).squareRoot(), 1e-12) : 1
            func probe() -> MLPProbe {
                // Fold the label scale back into the read-out.
                let scale = Float(labelScale), shift = Float(labelMean)
                return MLPProbe(kind: target.kind, mean: design.mean, deviation: design.deviation, hiddenWeights: w1, hiddenBias: b1,
                                outputWeights: w2.map { $0 * scale }, outputBias: b2.map { $0 * scale + shift })
            }
            var moments = [w1.count, b1.count, w2.count, b2.count].map { Moments(count: $0) }
            var step = 0
            var best: (probe: MLPProbe, score: Double, epochs: Int)?
            var sinceBest = 0
            for epoch in 1...max(epochs, 1) {
                let order = rows.shuffled(using: &random)
                for start in stride(from: 0, to: order.count, by: batchSize) {
                    let batch = Array(order[start..<min(start + batchSize, order.count)])
                    var x = [Float](repeating: 0, count: batch.count * d)
                    design.raw.storage.withUnsafeBufferPointer { raw in
                        for (slot, row) in batch.enumerated() {
                            for j in 0..<d { x[slot * d + j] = (raw[row * d + j] - design.mean[j]) / design.deviation[j] }
                        }
                    }
                    let (hiddenValues, scores) = MLPProbe.forward(x, rows: batch.count, features: d, hidden: h, outputs: k, w1, b1, w2, b2)
                    let residual = Self.residuals(scores, rows: batch, target: target, outputs: k, labelMean: labelMean, labelScale: labelScale)
                    // Backward: ∂w2 = Hᵀr, ∂b2 = Σr, ∂H = r·w2ᵀ masked by the ReLU, ∂w1 = Xᵀ∂H, ∂b1 = Σ∂H.
                    var gw2 = [Float](repeating: 0, count: h * k), gw1 = [Float](repeating: 0, count: d * h)
                    BLAS.gemm(hiddenValues, transposeA: true, residual, &gw2, m: h, n: k, k: batch.count)
                    var gb2 = [Float](repeating: 0, count: k)
                    for slot in batch.indices { for c in 0..<k { gb2[c] += residual[slot * k + c] } }
                    var gHidden = [Float](repeating: 0, count: batch.count * h)
                    BLAS.gemm(residual, w2, transposeB: true, &gHidden, m: batch.count, n: h, k: k)
                    for index in gHidden.indices where hiddenValues[index] <= 0 { gHidden[index] = 0 }
                    BLAS.gemm(x, transposeA: true, gHidden, &gw1, m: d, n: h, k: batch.count)
                    var gb1 = [Float](repeating: 0, count: h)
                    for slot in batch.indices { for unit in 0..<h { gb1[unit] += gHidden[slot * h + unit] } }
                    step += 1
                    adam(&w1, gw1, &moments[0], step: step, decay: weightDecay)
                    adam(&b1, gb1, &moments[1], step: step, decay: 0)
                    adam(&w2, gw2, &moments[2], step: step, decay: weightDecay)
                    adam(&b2, gb2, &moments[3], step: step, decay: 0)
                }
                guard let heldOut else { continue }
                let candidate = probe()
                let score = heldOut(candidate)
                if best == nil || score > best!.score || best!.score.isNaN {
                    best = (candidate, score, epoch)
                    sinceBest = 0
                } else {
                    sinceBest += 1
                    if sinceBest >= patience { break }
                }
            }
            return best.map { ($0.probe, $0.epochs) } ?? (probe(), max(epochs, 1))
        }

        /// ∂(weighted mean loss)/∂score per row of the batch.
        private static func residuals(_ scores: [Float], rows: [Int], target: ProbeTarget, outputs k: Int, labelMean: Double,
                                      labelScale: Double) -> [Float] {
            var result = [Float](repeating: 0, count: scores.count)
            let total = rows.reduce(0) { $0 + target.weights[$1] }
            for (slot, row) in rows.enumerated() {
                let weight = target.weights[row] / max(total, 1e-300), label = target.labels[row]
                switch target.kind {
                case .logistic:
                    result[slot] = Float(weight * (1 / (1 + exp(-Double(scores[slot]))) - label))
                case .linear:
                    result[slot] = Float(weight * (Double(scores[slot]) - (label - labelMean) / labelScale))
                case .multinomial:
                    let slice = scores[(slot * k)..<((slot + 1) * k)].map(Double.init)
                    let largest = slice.max()!
                    let exponentials = slice.map { exp($0 - largest) }
                    let sum = exponentials.reduce(0, +)
                    for c in 0..<k { result[slot * k + c] = Float(weight * (exponentials[c] / sum - (c == Int(label) ? 1 : 0))) }
                }
            }
            return result
        }

        /// Adam's running first and second moments of one parameter's gradient.
        private struct Moments {
            var first: [Float]
            var second: [Float]
            init(count: Int) {
                first = [Float](repeating: 0, count: count)
                second = first
            }
        }

        /// One Adam step with decoupled weight decay.
        private func adam(_ values: inout [Float], _ gradient: [Float], _ moments: inout Moments, step: Int, decay: Float) {
            let (beta1, beta2): (Float, Float) = (0.9, 0.999)
            let correction1 = 1 - pow(beta1, Float(step)), correction2 = 1 - pow(beta2, Float(step))
            for i in values.indices {
                moments.first[i] = beta1 * moments.first[i] + (1 - beta1) * gradient[i]
                moments.second[i] = beta2 * moments.second[i] + (1 - beta2) * gradient[i] * gradient[i]
                values[i] -= learningRate * ((moments.first[i] / correction1) / ((moments.second[i] / correction2).squareRoot() + 1e-8)
                                             + decay * values[i])
            }
        }
    }
}
