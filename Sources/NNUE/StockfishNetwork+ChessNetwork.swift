import Chess
import ChessModel
import DataFiles
import Neural

/// NNUE as a chess network for every analysis. Its probe layers, input to output:
///
/// | layer | values | content |
/// | --- | --- | --- |
/// | `input` | 768 | the board as 12 piece planes × 64 squares from the side to move's view (square-major, as the own network's first 12 planes): the information in the features without the king buckets |
/// | `accumulator` | 2,048 | both perspectives' accumulators clipped to 0…127, **side to move first**, then the opponent's |
/// | `fc0` | 16 | the used bucket's first layer, before its clipped ReLUs (the 16th output skips to the evaluation) |
/// | `fc1` | 32 | the used bucket's second layer, before its clipped ReLU |
/// | `output` | 2 | the PSQT (material) term and the positional term, in Stockfish's internal units (361 = 1 pawn) |
///
/// The input that gradients are taken with respect to is the binary HalfKAv2_hm feature
/// vector: 22,528 features of the side to move's perspective, then 22,528 of the opponent's.
extension StockfishNetwork: ChessNetwork {
    package var encoding: String { "HalfKAv2_hm" }

    package var probeLayers: [String] { ["input", "accumulator", "fc0", "fc1", "output"] }

    package var sensitivityLayers: [String] { ["accumulator", "fc0", "fc1"] }

    /// The board features (`input`) are read off the position, not computed by the network from its input.
    package var gradientLayers: [String] { ["accumulator", "fc0", "fc1", "output"] }

    package var outputs: Set<NetworkOutput> { [.evaluation] }

    package func shape(of layer: String) -> [Int] {
        switch layer {
        case "input": [8, 8, Self.piecePlanes]
        case "accumulator": [2, NNUEFile.halfDimensions]
        case "fc0": [NNUEFile.fc0Outputs]
        case "fc1": [NNUEFile.fc1Outputs]
        case "output": [2]
        default: preconditionFailure("\(layer) is not a probe layer of NNUE")
        }
    }

    package func encode(_ positions: [Position]) -> Tensor {
        let width = 2 * NNUEFile.features
        var input = Tensor(shape: [positions.count, width])
        for (row, position) in positions.enumerated() {
            for (side, perspective) in [position.sideToMove, position.sideToMove.opponent].enumerated() {
                for feature in HalfKAv2Features.active(in: position, perspective: perspective) {
                    input.storage[row * width + side * NNUEFile.features + Int(feature)] = 1
                }
            }
        }
        return input
    }

    package func activations(of positions: [Position], layers: Set<String>) -> [String: Tensor] {
        var values = Dictionary(uniqueKeysWithValues: layers.map { ($0, [Float]()) })
        let needsNetwork = !layers.subtracting(["input"]).isEmpty
        for position in positions {
            if layers.contains("input") { values["input"]! += Self.boardFeatures(of: position) }
            guard needsNetwork else { continue }
            let internals = internals(position)
            if layers.contains("accumulator") { values["accumulator"]! += internals.accumulators.flatMap { $0.map { Float(min(max($0, 0), 127)) } } }
            if layers.contains("fc0") { values["fc0"]! += internals.fc0.map(Float.init) }
            if layers.contains("fc1") { values["fc1"]! += internals.fc1.map(Float.init) }
            if layers.contains("output") {
                values["output"]! += [Float(internals.psqt) / Float(Self.outputScale), Float(internals.positional) / Float(Self.outputScale)]
            }
        }
        return Dictionary(uniqueKeysWithValues: values.map { layer, values in (layer, Tensor(shape: [positions.count, width(of: layer)], values)) })
    }

    package func readoutGradient(input: Tensor, layer: String, direction: [Float]) -> (readout: Float, gradient: Tensor) {
        precondition(input.rows == 1)
        let features = input.storage.map(Double.init)
        let relaxedLayer = RelaxedLayer(probeLayer: layer)
        let r = relaxed(features, bucket: Self.bucket(ofInput: features))
        let gradient = backward(r, from: relaxedLayer, direction.map(Double.init), to: .features)
        return (Float(Self.readout(r, at: relaxedLayer, direction: direction)), Tensor(shape: input.shape, gradient.map(Float.init)))
    }

