import Neural

/// One step of the propagation: an affine layer (with its folded batch norm), a ReLU, a
/// reshape or a residual block.
enum RelevanceStage {
    case affine(AffineRelevance)
    case rectifier(String)
    case reshape(String, [Int])
    case residual(String, AffineRelevance, AffineRelevance, RelevanceRule)

    /// What a forward pass keeps for the backward one.
    struct Record {
        let input: Tensor
        /// An affine layer's output, or a residual block's first layer's.
        var output: Tensor?
        /// A residual block's hidden map and branch output.
        var hidden: Tensor?, branch: Tensor?
    }

    var names: [String] {
        switch self {
        case .affine(let affine): affine.names
        case .rectifier(let name), .reshape(let name, _), .residual(let name, _, _, _): [name]
        }
    }

    func forward(_ input: Tensor) -> (Tensor, Record) {
        switch self {
        case .affine(let affine):
            let output = affine.forward(input)
            return (output, Record(input: input, output: output))
        case .rectifier:
            return (input.rectified, Record(input: input))
        case .reshape(_, let shape):
            return (input.reshaped([input.rows] + shape), Record(input: input))
        case .residual(_, let first, let second, _):
            let preactivation = first.forward(input)
            let hidden = preactivation.rectified
            let branch = second.forward(hidden)
            return ((branch + input).rectified, Record(input: input, output: preactivation, hidden: hidden, branch: branch))
        }
    }

    func backward(_ relevance: Tensor, record: Record) -> Tensor {
        switch self {
        case .affine(let affine):
            return affine.propagate(relevance, input: record.input, output: record.output!)
        case .rectifier:
            return relevance
        case .reshape:
            return relevance.reshaped(record.input.shape)
        case .residual(_, let first, let second, let rule):
            // The ReLU after the sum passes relevance through; the sum splits it, once.
            let (skip, branch) = Self.split(relevance, between: record.input, and: record.branch!, rule: rule)
            let throughHidden = second.propagate(branch, input: record.hidden!, output: record.branch!)
            return skip + first.propagate(throughHidden, input: record.input, output: record.output!)
        }
    }

    /// A sum a + b's relevance shared between its summands: in proportion to each (ε,
    /// zennit's `Norm`), or to their positive parts (z⁺).
    private static func split(_ relevance: Tensor, between a: Tensor, and b: Tensor, rule: RelevanceRule) -> (Tensor, Tensor) {
        var toA = relevance, toB = relevance
        for index in 0..<relevance.count {
            var (x, y) = (a.storage[index], b.storage[index])
            let denominator: Float
            switch rule {
            case .epsilon(let epsilon):
                denominator = stabilised(x + y, epsilon)
            default:
                (x, y) = (max(x, 0), max(y, 0))
                denominator = x + y + RelevanceRule.stabiliser
            }
            let share = relevance.storage[index] / denominator
            toA.storage[index] = x * share
            toB.storage[index] = y * share
        }
        return (toA, toB)
    }
}

/// z moved away from zero by ε with its sign (+ at zero), as zennit stabilises.
@inline(__always)
func stabilised(_ z: Float, _ epsilon: Float) -> Float { z + (z >= 0 ? epsilon : -epsilon) }

/// An affine layer with its batch norm folded in, and the weights its rule needs,
/// taken while the folding is applied.
struct AffineRelevance {
    let names: [String]
    let layer: any AffineLayer
    let rule: RelevanceRule
    /// The folded map.
    let weights: [Float], bias: [Float]
    /// The rule's re-weighted maps: z⁺'s (W⁺, b⁺) and (W⁻, 0); γ's (W + γW⁺, b + γb⁺) and
    /// (W + γW⁻, b + γb⁻); flat's (1, 0).
    let up: (weights: [Float], bias: [Float]), down: (weights: [Float], bias: [Float])

