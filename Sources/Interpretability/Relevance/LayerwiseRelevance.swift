import Neural

/// Layer-wise relevance propagation (Bach et al. 2015; Montavon et al. 2019): the value
/// of a linear read-out of a network's last layer is redistributed, layer by layer,
/// onto the input, each unit passing its relevance to the units below by the rule its
/// layer's kind takes in a `RelevanceComposite`.
///
/// Batch normalisation is folded into the affine layer before it while the propagation
/// is prepared (`BatchNormFolding`, undone before `init` returns), so that its shift acts
/// as that layer's bias instead of a layer of its own. ReLUs pass relevance through; a
/// residual sum splits it between the skip path and the branch by the composite's sum
/// rule, so that it is passed on once, never doubled.
///
/// Conservation: what biases, stabilisers and units with no contribution take is the
/// difference between the relevance started with and the input's, `absorbed`. With zero
/// biases it is close to zero under every rule.
///
/// Conditioning (Concept Relevance Propagation, Achtibat et al. 2023): relevance at named
/// layers can be restricted to chosen channels, or to a direction, giving the relevance
/// that flows through them alone; conditions at several layers chain.
///
/// ```swift
/// let lrp = LayerwiseRelevance(layers: network.layers(through: "value"), composite: .standard)
/// let trace = lrp.trace(planes)
/// let (input, layers) = trace.propagate(trace.relevance(readout: weights), conditions: [.init(layer: "block3", channels: [5])])
/// ```
public struct LayerwiseRelevance {
    /// The relevance of every input element and of the outputs of the layers passed through.
    public struct Result {
        /// Relevance of each input element (same shape as the input).
        public let input: Tensor
        /// Relevance of each named layer's output, before conditioning.
        public let layers: [String: Tensor]
        /// The read-out's value without its bias (after conditioning): the relevance propagated.
        public let total: Double
        /// Relevance taken by biases, batch-norm shifts and stabilisers: `total` = Σ `input` + `absorbed`.
        public let absorbed: Double

        public var inputSum: Double { input.sum }
    }

    /// What relevance is kept at a layer's output: the listed channels (the last axis), or
    /// its component along a direction.
    public struct Condition: Sendable {
        /// What is kept.
        public enum Selection: Sendable {
            /// Only these channels.
            case channels(Set<Int>)
            /// The relevance of the activation's component along a direction (one weight per
            /// element of a row): with g = R ⊘ a, R' = a ⊙ v (v·g)/(v·v), which sums to
            /// (v·a)(v·g)/(v·v), the direction's own relevance.
            case direction([Float])

            /// One row's relevance at a layer with `activations` there, `channelCount` channels
            /// last (each square's channels together), restricted to the selection.
            public func kept(_ relevance: [Double], activations: [Double], channelCount: Int) -> [Double] {
                switch self {
                case .channels(let channels):
                    return relevance.indices.map { channels.contains($0 % channelCount) ? relevance[$0] : 0 }
                case .direction(let direction):
                    precondition(direction.count == relevance.count, "direction has \(direction.count) weights for \(relevance.count) values")
                    var projection = 0.0, norm = 0.0
                    for i in relevance.indices {
                        if activations[i] != 0 { projection += Double(direction[i]) * relevance[i] / activations[i] }
                        norm += Double(direction[i]) * Double(direction[i])
                    }
                    let scale = norm > 0 ? projection / norm : 0
                    return relevance.indices.map { activations[$0] * Double(direction[$0]) * scale }
                }
            }

            /// Each row of a layer's relevance restricted to the selection, `activations` the layer's.
            public func kept(_ relevance: Tensor, activations: Tensor) -> Tensor {
                var kept = relevance
                let width = relevance.rowSize
                for row in 0..<relevance.rows {
                    let range = (row * width)..<((row + 1) * width)
                    let values = self.kept(relevance.storage[range].map(Double.init), activations: activations.storage[range].map(Double.init),
                                           channelCount: relevance.shape.last!)
                    for (offset, value) in values.enumerated() { kept.storage[range.lowerBound + offset] = Float(value) }
                }
                return kept
            }
        }

        public let layer: String
        public let selection: Selection

        public init(layer: String, channels: Set<Int>) {
            self.layer = layer
            selection = .channels(channels)
        }

        public init(layer: String, selection: Selection) {
            self.layer = layer
            self.selection = selection
        }
    }

    /// One forward pass kept for propagating relevance back, as often as needed.
    public struct Trace {
        fileprivate let stages: [RelevanceStage]
        fileprivate let records: [RelevanceStage.Record]
        /// The last layer's output.
        public let output: Tensor

        /// The output of the named layer (a stage's layer: an affine layer or its batch norm, a ReLU, a reshape, a block).
        public func activations(at layer: String) -> Tensor {
            let index = stageIndex(layer)
            return index + 1 < records.count ? records[index + 1].input : output
        }

        /// The relevance a linear read-out (one weight per element of an output row) starts
        /// with: each output element times its weight.
        public func relevance(readout: [Float]) -> Tensor {
            precondition(readout.count == output.rowSize, "read-out has \(readout.count) weights for \(output.rowSize) outputs")
            var relevance = output
            relevance.storage.withUnsafeMutableBufferPointer { r in
                for index in 0..<r.count { r[index] *= readout[index % readout.count] }
            }
            return relevance
        }

