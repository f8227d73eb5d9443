import Neural
import DataFiles

/// Layer-wise relevance propagation (Bach et al. 2015; Montavon et al. 2019): the value
/// of a linear read-out of a network's last layer is redistributed, layer by layer,
/// onto the input, each unit passing its relevance to the units below in proportion
/// to their contributions.
///
/// Batch normalisation (inference mode, an affine map per channel) is folded into the
/// convolution or dense layer before it, as the LRP literature recommends, so that its
/// shift acts as that layer's bias instead of a layer of its own. ReLUs pass relevance
/// through; a residual sum splits it between the skip path and the branch in proportion
/// to their contributions (under the same rule).
///
/// Conservation: what the biases, the stabiliser ε and units with no positive input
/// take is returned as `absorbed`, so that the relevance started with equals the input
/// relevance plus `absorbed` exactly (up to rounding). With zero biases and a small ε,
/// `absorbed` is close to zero.
///
/// Conditioning (Concept Relevance Propagation, Achtibat et al. 2023): relevance at a
/// named layer can be restricted to chosen channels, giving the input relevance that
/// flows through those channels alone.
public struct LayerwiseRelevance {
    /// How a linear layer's relevance is shared among its inputs.
    public enum Rule: String, Codable, CaseIterable, Sendable {
        /// LRP-ε: in proportion to each input's signed contribution x·w (ε stabilises small sums).
        case epsilon
        /// LRP-z⁺: in proportion to x·w⁺, positive contributions only (inputs are non-negative
        /// after ReLUs and for the board planes); relevance stays positive.
        case zPlus = "zplus"
    }

    /// The relevance of every input element and of the outputs of the layers passed through.
    public struct Result {
        /// Relevance of each input element (same shape as the input).
        public let input: Tensor
        /// Relevance of each named layer's output, before conditioning.
        public let layers: [String: Tensor]
        /// The read-out's value without its bias: the relevance propagated.
        public let total: Double
        /// Relevance taken by biases, batch-norm shifts and ε: `total` = Σ `input` + `absorbed`.
        public let absorbed: Double

        public var inputSum: Double { input.sum }
    }

    /// What relevance is kept at a layer: only the listed channels (the last axis) of `layer`.
    public struct Condition: Sendable {
        public let layer: String
        public let channels: Set<Int>
        public init(layer: String, channels: Set<Int>) {
            self.layer = layer
            self.channels = channels
        }
    }

    private let stages: [Stage]
    public let rule: Rule
    public let epsilon: Float

    /// Prepares propagation through `layers` (input to output, inference mode): dense and
    /// convolution layers (each optionally followed by batch normalisation), ReLUs,
    /// reshapes, residual blocks and sequences of these.
    public init(layers: [Layer], rule: Rule, epsilon: Float = 1e-6) {
        self.rule = rule
        self.epsilon = epsilon
        stages = Self.stages(of: layers)
    }

    /// Propagates the relevance of `readout`·(last layer's output) — one weight per element
    /// of an output row, summed over the batch — down to `input`.
    public func explain(_ input: Tensor, readout: [Float], condition: Condition? = nil) -> Result {
        var inputs = [Tensor]()
        var current = input
        for stage in stages {
            inputs.append(current)
            current = stage.forward(current)
        }
        precondition(readout.count == current.rowSize, "read-out has \(readout.count) weights for \(current.rowSize) outputs")
        var relevance = current
        relevance.storage.withUnsafeMutableBufferPointer { r in
            for index in 0..<r.count { r[index] *= readout[index % readout.count] }
        }
        let total = relevance.sum
        var recorded = [String: Tensor]()
        for (stage, stageInput) in zip(stages, inputs).reversed() {
            for name in stage.names { recorded[name] = relevance }
            if let condition, stage.names.contains(condition.layer) { relevance = Self.keep(condition.channels, of: relevance) }
            relevance = stage.backward(relevance, input: stageInput, rule: rule, epsilon: epsilon)
        }
        var kept = total
        if let condition {
            guard let atLayer = recorded[condition.layer] else { preconditionFailure("no layer \(condition.layer) to condition on") }
            kept = Self.keep(condition.channels, of: atLayer).sum
        }
        return Result(input: relevance, layers: recorded, total: kept, absorbed: kept - relevance.sum)
    }

