import Chess
import ChessModel
import Neural
import Interpretability

/// A network prefix up to one probe layer, read out by a one-output probe: the function
/// concept backpropagation drives. Counts every position it evaluates.
package final class ProbedNetwork {
    package let network: any ChessNetwork
    package let layer: String
    package let probe: LinearProbe
    /// Positions forwarded so far (a gradient counts as two: forward and backward).
    package private(set) var evaluations = 0

    package init(network: any ChessNetwork, layer: String, probe: LinearProbe) {
        precondition(probe.outputs == 1, "concept search needs a logistic or linear probe")
        precondition(network.probeLayers.contains(layer), "no probe layer \(layer)")
        self.network = network
        self.layer = layer
        self.probe = probe
    }

    /// The probe's raw output (logit or value) for each position.
    package func outputs(_ positions: [Position]) -> [Double] {
        guard !positions.isEmpty else { return [] }
        evaluations += positions.count
        return probe.scores(network.activations(of: positions, layers: [layer])[layer]!).map(Double.init)
    }

    /// The raw output for one encoded input (`network.encode`, or a relaxation of it) and
    /// its gradient with respect to that input.
    package func gradient(input: Tensor) -> (output: Double, gradient: Tensor) {
        precondition(input.rows == 1)
        evaluations += 2
        let (readout, gradient) = network.readoutGradient(input: input, layer: layer, direction: probe.direction)
        // The read-out leaves out the probe's intercept; its score includes it.
        return (Double(readout + probe.intercept), gradient)
    }
}