    init(_ layer: any AffineLayer, norm: BatchNorm?, rule: RelevanceRule) {
        names = [layer.name] + (norm.map { [$0.name] } ?? [])
        self.layer = layer
        self.rule = rule
        weights = layer.weight.value.storage
        let outputs = layer.weight.value.shape[0]
        bias = norm?.shift.value.storage ?? layer.biasParameter?.value.storage ?? [Float](repeating: 0, count: outputs)
        let zeros = [Float](repeating: 0, count: outputs)
        switch rule {
        case .epsilon:
            (up, down) = (([], []), ([], []))
        case .zPlus:
            up = (weights.map { max($0, 0) }, bias.map { max($0, 0) })
            down = (weights.map { min($0, 0) }, zeros)
        case .gamma(let gamma):
            up = (weights.map { $0 + gamma * max($0, 0) }, bias.map { $0 + gamma * max($0, 0) })
            down = (weights.map { $0 + gamma * min($0, 0) }, bias.map { $0 + gamma * min($0, 0) })
        case .flat:
            up = ([Float](repeating: 1, count: weights.count), zeros)
            down = ([], [])
        }
    }

    func forward(_ input: Tensor) -> Tensor { layer.applied(input, weights: weights, bias: bias) }

    /// The input's relevance from the output's, `output` being this layer's output on `input`.
    func propagate(_ relevance: Tensor, input: Tensor, output: Tensor) -> Tensor {
        let shape = input.shape
        // x⁺ and x⁻ (none where the input has no negative value), for the rules that split the input.
        func parts() -> (positive: Tensor, negative: Tensor?) {
            (input.rectified, input.storage.contains { $0 < 0 } ? input.negativePart : nil)
        }
        /// Σ over parts of part ⊙ Wᵀ(ratio) for each (part, weights).
        func gathered(_ terms: [(part: Tensor, ratio: Tensor, weights: [Float])]) -> Tensor {
            var result = Tensor(shape: shape)
            for term in terms {
                var product = layer.adjoint(term.ratio, weights: term.weights, inputShape: shape)
                product.multiply(by: term.part)
                result.add(product)
            }
            return result
        }
        /// R ⊘ stabilised z, zero where `keep` (given the layer's output) is false.
        func ratio(_ relevance: Tensor, over z: Tensor, epsilon: Float, keep: ((Float) -> Bool)? = nil) -> Tensor {
            var result = relevance
            for index in 0..<result.count {
                let kept = keep?(output.storage[index]) ?? true
                result.storage[index] = kept ? relevance.storage[index] / stabilised(z.storage[index], epsilon) : 0
            }
            return result
        }
        switch rule {
        case .epsilon(let epsilon):
            return gathered([(input, ratio(relevance, over: output, epsilon: epsilon), weights)])
        case .zPlus:
            let (positive, negative) = parts()
            var z = layer.applied(positive, weights: up.weights, bias: up.bias)
            if let negative { z.add(layer.applied(negative, weights: down.weights, bias: nil)) }
            let s = ratio(relevance, over: z, epsilon: RelevanceRule.stabiliser)
            return gathered([(positive, s, up.weights)] + (negative.map { [($0, s, down.weights)] } ?? []))
        case .gamma:
            let (positive, negative) = parts()
            var zUp = layer.applied(positive, weights: up.weights, bias: up.bias)
            var zDown = layer.applied(positive, weights: down.weights, bias: down.bias)
            if let negative {
                zUp.add(layer.applied(negative, weights: down.weights, bias: nil))
                zDown.add(layer.applied(negative, weights: up.weights, bias: nil))
            }
            let sUp = ratio(relevance, over: zUp, epsilon: RelevanceRule.stabiliser, keep: { $0 > 0 })
            let sDown = ratio(relevance, over: zDown, epsilon: RelevanceRule.stabiliser, keep: { $0 < 0 })
            return gathered([(positive, sUp, up.weights), (positive, sDown, down.weights)]
                            + (negative.map { [($0, sUp, down.weights), ($0, sDown, up.weights)] } ?? []))
        case .flat:
            let ones = Tensor(shape: shape, repeating: 1)
            let z = layer.applied(ones, weights: up.weights, bias: nil)
            return gathered([(ones, ratio(relevance, over: z, epsilon: RelevanceRule.stabiliser), up.weights)])
        }
    }
}

extension Tensor {
    /// Multiplies element-wise by a tensor of the same size.
    mutating func multiply(by other: Tensor) {
        precondition(count == other.count)
        storage.withUnsafeMutableBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in for index in 0..<a.count { a[index] *= b[index] } }
        }
    }
}
