import Foundation
import Neural

/// Where the search drives the probe: its prediction (a probability for a logistic
/// probe, the value for a linear one) towards `value`, the distance d(P, o) = (P − o)².
/// The search has reached its target when the prediction passes `threshold` on the
/// target's side: a confident reading, not merely the decision boundary.
///
/// ```swift
/// let target = SearchTarget(kind: .logistic, value: 1, threshold: 0.83)
/// target.isReached(2.0)    // σ(2) = 0.88 ≥ 0.83: true
/// ```
public struct SearchTarget: Sendable {
    public let kind: LinearProbe.Kind
    public let value: Double
    /// The prediction to pass: reached at or above it when `value` is at or above it
    /// (maximising), at or below it otherwise.
    public let threshold: Double

    /// `threshold` defaults to ½ for a logistic probe (its decision) and to `value` − ½ for a linear one.
    public init(kind: LinearProbe.Kind, value: Double, threshold: Double? = nil) {
        self.kind = kind
        self.value = value
        self.threshold = threshold ?? (kind == .logistic ? 0.5 : value - 0.5)
    }

    /// Whether the target lies above the threshold (the search raises the prediction).
    public var isMaximising: Bool { value >= threshold }

    /// The prediction a raw probe output stands for.
    public func prediction(_ output: Double) -> Double {
        kind == .logistic ? 1 / (1 + exp(-output)) : output
    }

    /// d(P, o): the squared shortfall of the prediction on the target's side, and 0 past
    /// the target, so that a search maximising a value is never pulled back down.
    public func distance(_ output: Double) -> Double {
        let shortfall = self.shortfall(prediction(output))
        return shortfall * shortfall
    }

    /// ∂d/∂output: the chain through the sigmoid for a logistic probe.
    public func distanceSlope(_ output: Double) -> Double {
        let prediction = prediction(output)
        return 2 * shortfall(prediction) * (isMaximising ? -1 : 1) * (kind == .logistic ? prediction * (1 - prediction) : 1)
    }

    private func shortfall(_ prediction: Double) -> Double {
        max(0, isMaximising ? value - prediction : prediction - value)
    }

    /// Each row's raw probe output on `activations` [n × features] and ∂d/∂activations.
    public func distanceGradient(_ probe: LinearProbe, at activations: Tensor) -> (outputs: [Double], gradient: Tensor) {
        let outputs = probe.scores(activations).map(Double.init)
        let direction = probe.direction
        var gradient = Tensor(shape: activations.shape)
        for row in outputs.indices {
            let slope = Float(distanceSlope(outputs[row]))
            for j in direction.indices { gradient.storage[row * direction.count + j] = slope * direction[j] }
        }
        return (outputs, gradient)
    }

    /// Whether the prediction of a raw probe output has passed the threshold on the target's side.
    public func isReached(_ output: Double) -> Bool {
        isMaximising ? prediction(output) >= threshold : prediction(output) <= threshold
    }
}
