import Foundation

/// Loss functions: each returns the mean loss over the batch and its gradient with
/// respect to the predictions.
public enum Loss {
    /// Softmax cross-entropy against class indices. With `mask` (1 = allowed, e.g. the
    /// legal moves), disallowed logits are left out of the softmax and get no gradient.
    public static func softmaxCrossEntropy(logits: Tensor, targets: [Int], mask: Tensor? = nil) -> (loss: Float, gradient: Tensor) {
        let batch = logits.rows, classes = logits.rowSize
        precondition(targets.count == batch, "one target per row")
        precondition(mask.map { $0.count == logits.count } ?? true, "one mask entry per logit")
        var gradient = Tensor.uninitialized(shape: logits.shape)
        var rowLosses = [Double](repeating: 0, count: batch)
        let scale = 1 / Float(batch)
        logits.storage.withUnsafeBufferPointer { z in
            gradient.storage.withUnsafeMutableBufferPointer { g in
                rowLosses.withUnsafeMutableBufferPointer { losses in
                    (mask?.storage ?? []).withUnsafeBufferPointer { allowed in
                        nonisolated(unsafe) let (g, losses) = (g, losses)
                        let masked = mask != nil
                        parallelFor(batch, minimumChunk: 16) { rows in
                            for row in rows {
                                let base = row * classes
                                var largest = -Float.infinity
                                for c in base..<(base + classes) where !masked || allowed[c] > 0 { largest = max(largest, z[c]) }
                                var sum: Float = 0
                                for c in base..<(base + classes) {
                                    let e = !masked || allowed[c] > 0 ? exp(z[c] - largest) : 0
                                    g[c] = e
                                    sum += e
                                }
                                let target = base + targets[row]
                                losses[row] = -log(Double(max(g[target] / sum, 1e-30)))
                                let normaliser = scale / sum
                                for c in base..<(base + classes) { g[c] *= normaliser }
                                g[target] -= scale
                            }
                        }
                    }
                }
            }
        }
        return (Float(rowLosses.reduce(0, +) / Double(batch)), gradient)
    }

    /// Mean squared error, averaged over every element.
    public static func meanSquaredError(predictions: Tensor, targets: Tensor) -> (loss: Float, gradient: Tensor) {
        precondition(predictions.count == targets.count, "prediction and target sizes differ")
        var gradient = Tensor(shape: predictions.shape)
        var total: Double = 0
        let n = Float(predictions.count)
        for i in 0..<predictions.count {
            let d = predictions.storage[i] - targets.storage[i]
            total += Double(d * d)
            gradient.storage[i] = 2 * d / n
        }
        return (Float(total / Double(predictions.count)), gradient)
    }

    /// Binary cross-entropy on logits (numerically stable), averaged over every element.
    public static func binaryCrossEntropyWithLogits(logits: Tensor, targets: Tensor) -> (loss: Float, gradient: Tensor) {
        precondition(logits.count == targets.count, "logit and target sizes differ")
        var gradient = Tensor(shape: logits.shape)
        var total: Double = 0
        let n = Float(logits.count)
        for i in 0..<logits.count {
            let z = logits.storage[i], y = targets.storage[i]
            // max(z,0) − z·y + log(1 + e^−|z|)
            total += Double(max(z, 0) - z * y + log1p(exp(-abs(z))))
            gradient.storage[i] = (1 / (1 + exp(-z)) - y) / n
        }
        return (Float(total / Double(logits.count)), gradient)
    }

    /// Adds λ₂·Σw² (and λ₁·Σ|w|) over `parameters` to the loss and their gradients.
    @discardableResult
    public static func addPenalty(to parameters: [Parameter], l1: Float = 0, l2: Float = 0) -> Float {
        var penalty: Float = 0
        for parameter in parameters {
            for i in 0..<parameter.value.count {
                let w = parameter.value.storage[i]
                penalty += l1 * abs(w) + l2 * w * w
                parameter.gradient.storage[i] += l1 * (w > 0 ? 1 : w < 0 ? -1 : 0) + 2 * l2 * w
            }
        }
        return penalty
    }
}
