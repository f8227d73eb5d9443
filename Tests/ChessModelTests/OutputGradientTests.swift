import Chess
import Foundation
import Neural
import Testing
@testable import ChessModel

struct OutputGradientTests {
    /// The output after replacing the layer's activations by `activations`: the rest of the trunk, then the head.
    static func output(_ network: PolicyValueNetwork, from layer: String, _ activations: Tensor, policyIndex: Int?) -> Double {
        let start = network.trunk.layers.firstIndex { $0.name == layer }! + 1
        let features = network.trunk.layers[start...].reduce(activations) { $1.forward($0, mode: .inference) }
        if let policyIndex { return Double(network.policyHead.forward(features, mode: .inference).storage[policyIndex]) }
        let z = network.valueHead.forward(features, mode: .inference).storage.map(Double.init)
        let e = z.map { exp($0 - z.max()!) }
        return (e[0] - e[2]) / e.reduce(0, +)
    }

    /// Central differences along a fixed sparse direction agree with the analytic directional derivative.
    @Test(arguments: ["stem", "block1"])
    func gradientAtALayerMatchesFiniteDifferences(layer: String) throws {
        let network = PolicyValueNetwork(.init(blocks: 2, channels: 8), seed: 5)
        let position = try Position(fen: "r1bqkbnr/pppp1ppp/2n5/4p3/4P3/5N2/PPPP1PPP/RNBQKB1R w KQkq - 2 3")
        let planes = BoardEncoder.encode([position])
        let move = try position.move(uci: "f1b5")
        for (output, policyIndex) in [(PolicyValueNetwork.ScalarOutput.value, nil as Int?), (.policy, MoveIndex.index(of: move, in: position))] {
            let (activations, gradient) = network.outputGradient(planes, layer: layer, output: output, indices: policyIndex.map { [$0] } ?? [])
            // A sparse direction: few ReLUs downstream change side within ±ε, so the difference quotient is smooth.
            var direction = Tensor(shape: activations.shape)
            for i in stride(from: 7, to: direction.count, by: direction.count / 12) { direction.storage[i] = Float(sin(Double(i) * 1.7)) }
            let analytic = zip(gradient.storage, direction.storage).reduce(0.0) { $0 + Double($1.0 * $1.1) }
            let epsilon: Float = 1e-2
            var plus = activations, minus = activations
            plus.add(direction, scale: epsilon)
            minus.add(direction, scale: -epsilon)
            let numeric = (Self.output(network, from: layer, plus, policyIndex: policyIndex)
                - Self.output(network, from: layer, minus, policyIndex: policyIndex)) / (2 * Double(epsilon))
            #expect(abs(analytic - numeric) <= 2e-2 * max(abs(numeric), 1e-2), "\(output) at \(layer): \(analytic) vs \(numeric)")
        }
    }
}
