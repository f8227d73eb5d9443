import Foundation
import Chess
import DataFiles
import Neural

/// The network whose knowledge is studied: an AlphaZero-style residual tower with a
/// policy head (4,672 move logits) and a value head (win/draw/loss logits from the
/// side to move's view).
package final class PolicyValueNetwork {
    /// Architecture, stored in `config.json`.
    package struct Architecture: Codable, Equatable, Sendable {
        package var blocks: Int
        package var channels: Int
        package init(blocks: Int, channels: Int) {
            self.blocks = blocks
            self.channels = channels
        }
    }

    package let architecture: Architecture
    /// Input to the last residual block: the shared trunk.
    package let trunk: Sequential
    package let policyHead: Sequential
    package let valueHead: Sequential

    package init(_ architecture: Architecture, seed: UInt64) {
        self.architecture = architecture
        var random = SplitMix64(seed: seed)
        let c = architecture.channels
        var layers: [Layer] = [
            Conv2D("stem.conv", inChannels: BoardEncoder.planeCount, outChannels: c, kernel: 3, bias: false, random: &random),
            BatchNorm("stem.bn", channels: c),
            Activation("stem", .relu),
        ]
        for block in 0..<architecture.blocks { layers.append(ResidualBlock("block\(block + 1)", channels: c, random: &random)) }
        trunk = Sequential("trunk", layers)
        policyHead = Sequential("policy", [
            Conv2D("policy.conv", inChannels: c, outChannels: c, kernel: 3, bias: false, random: &random),
            BatchNorm("policy.bn", channels: c),
            Activation("policy", .relu),
            Conv2D("policy.logits", inChannels: c, outChannels: MoveIndex.typesPerSquare, kernel: 1, random: &random),
            Reshape("policy.flat", to: [MoveIndex.count]),
        ])
        valueHead = Sequential("value", [
            Conv2D("value.conv", inChannels: c, outChannels: 2, kernel: 1, bias: false, random: &random),
            BatchNorm("value.bn", channels: 2),
            Activation("value.relu", .relu),
            Reshape("value.flat", to: [128]),
            Dense("value.fc", inputs: 128, outputs: 64, random: &random),
            Activation("value", .relu),
            Dense("value.logits", inputs: 64, outputs: 3, random: &random),
        ])
    }

    package var parameters: [Parameter] { trunk.parameters + policyHead.parameters + valueHead.parameters }
    package var state: [String: Tensor] {
        trunk.state.merging(policyHead.state) { a, _ in a }.merging(valueHead.state) { a, _ in a }
    }

    package func load(_ tensors: [String: Tensor]) throws {
        try trunk.load(tensors)
        try policyHead.load(tensors)
        try valueHead.load(tensors)
    }

    package func zeroGradients() {
        trunk.zeroGradients()
        policyHead.zeroGradients()
        valueHead.zeroGradients()
    }

    /// Policy logits [n, 4672] and value logits [n, 3] (win, draw, loss for the side to move).
    package func forward(_ planes: Tensor, mode: Mode) -> (policy: Tensor, value: Tensor) {
        let features = trunk.forward(planes, mode: mode)
        return (policyHead.forward(features, mode: mode), valueHead.forward(features, mode: mode))
    }

    /// The layers a probe can read, input to output: the planes themselves (`input`),
    /// the stem, every residual block, and the two heads' hidden layers (`policy`, `value`).
    package var probeLayers: [String] {
        ["input", "stem"] + (1...architecture.blocks).map { "block\($0)" } + ["policy", "value"]
    }

    /// The outputs of the named layers (see `probeLayers`) for a batch of planes, in inference mode.
    /// Only the parts of the network the request needs are run.
    package func activations(_ planes: Tensor, layers: Set<String>) -> [String: Tensor] {
        var result = [String: Tensor]()
        if layers.contains("input") { result["input"] = planes }
        let trunkLayers = layers.intersection(trunk.layerNames)
        let needsHeads = layers.contains("policy") || layers.contains("value")
        guard !trunkLayers.isEmpty || needsHeads else { return result }
        let last = needsHeads ? trunk.layerNames.last! : trunk.layerNames.last { trunkLayers.contains($0) }!
        let (features, captured) = trunk.forward(planes, mode: .inference, through: last, capture: trunkLayers)
        result.merge(captured) { a, _ in a }
        if layers.contains("policy") { result["policy"] = policyHead.forward(features, mode: .inference, through: "policy") }
        if layers.contains("value") { result["value"] = valueHead.forward(features, mode: .inference, through: "value") }
        return result
    }

    /// P(win), P(draw), P(loss) of row `row` of value logits [n, 3] (a softmax).
    package static func outcomeProbabilities(_ value: Tensor, row: Int) -> [Float] {
        let logits = value.storage[(row * 3)..<(row * 3 + 3)]
        let largest = logits.max()!
        let weights = logits.map { exp($0 - largest) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    /// The layers from the input planes to the output of the probe layer `layer` (any of
    /// `probeLayers` but `input`), in order: what relevance propagation walks back through.
    package func layers(through layer: String) -> [Layer] {
        let tower = trunk.layers
        if let end = tower.firstIndex(where: { $0.name == layer }) { return Array(tower[...end]) }
        let head = layer == "policy" ? policyHead : valueHead
        guard let end = head.layers.firstIndex(where: { $0.name == layer }) else { preconditionFailure("\(layer) is not a probe layer") }
        return tower + head.layers[...end]
    }

    /// Backpropagates `gradient`, ∂output/∂(output of the probe layer `layer`), down to the
    /// input, accumulating parameter gradients, after `activations` computed that layer.
    package func backward(from layer: String, _ gradient: Tensor) {
        if trunk.layerNames.contains(layer) {
            _ = trunk.backward(from: layer, gradient)
        } else {
            let head = layer == "policy" ? policyHead : valueHead
            _ = trunk.backward(head.backward(from: layer, gradient))
        }
    }

    /// An independent network with the same architecture and weights (one per thread).
    package func copy() -> PolicyValueNetwork {
        let twin = PolicyValueNetwork(architecture, seed: 0)
        try! twin.load(state)
        return twin
    }

    /// The value head's win-minus-loss logit as a linear read-out of the `value` layer:
    /// one weight per hidden unit (the bias, a constant, is left out).
    package var valueReadout: [Float] {
        let logits = valueHead.layers.last as! Dense
        let width = logits.weight.value.shape[1]
        return (0..<width).map { logits.weight.value.storage[$0] - logits.weight.value.storage[2 * width + $0] }
    }

    /// A single number the network computes for a position, for sensitivity analyses (TCAV).
    package enum ScalarOutput: Equatable, Sendable {
        /// The value head's expected score for the side to move, P(win) − P(loss).
        case value
        /// The policy logit of each row's move (the `indices` of `outputGradient`, see `MoveIndex`).
        case policy
    }

    /// The outputs of the trunk layer `layer` (stem or a residual block) and the gradient of
    /// `output` with respect to them, for a batch of planes in inference mode; `indices` gives
    /// each row's policy index when `output` is a move (one per row), else it is ignored.
    package func outputGradient(_ planes: Tensor, layer: String, output: ScalarOutput, indices: [Int] = []) -> (activations: Tensor, gradient: Tensor) {
        precondition(trunk.layerNames.contains(layer), "\(layer) is not a trunk layer")
        let (features, captured) = trunk.forward(planes, mode: .inference, through: trunk.layerNames.last!, capture: [layer])
        let n = planes.rows
        var featureGradient: Tensor
        switch output {
        case .value:
            let logits = valueHead.forward(features, mode: .inference)
            var gradient = Tensor(shape: logits.shape)
            for row in 0..<n {
                let p = Self.outcomeProbabilities(logits, row: row)
                // ∂(p₀ − p₂)/∂z_j = p₀(δ₀ⱼ − pⱼ) − p₂(δ₂ⱼ − pⱼ)
                for j in 0..<3 { gradient.storage[row * 3 + j] = p[0] * ((j == 0 ? 1 : 0) - p[j]) - p[2] * ((j == 2 ? 1 : 0) - p[j]) }
            }
            featureGradient = valueHead.backward(gradient)
        case .policy:
            let logits = policyHead.forward(features, mode: .inference)
            precondition(indices.count == n, "one policy index per row")
            var gradient = Tensor(shape: logits.shape)
            for row in 0..<n { gradient.storage[row * logits.rowSize + indices[row]] = 1 }
            featureGradient = policyHead.backward(gradient)
        }
        featureGradient = trunk.backward(featureGradient, downTo: layer)
        return (captured[layer]!, featureGradient)
    }

    /// TRAK's output functions of one training example, in inference mode: the margins
    /// log(p/(1 − p)) of the move played (among the legal moves) and of the game's result.
    /// For each, the gradient with respect to `parameters` (concatenated in order) and the
    /// weight 1 − p = −∂loss/∂margin of the cross-entropy the network was trained with.
    package func marginGradients(_ example: TrainingExample, parameters: [Parameter]) -> [(gradient: [Float], weight: Float)] {
        let batch = TrainingBatch([example])
        let (policy, value) = forward(batch.planes, mode: .inference)
        let policyGradient = Self.marginGradient(policy, target: batch.moves[0], mask: batch.masks)
        let valueGradient = Self.marginGradient(value, target: batch.outcomes[0], mask: nil)
        // The backward passes only read what the forward pass kept, so both run from it.
        return [(policyHead, policyGradient), (valueHead, valueGradient)].map { head, margin in
            zeroGradients()
            _ = trunk.backward(head.backward(margin.gradient))
            return (parameters.flatMap(\.gradient.storage), margin.weight)
        }
    }

    /// ∂margin/∂logits for one row: (δ − p) / (1 − p_target), over the unmasked logits.
    private static func marginGradient(_ logits: Tensor, target: Int, mask: Tensor?) -> (gradient: Tensor, weight: Float) {
        let allowed = { (index: Int) in mask.map { $0.storage[index] > 0 } ?? true }
        let top = logits.storage.indices.filter(allowed).map { logits.storage[$0] }.max()!
        var exponentials = [Float](repeating: 0, count: logits.count)
        for index in logits.storage.indices where allowed(index) { exponentials[index] = exp(logits.storage[index] - top) }
        let total = exponentials.reduce(0, +)
        let rest = max(1 - exponentials[target] / total, 1e-6)
        var gradient = Tensor(shape: logits.shape)
        for index in logits.storage.indices where exponentials[index] > 0 {
            gradient.storage[index] = ((index == target ? 1 : 0) - exponentials[index] / total) / rest
        }
        return (gradient, rest)
    }

    /// Backpropagates both heads' gradients through the tower (after `forward`).
    package func backward(policy: Tensor, value: Tensor) {
        var features = policyHead.backward(policy)
        features.add(valueHead.backward(value))
        _ = trunk.backward(features)
    }
}