    private static func keep(_ channels: Set<Int>, of relevance: Tensor) -> Tensor {
        var kept = relevance
        let width = relevance.shape.last!
        for index in 0..<kept.count where !channels.contains(index % width) { kept.storage[index] = 0 }
        return kept
    }

    private static func stages(of layers: [Layer]) -> [Stage] {
        var stages = [Stage]()
        var index = 0
        while index < layers.count {
            let layer = layers[index]
            let norm = index + 1 < layers.count ? layers[index + 1] as? BatchNorm : nil
            switch layer {
            case let sequence as Sequential:
                stages += Self.stages(of: sequence.layers)
            case is Conv2D, is Dense:
                stages.append(.linear(FoldedLinear(layer, norm: norm)))
                if norm != nil { index += 1 }
            case let activation as Activation:
                precondition(activation.function == .relu, "LRP passes relevance through ReLUs only, not \(activation.function)")
                stages.append(.rectifier(activation.name))
            case let reshape as Reshape:
                stages.append(.reshape(reshape.name, reshape.sampleShape))
            case let block as ResidualBlock:
                stages.append(.residual(block.name, FoldedLinear(block.conv1, norm: block.norm1), FoldedLinear(block.conv2, norm: block.norm2)))
            default:
                preconditionFailure("LRP has no rule for \(layer.name) (\(type(of: layer)))")
            }
            index += 1
        }
        return stages
    }
}

/// One step of the propagation: a group of layers with one relevance rule.
private enum Stage {
    case linear(FoldedLinear)
    case rectifier(String)
    case reshape(String, [Int])
    case residual(String, FoldedLinear, FoldedLinear)

    var names: [String] {
        switch self {
        case .linear(let folded): folded.names
        case .rectifier(let name), .reshape(let name, _), .residual(let name, _, _): [name]
        }
    }

    func forward(_ input: Tensor) -> Tensor {
        switch self {
        case .linear(let folded): return folded.forward(input)
        case .rectifier: return input.rectified
        case .reshape(_, let shape): return input.reshaped([input.rows] + shape)
        case .residual(_, let first, let second): return (second.forward(first.forward(input).rectified) + input).rectified
        }
    }

    func backward(_ relevance: Tensor, input: Tensor, rule: LayerwiseRelevance.Rule, epsilon: Float) -> Tensor {
        switch self {
        case .linear(let folded):
            return folded.propagate(relevance, input: input, rule: rule, epsilon: epsilon)
        case .rectifier:
            return relevance
        case .reshape:
            return relevance.reshaped(input.shape)
        case .residual(_, let first, let second):
            let hidden = first.forward(input).rectified
            let branch = second.forward(hidden)
            // The ReLU after the sum passes relevance through; the sum splits it.
            var toSkip = relevance, toBranch = relevance
            for index in 0..<relevance.count {
                var (skip, inner) = (input.storage[index], branch.storage[index])
                if rule == .zPlus { (skip, inner) = (max(skip, 0), max(inner, 0)) }
                let sum = skip + inner
                let denominator = rule == .zPlus ? sum : sum + (sum >= 0 ? epsilon : -epsilon)
                let share = denominator == 0 ? 0 : relevance.storage[index] / denominator
                toSkip.storage[index] = skip * share
                toBranch.storage[index] = inner * share
            }
            let throughHidden = second.propagate(toBranch, input: hidden, rule: rule, epsilon: epsilon)
            return toSkip + first.propagate(throughHidden, input: input, rule: rule, epsilon: epsilon)
        }
    }
}

