import Foundation
import Probing

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

    /// A logistic probe has reached the target when its decision agrees with it (P on
    /// the target's side of ½); a linear one when it is within `tolerance`.
    public func isReached(_ output: Double) -> Bool {
        kind == .logistic ? (prediction(output) >= 0.5) == (value >= 0.5) : abs(prediction(output) - value) <= tolerance
    }
}
