import Foundation

/// Updates parameters from their gradients.
public protocol Optimizer: AnyObject {
    var learningRate: Float { get set }
    func step(_ parameters: [Parameter])
}

/// Stochastic gradient descent with momentum and L2 weight decay.
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let weightDecay: Float
    private var velocity = [String: [Float]]()

    public init(learningRate: Float, momentum: Float = 0.9, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    public func step(_ parameters: [Parameter]) {
        for parameter in parameters {
            // Taken out of the dictionary so that the update writes in place instead of
            // copying the array the dictionary still holds.
            var v = velocity.removeValue(forKey: parameter.name) ?? [Float](repeating: 0, count: parameter.value.count)
            let (lr, mu, decay) = (learningRate, momentum, weightDecay)
            v.withUnsafeMutableBufferPointer { v in
                parameter.value.storage.withUnsafeMutableBufferPointer { w in
                    parameter.gradient.storage.withUnsafeBufferPointer { gradient in
                        for i in 0..<v.count {
                            let g = gradient[i] + decay * w[i]
                            v[i] = mu * v[i] + g
                            w[i] -= lr * v[i]
                        }
                    }
                }
            }
            velocity[parameter.name] = v
        }
    }
}

/// Adam, and AdamW when `decoupledWeightDecay` is set (decay applied to the weights directly).
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float
    public let weightDecay: Float
    public let decoupledWeightDecay: Bool
    /// Steps taken so far (for bias correction); saved with checkpoints to resume exactly.
    public var steps = 0
    private var moments = [String: (first: [Float], second: [Float])]()

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, decoupledWeightDecay: Bool = true) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
    }

    public func step(_ parameters: [Parameter]) {
        steps += 1
        let correction1 = 1 - pow(beta1, Float(steps)), correction2 = 1 - pow(beta2, Float(steps))
        for parameter in parameters {
            // Taken out of the dictionary so that the update writes in place instead of
            // copying the arrays the dictionary still holds.
            var (m, v) = moments.removeValue(forKey: parameter.name)
                ?? ([Float](repeating: 0, count: parameter.value.count), [Float](repeating: 0, count: parameter.value.count))
            let (lr, b1, b2, eps, decay, decoupled) = (learningRate, beta1, beta2, epsilon, weightDecay, decoupledWeightDecay)
            m.withUnsafeMutableBufferPointer { m in
                v.withUnsafeMutableBufferPointer { v in
                    parameter.value.storage.withUnsafeMutableBufferPointer { w in
                        parameter.gradient.storage.withUnsafeBufferPointer { gradient in
                            for i in 0..<w.count {
                                let g = gradient[i] + (decoupled ? 0 : decay * w[i])
                                m[i] = b1 * m[i] + (1 - b1) * g
                                v[i] = b2 * v[i] + (1 - b2) * g * g
                                w[i] -= lr * ((m[i] / correction1) / ((v[i] / correction2).squareRoot() + eps) + (decoupled ? decay * w[i] : 0))
                            }
                        }
                    }
                }
            }
            moments[parameter.name] = (m, v)
        }
    }

    /// The moment estimates as named tensors, for checkpoints.
    public func state(for parameters: [Parameter]) -> [String: Tensor] {
        var state = [String: Tensor]()
        for parameter in parameters {
            guard let (m, v) = moments[parameter.name] else { continue }
            state["adam.m.\(parameter.name)"] = Tensor(shape: parameter.value.shape, m)
            state["adam.v.\(parameter.name)"] = Tensor(shape: parameter.value.shape, v)
        }
        return state
    }

    /// Restores moment estimates saved by `state(for:)`.
    public func restore(_ state: [String: Tensor], for parameters: [Parameter], steps: Int) {
        self.steps = steps
        for parameter in parameters {
            if let m = state["adam.m.\(parameter.name)"], let v = state["adam.v.\(parameter.name)"] {
                moments[parameter.name] = (m.storage, v.storage)
            }
        }
    }
}

/// How the learning rate changes over training.
public enum LearningRateSchedule: Sendable {
    case constant
    /// Cosine decay from the base rate to `floor` times it over `total` steps, after a linear warm-up.
    case cosine(total: Int, warmup: Int, floor: Float)
    /// Multiply by `factor` every `interval` steps.
    case step(interval: Int, factor: Float)

    /// The rate at `step` (0-based) for base rate `base`.
    public func rate(at step: Int, base: Float) -> Float {
        switch self {
        case .constant:
            return base
        case let .cosine(total, warmup, floor):
            if step < warmup { return base * Float(step + 1) / Float(warmup) }
            let progress = min(1, Float(step - warmup) / Float(max(1, total - warmup)))
            return base * (floor + (1 - floor) * 0.5 * (1 + cos(.pi * progress)))
        case let .step(interval, factor):
            return base * pow(factor, Float(step / max(1, interval)))
        }
    }
}

/// Scales all gradients down so that their global L2 norm is at most `maximum`; returns the norm before.
@discardableResult
public func clipGradients(_ parameters: [Parameter], maximumNorm maximum: Float) -> Float {
    let norm = parameters.reduce(0) { $0 + $1.gradient.squaredNorm }.squareRoot()
    if norm > maximum && norm > 0 {
        for parameter in parameters { parameter.gradient.scale(by: maximum / norm) }
    }
    return norm
}
