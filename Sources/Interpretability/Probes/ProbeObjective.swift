import Dispatch
import Foundation
import Neural

/// The smooth objectives of several probes on one standardised matrix: for each
/// target, its weighted mean loss plus its own λ₂/2·‖w‖², over parameters laid out as
/// [weights (features × outputs, feature-major) | bias (outputs)].
///
/// One evaluation serves every requested target with a single pass over the rows: while
/// a block of rows is in cache, each target's weights multiply it and, for the gradient,
/// its residuals multiply it back. The matrix is read from memory once per evaluation
/// instead of twice per target, and read raw: the standardisation is folded into the
/// weights on the way in and into the gradient on the way out (∂/∂w = (Xᵀr − μ·Σr)/σ).
/// Each target has products of its own, so its loss and gradient are the same, to the
/// bit, whichever other targets share the pass.
struct ProbeObjective: @unchecked Sendable {
    let design: StandardizedActivations
    let targets: [ProbeTarget]
    /// λ₂ of each target.
    let l2: [Float]
    private let totalWeights: [Double]

    /// Rows per block: a block of a few thousand features stays in the L2 cache.
    private static let blockRows = 64

    init(design: StandardizedActivations, targets: [ProbeTarget], l2: [Float]) {
        precondition(l2.count == targets.count)
        for target in targets { precondition(target.labels.count == design.rows, "a target has \(target.labels.count) labels for \(design.rows) rows") }
        self.design = design
        self.targets = targets
        self.l2 = l2
        totalWeights = targets.map { max($0.weights.reduce(0, +), 1e-300) }
    }

    var features: Int { design.features }

    func size(of target: Int) -> Int { (features + 1) * targets[target].kind.outputs }

