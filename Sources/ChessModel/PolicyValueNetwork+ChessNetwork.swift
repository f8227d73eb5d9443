import Chess
import Neural

extension PolicyValueNetwork: ChessNetwork {
    package var encoding: String { "planes-v\(BoardEncoder.version)" }

    package var sensitivityLayers: [String] { ["stem"] + (1...architecture.blocks).map { "block\($0)" } }

    package var gradientLayers: [String] { probeLayers }

    package var outputs: Set<NetworkOutput> { [.value, .move] }

    package func shape(of layer: String) -> [Int] {
        switch layer {
        case "input": [8, 8, BoardEncoder.planeCount]
        case "policy", "value": Array(activations(Tensor(shape: [1, 8, 8, BoardEncoder.planeCount]), layers: [layer])[layer]!.shape.dropFirst())
        default: [8, 8, architecture.channels]
        }
    }

    package func encode(_ positions: [Position]) -> Tensor { BoardEncoder.encode(positions) }

    package func activations(of positions: [Position], layers: Set<String>) -> [String: Tensor] {
        activations(BoardEncoder.encode(positions), layers: layers).mapValues { $0.reshaped([$0.rows, $0.rowSize]) }
    }

    package func readoutGradient(input: Tensor, layer: String, direction: [Float]) -> (readout: Float, gradient: Tensor) {
        precondition(input.rows == 1)
        let readout = { (activation: Tensor) in zip(activation.storage, direction).reduce(Float(0)) { $0 + $1.0 * $1.1 } }
        if layer == "input" { return (readout(input), Tensor(shape: input.shape, direction)) }
        let trunkLayers = trunk.layerNames
        let headLast = trunkLayers.contains(layer) ? layer : trunkLayers.last!
        let features = trunk.forward(input, mode: .inference, through: headLast)
        let head: Sequential? = layer == "policy" ? policyHead : layer == "value" ? valueHead : nil
        let activation = head?.forward(features, mode: .inference, through: layer) ?? features
        var upstream = Tensor(shape: activation.shape, direction)
        if let head { upstream = head.backward(from: layer, upstream) }
        let gradient = trunk.backward(from: headLast, upstream)
        zeroGradients()
        return (readout(activation), gradient)
    }

    package func outputGradient(of positions: [Position], layer: String, output: NetworkOutput, moves: [Move]) -> (activations: Tensor, gradient: Tensor) {
        precondition(output != .evaluation, "a policy/value network has no evaluation output")
        let indices = output == .move ? zip(moves, positions).map { MoveIndex.index(of: $0, in: $1) } : []
        let (activations, gradient) = outputGradient(BoardEncoder.encode(positions), layer: layer, output: output == .move ? .policy : .value, indices: indices)
        return (activations.reshaped([activations.rows, activations.rowSize]), gradient.reshaped([gradient.rows, gradient.rowSize]))
    }

    package func copy() -> any ChessNetwork { copy() as PolicyValueNetwork }
}
