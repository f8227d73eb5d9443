import Dispatch
import Foundation
import Neural

/// The smooth objectives of several probes on one standardised matrix: for each
/// target, its weighted mean loss plus its own λ₂/2·‖w‖², over parameters laid out as
/// [weights (features × outputs, feature-major) | bias (outputs)].
///
/// One evaluation serves every requested target with a single pass over the rows:
/// each block of rows is multiplied by all targets' weights at once and, while the
/// block is still in cache, multiplied back by the residuals for the gradient. The
/// matrix is read once per evaluation instead of twice per target, and read raw: the
/// standardisation is folded into the weights on the way in and into the gradient on
/// the way out (∂/∂w = (Xᵀr − μ·Σr)/σ).
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
        let offsets = outputs.reduce(into: [0]) { $0.append($0.last! + $1) }
        let width = offsets.last!
        // All heads' weights side by side: a features × width matrix, and the biases.
        var packed = [Float](repeating: 0, count: d * width), bias = [Float](repeating: 0, count: width)
        for (slot, head) in heads.enumerated() {
            let k = outputs[slot], w = parameters[slot]
            for feature in 0..<d { for c in 0..<k { packed[feature * width + offsets[slot] + c] = w[feature * k + c] } }
            for c in 0..<k { bias[offsets[slot] + c] = w[d * k + c] }
            precondition(w.count == size(of: head))
        }
        let (weightMatrix, biases) = packed.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in design.rawParameters(weights: w, bias: b, outputs: width) }
        }
        let parts = n >= 4 * Self.blockRows ? ProcessInfo.processInfo.activeProcessorCount : 1
        // Each part writes only its own slot of these buffers.
        let partLosses = UnsafeMutableBufferPointer<[Double]>.allocate(capacity: parts)
        let partGradients = UnsafeMutableBufferPointer<[Float]>.allocate(capacity: parts)
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
                var scores = [Float](repeating: 0, count: Self.blockRows * width)
                var lossSums = [Double](repeating: 0, count: heads.count)
                var gradient = [Float](repeating: 0, count: wantsGradient ? (d + 1) * width : 0)
                for start in stride(from: range.lowerBound, to: range.upperBound, by: Self.blockRows) {
                    let count = min(Self.blockRows, range.upperBound - start)
                    let block = rows.baseAddress! + start * d
                    BLAS.product(block, weightMatrix, &scores, rows: count, width: width, features: d)
                    for row in 0..<count {
                        for c in 0..<width { scores[row * width + c] += biases[c] }
                        for (slot, head) in heads.enumerated() {
                            lossSums[slot] += residual(of: head, row: start + row, scores: &scores,
                                                       at: row * width + offsets[slot], outputs: outputs[slot])
                        }
                    }
                    guard wantsGradient else { continue }
                    scores.withUnsafeBufferPointer { residuals in
                        gradient.withUnsafeMutableBufferPointer { gradient in
                            if width == 1 {
                                BLAS.gemv(block, transpose: true, residuals.baseAddress!, gradient.baseAddress!, m: count, n: d, beta: 1)
                            } else {
                                BLAS.gemm(block, transposeA: true, residuals.baseAddress!, gradient.baseAddress!,
                                          m: d, n: width, k: count, beta: 1, parallel: false)
                            }
                            for row in 0..<count { for c in 0..<width { gradient[d * width + c] += residuals[row * width + c] } }
                        }
                    }
                }
                partLosses[part] = lossSums
                partGradients[part] = gradient
            }
        }
        return heads.enumerated().map { slot, head in
            let k = outputs[slot], w = parameters[slot]
            let scale = 1 / totalWeights[head]
            var penalty: Double = 0
            for i in 0..<(d * k) { penalty += Double(w[i] * w[i]) }
            let loss = Float(partLosses.reduce(0) { $0 + $1[slot] } * scale + Double(l2[head]) / 2 * penalty)
            guard wantsGradient else { return (loss, []) }
            var result = [Float](repeating: 0, count: size(of: head))
            let biasSums = (0..<k).map { c in partGradients.reduce(Float(0)) { $0 + $1[d * width + offsets[slot] + c] } }
            for feature in 0...d {
                for c in 0..<k {
                    let sum = partGradients.reduce(Float(0)) { $0 + $1[feature * width + offsets[slot] + c] }
                    guard feature < d else {
                        result[feature * k + c] = sum * Float(scale)
                        continue
                    }
                    let standardized = (sum - design.mean[feature] * biasSums[c]) / design.deviation[feature]
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
    /// scores (rows × width) = block (rows × features) · packed (features × width), on this thread.
    static func product(_ block: UnsafePointer<Float>, _ packed: [Float], _ scores: inout [Float], rows: Int, width: Int, features: Int) {
        packed.withUnsafeBufferPointer { packed in
            scores.withUnsafeMutableBufferPointer { scores in
                if width == 1 {
                    gemv(block, packed.baseAddress!, scores.baseAddress!, m: rows, n: features)
                } else {
                    gemm(block, packed.baseAddress!, scores.baseAddress!, m: rows, n: width, k: features, parallel: false)
                }
            }
        }
    }
}