    /// Loss (and, with `gradient`, its gradient) of each target in `heads` at the matching `parameters`.
    func evaluate(_ heads: [Int], _ parameters: [[Float]], gradient wantsGradient: Bool) -> [(loss: Float, gradient: [Float])] {
        let n = design.rows, d = features
        let outputs = heads.map { targets[$0].kind.outputs }
        // Each head's weights and biases on the raw features.
        let raw = heads.indices.map { slot in
            let k = outputs[slot]
            precondition(parameters[slot].count == size(of: heads[slot]))
            return parameters[slot].withUnsafeBufferPointer { w in
                design.rawParameters(weights: UnsafeBufferPointer(rebasing: w[..<(d * k)]), bias: UnsafeBufferPointer(rebasing: w[(d * k)...]), outputs: k)
            }
        }
        let parts = n >= 4 * Self.blockRows ? processorCount : 1
        // Each part writes only its own slot of these buffers: per head, a loss sum and a gradient sum.
        let partLosses = UnsafeMutableBufferPointer<[Double]>.allocate(capacity: parts)
        let partGradients = UnsafeMutableBufferPointer<[[Float]]>.allocate(capacity: parts)
        _ = partLosses.initialize(from: repeatElement([], count: parts))
        _ = partGradients.initialize(from: repeatElement([], count: parts))
        defer {
            partLosses.deinitialize().deallocate()
            partGradients.deinitialize().deallocate()
        }
        design.raw.storage.withUnsafeBufferPointer { rows in
            nonisolated(unsafe) let (rows, partLosses, partGradients) = (rows, partLosses, partGradients)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let range = (part * n / parts)..<((part + 1) * n / parts)
                var scores = outputs.map { [Float](repeating: 0, count: Self.blockRows * $0) }
                var lossSums = [Double](repeating: 0, count: heads.count)
                var gradients = outputs.map { [Float](repeating: 0, count: wantsGradient ? (d + 1) * $0 : 0) }
                for start in stride(from: range.lowerBound, to: range.upperBound, by: Self.blockRows) {
                    let count = min(Self.blockRows, range.upperBound - start)
                    let block = rows.baseAddress! + start * d
                    for (slot, head) in heads.enumerated() {
                        let k = outputs[slot]
                        BLAS.product(block, raw[slot].weights, &scores[slot], rows: count, width: k, features: d)
                        for row in 0..<count {
                            for c in 0..<k { scores[slot][row * k + c] += raw[slot].bias[c] }
                            lossSums[slot] += residual(of: head, row: start + row, scores: &scores[slot], at: row * k, outputs: k)
                        }
                        guard wantsGradient else { continue }
                        scores[slot].withUnsafeBufferPointer { residuals in
                            gradients[slot].withUnsafeMutableBufferPointer { gradient in
                                if k == 1 {
                                    BLAS.gemv(block, transpose: true, residuals.baseAddress!, gradient.baseAddress!, m: count, n: d, beta: 1)
                                } else {
                                    BLAS.gemm(block, transposeA: true, residuals.baseAddress!, gradient.baseAddress!,
                                              m: d, n: k, k: count, beta: 1, parallel: false)
                                }
                                for row in 0..<count { for c in 0..<k { gradient[d * k + c] += residuals[row * k + c] } }
                            }
                        }
                    }
                }
                partLosses[part] = lossSums
                partGradients[part] = gradients
            }
        }
        return heads.enumerated().map { slot, head in
            let k = outputs[slot], w = parameters[slot]
            let scale = 1 / totalWeights[head]
            var penalty: Double = 0
            for i in 0..<(d * k) { penalty += Double(w[i] * w[i]) }
            let loss = Float(partLosses.reduce(0) { $0 + $1[slot] } * scale + Double(l2[head]) / 2 * penalty)
            guard wantsGradient else { return (loss, []) }
            var sums = partGradients[0][slot]
            for other in partGradients.dropFirst() { for i in sums.indices { sums[i] += other[slot][i] } }
            var result = [Float](repeating: 0, count: size(of: head))
            for c in 0..<k { result[d * k + c] = sums[d * k + c] * Float(scale) }
            for feature in 0..<d {
                for c in 0..<k {
                    let standardized = (sums[feature * k + c] - design.mean[feature] * sums[d * k + c]) / design.deviation[feature]
                    result[feature * k + c] = standardized * Float(scale) + l2[head] * w[feature * k + c]
                }
            }
            return (loss, result)
        }
    }

    /// Replaces one row's scores of one head by the weighted residual ∂loss/∂score and returns its weighted loss.
    private func residual(of head: Int, row: Int, scores: inout [Float], at offset: Int, outputs: Int) -> Double {
        let target = targets[head]
        let weight = target.weights[row], label = target.labels[row]
        switch target.kind {
        case .logistic:
            let z = Double(scores[offset])
            scores[offset] = Float(weight * (1 / (1 + exp(-z)) - label))
            return weight * (max(z, 0) - z * label + log1p(exp(-abs(z))))
        case .linear:
            let error = Double(scores[offset]) - label
            scores[offset] = Float(weight * error)
            return weight * error * error / 2
        case .multinomial:
            let largest = scores[offset..<(offset + outputs)].max()!
            var total: Double = 0
            for c in 0..<outputs { total += exp(Double(scores[offset + c] - largest)) }
            let classIndex = Int(label)
            let loss = weight * (log(total) - Double(scores[offset + classIndex] - largest))
            for c in 0..<outputs {
                let probability = exp(Double(scores[offset + c] - largest)) / total
                scores[offset + c] = Float(weight * (probability - (c == classIndex ? 1 : 0)))
            }
            return loss
        }
    }
}

private extension BLAS {
    /// scores (rows × width) = block (rows × features) · weights (features × width), on this thread.
    static func product(_ block: UnsafePointer<Float>, _ weights: [Float], _ scores: inout [Float], rows: Int, width: Int, features: Int) {
        weights.withUnsafeBufferPointer { weights in
            scores.withUnsafeMutableBufferPointer { scores in
                if width == 1 {
                    gemv(block, weights.baseAddress!, scores.baseAddress!, m: rows, n: features)
                } else {
                    gemm(block, weights.baseAddress!, scores.baseAddress!, m: rows, n: width, k: features, parallel: false)
                }
            }
        }
    }
}