    /// The read-out alone, without the backward pass: what finite differences compare with.
    func relaxedReadout(input: [Double], layer: String, direction: [Float]) -> Double {
        let features = input
        return Self.readout(relaxed(features, bucket: Self.bucket(ofInput: features)), at: RelaxedLayer(probeLayer: layer), direction: direction)
    }

    private static func readout(_ r: Relaxed, at layer: RelaxedLayer, direction: [Float]) -> Double {
        zip(activation(r, at: layer), direction).reduce(0) { $0 + $1.0 * Double($1.1) }
    }

    package func outputGradient(of positions: [Position], layer: String, output: NetworkOutput, moves: [Move]) -> (activations: Tensor, gradient: Tensor) {
        precondition(output == .evaluation, "NNUE outputs an evaluation only")
        precondition(sensitivityLayers.contains(layer), "\(layer) is not a layer NNUE's evaluation is differentiated at")
        let relaxedLayer = RelaxedLayer(probeLayer: layer)
        var activations = [Float](), gradients = [Float]()
        for position in positions {
            let input = encode([position]).storage.map(Double.init)
            let r = relaxed(input, bucket: HalfKAv2Features.bucket(of: position))
            activations += self.activations(of: [position], layers: [layer])[layer]!.storage
            // ∂ evaluation / ∂ layer, the evaluation being (PSQT + positional) / 16 in internal units.
            gradients += backward(r, from: .output, [1, 1], to: relaxedLayer).map(Float.init)
        }
        return (Tensor(shape: [positions.count, width(of: layer)], activations), Tensor(shape: [positions.count, width(of: layer)], gradients))
    }

    /// The weights are immutable and every pass allocates its own buffers: one network serves all threads.
    package func copy() -> any ChessNetwork { self }

    /// The same architecture with each layer's weights (and each layer stack's separately)
    /// shuffled: the random-network baseline of a network that was never trained here.
    package func shuffled(seed: UInt64) -> StockfishNetwork {
        var random = SplitMix64(seed: SplitMix64.mix(seed, "nnue shuffle"))
        func shuffle<Value>(_ values: [Value], slices: Int = 1) -> [Value] {
            let size = values.count / slices
            return (0..<slices).flatMap { slice in values[(slice * size)..<((slice + 1) * size)].shuffled(using: &random) }
        }
        let f = file
        return StockfishNetwork(NNUEFile(
            description: "shuffled (seed \(seed)): " + f.description, featureBiases: shuffle(f.featureBiases), featureWeights: shuffle(f.featureWeights),
            psqtWeights: shuffle(f.psqtWeights), fc0Biases: shuffle(f.fc0Biases, slices: NNUEFile.buckets), fc0Weights: shuffle(f.fc0Weights, slices: NNUEFile.buckets),
            fc1Biases: shuffle(f.fc1Biases, slices: NNUEFile.buckets), fc1Weights: shuffle(f.fc1Weights, slices: NNUEFile.buckets),
            fc2Biases: shuffle(f.fc2Biases), fc2Weights: shuffle(f.fc2Weights, slices: NNUEFile.buckets)))
    }

    /// The layer stack of a (possibly relaxed) input: by its side to move's feature mass, one per piece.
    private static func bucket(ofInput input: [Double]) -> Int {
        let pieces = Int(input.prefix(NNUEFile.features).reduce(0, +).rounded())
        return min(max((pieces - 1) / 4, 0), NNUEFile.buckets - 1)
    }

    /// The own network's first planes: my pawns … king, then the opponent's.
    static let piecePlanes = 12

    /// The 768 board features: the own encoder's twelve piece planes, square-major, from
    /// the side to move's view.
    static func boardFeatures(of position: Position) -> [Float] {
        let planes = BoardEncoder.encode([position]).storage
        return (0..<64).flatMap { square in planes[(square * BoardEncoder.planeCount)..<(square * BoardEncoder.planeCount + piecePlanes)] }
    }

}