        /// Propagates `relevance` at the output of layer `start` (the last layer for `nil`)
        /// down to the output of layer `end` (the input for `nil`), applying `conditions`
        /// on the way and recording the relevance at the output of every layer passed,
        /// before its condition.
        public func propagate(_ relevance: Tensor, from start: String? = nil, to end: String? = nil,
                              conditions: [Condition] = []) -> (relevance: Tensor, layers: [String: Tensor]) {
            let first = start.map(stageIndex) ?? stages.count - 1
            let last = end.map { stageIndex($0) + 1 } ?? 0
            precondition(last <= first + 1, "\(end ?? "the input") is not below \(start ?? "the output")")
            var relevance = relevance
            var recorded = [String: Tensor]()
            for index in stride(from: first, through: last, by: -1) {
                let stage = stages[index]
                for name in stage.names { recorded[name] = relevance }
                for condition in conditions where stage.names.contains(condition.layer) {
                    relevance = kept(relevance, at: stage.names.last!, by: condition.selection)
                }
                relevance = stage.backward(relevance, record: records[index])
            }
            return (relevance, recorded)
        }

        /// The part of `relevance` at the output of `layer` that `selection` keeps.
        public func kept(_ relevance: Tensor, at layer: String, by selection: Condition.Selection) -> Tensor {
            selection.kept(relevance, activations: activations(at: layer))
        }

        private func stageIndex(_ layer: String) -> Int {
            guard let index = stages.firstIndex(where: { $0.names.contains(layer) }) else { preconditionFailure("no layer \(layer) to propagate through") }
            return index
        }

    }

    private let stages: [RelevanceStage]

    /// Prepares propagation through `layers` (input to output, inference mode): dense and
    /// convolution layers (each optionally followed by batch normalisation), ReLUs,
    /// reshapes, residual blocks and sequences of these.
    public init(layers: [Layer], composite: RelevanceComposite) {
        let flat = Self.flattened(layers)
        let folding = BatchNormFolding(Self.normalisedPairs(flat))
        defer { folding.undo() }
        var stages = [RelevanceStage]()
        var index = 0
        var first = true
        func affine(_ layer: any AffineLayer, norm: BatchNorm?) -> AffineRelevance {
            defer { first = false }
            return AffineRelevance(layer, norm: norm, rule: composite.rule(for: layer, first: first))
        }
        while index < flat.count {
            let layer = flat[index]
            let norm = index + 1 < flat.count ? flat[index + 1] as? BatchNorm : nil
            switch layer {
            case let linear as any AffineLayer:
                stages.append(.affine(affine(linear, norm: norm)))
                if norm != nil { index += 1 }
            case let activation as Activation:
                precondition(activation.function == .relu, "LRP passes relevance through ReLUs only, not \(activation.function)")
                stages.append(.rectifier(activation.name))
            case let reshape as Reshape:
                stages.append(.reshape(reshape.name, reshape.sampleShape))
            case let block as ResidualBlock:
                stages.append(.residual(block.name, affine(block.conv1, norm: block.norm1), affine(block.conv2, norm: block.norm2), composite.sum))
            default:
                preconditionFailure("LRP has no rule for \(layer.name) (\(type(of: layer)))")
            }
            index += 1
        }
        self.stages = stages
    }

    /// Runs the folded network forward on `input`, keeping what propagation needs.
    public func trace(_ input: Tensor) -> Trace {
        var records = [RelevanceStage.Record]()
        var current = input
        for stage in stages {
            let (output, record) = stage.forward(current)
            records.append(record)
            current = output
        }
        return Trace(stages: stages, records: records, output: current)
    }

    /// Propagates the relevance of `readout`·(last layer's output) — one weight per element
    /// of an output row, summed over the batch — down to `input`.
    public func explain(_ input: Tensor, readout: [Float], conditions: [Condition] = []) -> Result {
        let trace = trace(input)
        let (relevance, recorded) = trace.propagate(trace.relevance(readout: readout), conditions: conditions)
        // What passes the deepest condition: what reached its layer through those above, with its own applied.
        var kept = recorded[stages.last!.names.last!]!.sum
        if let deepest = conditions.min(by: { stageOrder($0.layer) < stageOrder($1.layer) })?.layer {
            kept = conditions.filter { $0.layer == deepest }.reduce(recorded[deepest]!) { trace.kept($0, at: deepest, by: $1.selection) }.sum
        }
        return Result(input: relevance, layers: recorded, total: kept, absorbed: kept - relevance.sum)
    }

    private func stageOrder(_ layer: String) -> Int { stages.firstIndex { $0.names.contains(layer) } ?? -1 }

    private static func flattened(_ layers: [Layer]) -> [Layer] {
        layers.flatMap { ($0 as? Sequential).map { flattened($0.layers) } ?? [$0] }
    }

    private static func normalisedPairs(_ layers: [Layer]) -> [(layer: any AffineLayer, norm: BatchNorm)] {
        var pairs = [(layer: any AffineLayer, norm: BatchNorm)]()
        for (index, layer) in layers.enumerated() {
            if let block = layer as? ResidualBlock { pairs += [(block.conv1, block.norm1), (block.conv2, block.norm2)] }
            if let linear = layer as? any AffineLayer, index + 1 < layers.count, let norm = layers[index + 1] as? BatchNorm { pairs.append((linear, norm)) }
        }
        return pairs
    }
}

extension Tensor {
    /// The sum of all elements, accumulated in double precision.
    public var sum: Double { storage.reduce(0) { $0 + Double($1) } }

    /// max(x, 0) element-wise.
    var rectified: Tensor { mapped { max($0, 0) } }

    /// min(x, 0) element-wise.
    var negativePart: Tensor { mapped { min($0, 0) } }

    func mapped(_ transform: (Float) -> Float) -> Tensor {
        var result = self
        result.storage.withUnsafeMutableBufferPointer { for index in 0..<$0.count { $0[index] = transform($0[index]) } }
        return result
    }
}
