import Chess
import ChessModel
import Neural
import Interpretability

/// A network prefix up to one probe layer, read out by a one-output probe: the function
/// concept backpropagation drives. Counts every position it evaluates.
package final class ProbedNetwork {
    package let network: PolicyValueNetwork
    package let layer: String
    package let probe: LinearProbe
    /// Positions forwarded so far (a gradient counts as two: forward and backward).
    package private(set) var evaluations = 0

    package init(network: PolicyValueNetwork, layer: String, probe: LinearProbe) {
        precondition(probe.outputs == 1, "concept search needs a logistic or linear probe")
        precondition(network.probeLayers.contains(layer), "no probe layer \(layer)")
        self.network = network
        self.layer = layer
        self.probe = probe
    }

    /// The probe's raw output (logit or value) for each position.
    package func outputs(_ positions: [Position]) -> [Double] {
        guard !positions.isEmpty else { return [] }
        return outputs(planes: BoardEncoder.encode(positions))
    }

    /// The probe's raw output for encoded planes [n, 8, 8, planes], valid positions or not.
    package func outputs(planes: Tensor) -> [Double] {
        evaluations += planes.rows
        let activations = network.activations(planes, layers: [layer])[layer]!
        return probe.scores(activations).map(Double.init)
    }

    /// The raw output for one board's planes and its gradient with respect to them.
    package func gradient(planes: Tensor) -> (output: Double, gradient: Tensor) {
        precondition(planes.rows == 1)
        let direction = probe.direction
        if layer == "input" {
            // The probe reads the planes directly: its gradient is its direction, no backward pass.
            return (outputs(planes: planes)[0], Tensor(shape: planes.shape, direction))
        }
        evaluations += 2
        let trunkLayers = network.trunk.layerNames
        let headLast = trunkLayers.contains(layer) ? layer : trunkLayers.last!
        let features = network.trunk.forward(planes, mode: .inference, through: headLast)
        let head: Sequential? = layer == "policy" ? network.policyHead : layer == "value" ? network.valueHead : nil
        let activation = head?.forward(features, mode: .inference, through: layer) ?? features
        let output = probe.scores(activation.reshaped([1, activation.count]))[0]
        var upstream = Tensor(shape: activation.shape, direction)
        if let head { upstream = head.backward(from: layer, upstream) }
        let gradient = network.trunk.backward(from: headLast, upstream)
        network.zeroGradients()
        return (Double(output), gradient)
    }
}
