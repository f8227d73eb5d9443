import Foundation
import Neural

/// Where the search drives the probe: its prediction (a probability for a logistic
/// probe, the value for a linear one) towards `value`, the distance d(P, o) = (P − o)².
public struct SearchTarget: Sendable {
    public let kind: LinearProbe.Kind
    public let value: Double
    /// For linear probes: how close counts as reached.
    public let tolerance: Double

    public init(kind: LinearProbe.Kind, value: Double, tolerance: Double = 0.5) {
        self.kind = kind
        self.value = value
        self.tolerance = tolerance
    }

    /// The prediction a raw probe output stands for.
    public func prediction(_ output: Double) -> Double {
        kind == .logistic ? 1 / (1 + exp(-output)) : output
    }

    public func distance(_ output: Double) -> Double {
        let error = prediction(output) - value
        return error * error
    }

    /// ∂d/∂output: the chain through the sigmoid for a logistic probe.
    public func distanceSlope(_ output: Double) -> Double {
        let prediction = prediction(output)
        return 2 * (prediction - value) * (kind == .logistic ? prediction * (1 - prediction) : 1)
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

    /// A logistic probe has reached the target when its decision agrees with it (P on
    /// the target's side of ½); a linear one when it is within `tolerance`.
    public func isReached(_ output: Double) -> Bool {
        kind == .logistic ? (prediction(output) >= 0.5) == (value >= 0.5) : abs(prediction(output) - value) <= tolerance
    }
}
