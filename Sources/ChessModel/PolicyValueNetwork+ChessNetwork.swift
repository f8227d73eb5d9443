import Chess
import Interpretability
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

    package func value(of position: Position) -> Double {
        let p = Self.outcomeProbabilities(forward(BoardEncoder.encode([position]), mode: .inference).value, row: 0)
        return Double(p[0] - p[2])
    }

    package var relevancePlanes: [String] { BoardEncoder.planeNames }

    /// LRP through the network's own layers: from the value head's win-minus-loss logit
    /// (`.output`) or from a probe's read-out, down to the planes.
    package func relevance(of position: Position, explaining source: RelevanceSource, rankedAt layer: String,
                           through selection: LayerwiseRelevance.Condition.Selection?, composite: RelevanceComposite) -> BoardRelevance {
        let (trace, start) = relevanceTrace(of: [position], explaining: source, composite: composite)
        let input: Tensor, ranked: Tensor, total: Double
        if layer == "input" {
            // The planes are no layer's output: the selection applies to their relevance itself.
            ranked = trace.propagate(start).relevance
            input = selection.map { $0.kept(ranked, activations: BoardEncoder.encode([position])) } ?? ranked
            total = selection == nil ? start.sum : input.sum
        } else {
            let conditions = selection.map { [LayerwiseRelevance.Condition(layer: layer, selection: $0)] } ?? []
            let recorded: [String: Tensor]
            (input, recorded) = trace.propagate(start, conditions: conditions)
            ranked = recorded[layer]!
            total = selection.map { trace.kept(ranked, at: layer, by: $0).sum } ?? start.sum
        }
        return BoardRelevance(squares: Self.squares(of: input, row: 0, sideToMove: position.sideToMove), planes: Self.channelSums(input),
                              units: Self.channelSums(ranked), total: total, absorbed: total - input.sum)
    }

    package func layerRelevance(of positions: [Position], explaining source: RelevanceSource, at layer: String,
                                composite: RelevanceComposite) -> (relevance: Tensor, activations: Tensor) {
        let (trace, start) = relevanceTrace(of: positions, explaining: source, composite: composite)
        let relevance = trace.propagate(start, to: layer).relevance
        let activations = trace.activations(at: layer)
        return (relevance.reshaped([relevance.rows, relevance.rowSize]), activations.reshaped([activations.rows, activations.rowSize]))
    }

    /// A forward pass of `positions` kept for relevance propagation, and the relevance it
    /// starts with: the value head's win-minus-loss logit's (`.output`, at the `value`
    /// layer) or a probe read-out's (at the probe's layer).
    package func relevanceTrace(of positions: [Position], explaining source: RelevanceSource,
                                composite: RelevanceComposite) -> (trace: LayerwiseRelevance.Trace, start: Tensor) {
        let (layers, readout): ([Layer], [Float]) = switch source {
        case .output: (self.layers(through: "value"), valueReadout)
        case .probe(let probeLayer, let direction): (probeLayer == "input" ? [] : self.layers(through: probeLayer), direction)
        }
        let trace = LayerwiseRelevance(layers: layers, composite: composite).trace(BoardEncoder.encode(positions))
        return (trace, trace.relevance(readout: readout))
    }

    /// Input relevance [n, 8, 8, planes] of one row summed per board square (`Square.index`).
    package static func squares(of relevance: Tensor, row: Int, sideToMove: Color) -> [Double] {
        var squares = [Double](repeating: 0, count: 64)
        let base = row * 64 * BoardEncoder.planeCount
        for index in 0..<64 {
            let square = BoardEncoder.square(atPlaneIndex: index, sideToMove: sideToMove)
            squares[square.index] = (0..<BoardEncoder.planeCount).reduce(0) { $0 + Double(relevance.storage[base + index * BoardEncoder.planeCount + $1]) }
        }
        return squares
    }

    /// Sums over every axis but the last: one number per channel (or plane).
    package static func channelSums(_ relevance: Tensor) -> [Double] {
        let width = relevance.shape.last!
        var sums = [Double](repeating: 0, count: width)
        for (index, value) in relevance.storage.enumerated() { sums[index % width] += Double(value) }
        return sums
    }

    package func copy() -> any ChessNetwork { copy() as PolicyValueNetwork }
}