/// A convolution or dense layer with the batch normalisation after it folded in:
/// W' = W·γ/σ, b' = (b − μ)·γ/σ + β. It keeps a positive-weight, bias-free twin for z⁺.
private struct FoldedLinear {
    let names: [String]
    let folded: Layer
    let positive: Layer

    init(_ layer: Layer, norm: BatchNorm?) {
        names = [layer.name] + (norm.map { [$0.name] } ?? [])
        let (weight, bias) = Self.weights(of: layer)
        let outputs = weight.shape[0], perOutput = weight.count / outputs
        var scale = [Float](repeating: 1, count: outputs), shift = [Float](repeating: 0, count: outputs)
        if let norm {
            for c in 0..<outputs {
                scale[c] = norm.scale.value.storage[c] / (norm.runningVariance.value.storage[c] + norm.epsilon).squareRoot()
                shift[c] = norm.shift.value.storage[c] - norm.runningMean.value.storage[c] * scale[c]
            }
        }
        var foldedWeight = weight
        for index in 0..<weight.count { foldedWeight.storage[index] *= scale[index / perOutput] }
        let foldedBias = (0..<outputs).map { (bias?.storage[$0] ?? 0) * scale[$0] + shift[$0] }
        let positiveWeight = Tensor(shape: weight.shape, foldedWeight.storage.map { max($0, 0) })
        folded = Self.copy(of: layer, weight: foldedWeight, bias: foldedBias)
        positive = Self.copy(of: layer, weight: positiveWeight, bias: [Float](repeating: 0, count: outputs))
    }

    func forward(_ input: Tensor) -> Tensor { folded.forward(input, mode: .inference) }

    /// Input relevance x ⊙ Wᵀ(R ⊘ z), with z the layer's output under the rule.
    func propagate(_ relevance: Tensor, input: Tensor, rule: LayerwiseRelevance.Rule, epsilon: Float) -> Tensor {
        let layer = rule == .zPlus ? positive : folded
        let output = layer.forward(input, mode: .inference)
        var ratio = relevance
        for index in 0..<ratio.count {
            let z = output.storage[index]
            let denominator = rule == .zPlus ? z : z + (z >= 0 ? epsilon : -epsilon)
            ratio.storage[index] = denominator == 0 ? 0 : relevance.storage[index] / denominator
        }
        var result = layer.backward(ratio)
        for index in 0..<result.count { result.storage[index] *= input.storage[index] }
        return result
    }

    private static func weights(of layer: Layer) -> (Tensor, Tensor?) {
        switch layer {
        case let conv as Conv2D: (conv.weight.value, conv.bias?.value)
        case let dense as Dense: (dense.weight.value, dense.bias.value)
        default: preconditionFailure("\(layer.name) is not linear")
        }
    }

    private static func copy(of layer: Layer, weight: Tensor, bias: [Float]) -> Layer {
        var unused = SplitMix64(seed: 0)
        switch layer {
        case let conv as Conv2D:
            let copy = Conv2D(conv.name, inChannels: conv.inChannels, outChannels: conv.outChannels, kernel: conv.kernel,
                              stride: conv.stride, padding: conv.padding, random: &unused)
            copy.weight.value = weight
            copy.bias!.value = Tensor(shape: [bias.count], bias)
            return copy
        case let dense as Dense:
            let copy = Dense(dense.name, inputs: dense.inputs, outputs: dense.outputs, random: &unused)
            copy.weight.value = weight
            copy.bias.value = Tensor(shape: [bias.count], bias)
            return copy
        default:
            preconditionFailure("\(layer.name) is not linear")
        }
    }
}

extension Tensor {
    /// The sum of all elements, accumulated in double precision.
    var sum: Double { storage.reduce(0) { $0 + Double($1) } }

    /// max(x, 0) element-wise.
    var rectified: Tensor {
        var result = self
        result.storage.withUnsafeMutableBufferPointer { for index in 0..<$0.count { $0[index] = max($0[index], 0) } }
        return result
    }
}
