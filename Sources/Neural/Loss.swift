import Foundation

/// Loss functions: each returns the mean loss over the batch and its gradient with
/// respect to the predictions.
public enum Loss {
    /// Softmax cross-entropy against class indices. With `mask` (1 = allowed, e.g. the
    /// legal moves), disallowed logits are left out of the softmax and get no gradient.
    public static func softmaxCrossEntropy(logits: Tensor, targets: [Int], mask: Tensor? = nil) -> (loss: Float, gradient: Tensor) {
        let batch = logits.rows, classes = logits.rowSize
        precondition(targets.count == batch, "one target per row")
        var gradient = Tensor(shape: logits.shape)
        var total: Double = 0
        for row in 0..<batch {
            let base = row * classes
            var largest = -Float.infinity
            for c in 0..<classes where mask.map({ $0.storage[base + c] > 0 }) ?? true { largest = max(largest, logits.storage[base + c]) }
            var sum: Float = 0
            for c in 0..<classes {
                let allowed = mask.map { $0.storage[base + c] > 0 } ?? true
                let e = allowed ? exp(logits.storage[base + c] - largest) : 0
                gradient.storage[base + c] = e
                sum += e
            }
            for c in 0..<classes { gradient.storage[base + c] /= sum }
            let target = targets[row]
            total -= log(Double(max(gradient.storage[base + target], 1e-30)))
            gradient.storage[base + target] -= 1
        }
        gradient.scale(by: 1 / Float(batch))
        return (Float(total / Double(batch)), gradient)
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
