import Chess
import ChessModel
import Interpretability
import Neural

/// Layer-wise relevance propagation through NNUE's relaxation, on the board's binary
/// features: the explained quantity (the evaluation, or a probe's read-out at a layer)
/// is passed down layer by layer in proportion to each input's contribution.
///
/// - the evaluation splits into the PSQT term, which is linear in the features and
///   passes to them exactly, and the positional term;
/// - affine layers (the layer stack's three, the feature transformer) share relevance by
///   the composite's dense rule (the feature transformer by its input rule, when it has
///   one); their biases and stabilisers absorb what they take;
/// - clipped and squared-clipped ReLUs pass relevance through; the two views of each
///   first-layer output (squared and plain) both return to it;
/// - each pairwise product of clipped accumulator halves gives half its relevance to each factor;
/// - a piece's relevance is that of its two features, one per perspective.
///
/// The evaluation's relevance is in pawns.
extension StockfishNetwork {
    /// The own network's twelve piece planes, which NNUE's `input` layer shares.
    package var relevancePlanes: [String] { Array(BoardEncoder.planeNames.prefix(Self.piecePlanes)) }

    package func value(of position: Position) -> Double {
        Double(trace(position).evaluation) / Double(Self.unitsPerPawn)
    }

    package func relevance(of position: Position, explaining source: RelevanceSource, rankedAt layer: String,
                           through selection: LayerwiseRelevance.Condition.Selection?, composite: RelevanceComposite) -> BoardRelevance {
        let lrp = Propagation(rule: composite.rule(convolution: false, first: false))
        let transformerLRP = Propagation(rule: composite.rule(convolution: false, first: true))
        let active = [position.sideToMove, position.sideToMove.opponent].map { HalfKAv2Features.active(in: position, perspective: $0) }
        let r = relaxed(encode([position]).storage.map(Double.init), bucket: HalfKAv2Features.bucket(of: position))
        let start: RelaxedLayer, ranked = RelaxedLayer(probeLayer: layer)
        var relevance: [Double]
        switch source {
        case .output:
            // In pawns, as `value(of:)` gives the evaluation.
            start = .output
            relevance = [r.psqt, r.positional].map { $0 / Double(Self.outputScale * Self.unitsPerPawn) }
        case .probe("input", let direction):
            // A probe of the board features: each piece's relevance is its own term of the read-out.
            return boardRelevance(of: position, direction: direction)
        case .probe(let probeLayer, let direction):
            start = RelaxedLayer(probeLayer: probeLayer)
            relevance = zip(Self.activation(r, at: start), direction).map { $0 * Double($1) }
        }
        var total = relevance.reduce(0, +)
        var rankedUnits = [Double]()
        // Keeps the relevance at the ranking layer, and only the selected part of it.
        func visit(_ stage: RelaxedLayer, _ values: inout [Double]) {
            guard stage == ranked else { return }
            rankedUnits = values
            if let selection {
                values = selection.kept(values, activations: Self.activation(r, at: stage), channelCount: values.count)
                total = values.reduce(0, +)
            }
        }
        var psqtRelevance = 0.0, skip = 0.0
        var fc0 = [Double](repeating: 0, count: NNUEFile.fc0Outputs)
        if start == .output {
            visit(.output, &relevance)
            psqtRelevance = relevance[0]
            // positional = b₂ + Σ w₂ⱼ·c₁ⱼ + s·fc0₁₅ (all in units × 16).
            let contributions = (0..<NNUEFile.fc1Outputs).map { Double(file.fc2Weights[r.bucket * NNUEFile.fc1Outputs + $0]) * r.clippedFC1[$0] / 16 }
                + [r.fc0[NNUEFile.fc0Outputs - 1] * 600 * 16 / (127 * 64) / 16]
            let shares = lrp.share(relevance[1], contributions: contributions, bias: Double(file.fc2Biases[r.bucket]) / 16)
            relevance = Array(shares.prefix(NNUEFile.fc1Outputs))
            skip = shares[NNUEFile.fc1Outputs]
        }
        if start >= .fc1 {
            visit(.fc1, &relevance)
            // fc1 → the hidden layer (clipped ReLUs pass relevance through), then back to fc0.
            let hidden = lrp.affine(relevance, inputs: r.hidden.count, contribution: { o, k in
                Double(file.fc1Weights[(r.bucket * NNUEFile.fc1Outputs + o) * NNUEFile.fc1Inputs + k]) * r.hidden[k]
            }, bias: { Double(file.fc1Biases[r.bucket * NNUEFile.fc1Outputs + $0]) })
            for o in 0..<(NNUEFile.fc0Outputs - 1) { fc0[o] = hidden[o] + hidden[NNUEFile.fc0Outputs - 1 + o] }
            fc0[NNUEFile.fc0Outputs - 1] += skip
            relevance = fc0
        }
        if start >= .fc0 {
            visit(.fc0, &relevance)
            // fc0 → the transformed features, then half of each product to each clipped factor.
            let transformed = lrp.affine(relevance, inputs: r.transformed.count, contribution: { o, j in
                Double(file.fc0Weights[(r.bucket * NNUEFile.fc0Outputs + o) * NNUEFile.halfDimensions + j]) * r.transformed[j]
            }, bias: { Double(file.fc0Biases[r.bucket * NNUEFile.fc0Outputs + $0]) })
            let half = NNUEFile.halfDimensions / 2
            var clipped = [Double](repeating: 0, count: 2 * NNUEFile.halfDimensions)
            for side in 0..<2 {
                for j in 0..<half {
                    let share = transformed[side * half + j] / 2
                    clipped[side * NNUEFile.halfDimensions + j] += share
                    clipped[side * NNUEFile.halfDimensions + j + half] += share
                }
            }
            relevance = clipped
        }
        visit(.accumulator, &relevance)
        // The accumulators → the active features (the clipping passes relevance through).
        var squares = [Double](repeating: 0, count: 64), planes = [Double](repeating: 0, count: Self.piecePlanes)
        let occupied = Array(position.occupied)
        for side in 0..<2 {
            // Each active feature's value is 1: its contribution to unit j is its weight.
            let features = active[side]
            var featureRelevance = transformerLRP.affine(Array(relevance[(side * NNUEFile.halfDimensions)..<((side + 1) * NNUEFile.halfDimensions)]),
                                              inputs: features.count,
                                              contribution: { j, k in Double(file.featureWeights[Int(features[k]) * NNUEFile.halfDimensions + j]) },
                                              bias: { Double(file.featureBiases[$0]) })
            // The PSQT term is linear in the features: its relevance splits exactly.
            if psqtRelevance != 0 {
                let sign = side == 0 ? 0.5 : -0.5
                let contributions = active[side].map { sign * Double(file.psqtWeights[Int($0) * NNUEFile.buckets + r.bucket]) / 16 }
                let psqtTotal = r.psqt / 16
                for k in featureRelevance.indices where psqtTotal != 0 { featureRelevance[k] += psqtRelevance * contributions[k] / psqtTotal }
            }
            for (k, square) in occupied.enumerated() {
                squares[square.index] += featureRelevance[k]
                let piece = position.piece(at: square)!
                planes[Int(piece.kind.rawValue) + (piece.color == position.sideToMove ? 0 : 6)] += featureRelevance[k]
            }
        }
        // Ranked at the input: per piece plane, as the own network ranks its planes.
        if rankedUnits.isEmpty { rankedUnits = planes }
        return BoardRelevance(squares: squares, planes: planes, units: rankedUnits, total: total, absorbed: total - squares.reduce(0, +))
    }

    package func layerRelevance(of positions: [Position], explaining source: RelevanceSource, at layer: String,
                                composite: RelevanceComposite) -> (relevance: Tensor, activations: Tensor) {
        precondition(layer != "input", "layer relevance is ranked at a layer of the network, not its input")
        let rows = positions.map { relevance(of: $0, explaining: source, rankedAt: layer, through: nil, composite: composite).units }
        let width = rows.first?.count ?? width(of: layer)
        return (Tensor(shape: [positions.count, width], rows.flatMap { $0.map(Float.init) }), activations(of: positions, layers: [layer])[layer]!)
    }

    private func boardRelevance(of position: Position, direction: [Float]) -> BoardRelevance {
        let features = Self.boardFeatures(of: position)
        var squares = [Double](repeating: 0, count: 64), planes = [Double](repeating: 0, count: Self.piecePlanes)
        for square in position.occupied {
            let relative = position.sideToMove == .white ? square.index : square.index ^ 56
            for plane in 0..<Self.piecePlanes where features[relative * Self.piecePlanes + plane] > 0 {
                squares[square.index] += Double(direction[relative * Self.piecePlanes + plane])
                planes[plane] += Double(direction[relative * Self.piecePlanes + plane])
            }
        }
        return BoardRelevance(squares: squares, planes: planes, units: planes, total: squares.reduce(0, +), absorbed: 0)
    }

    /// One affine unit's relevance shared among its inputs' contributions.
    private struct Propagation {
        let rule: RelevanceRule

        /// An affine layer's relevance passed to its `inputs`: each output's shared among
        /// `contribution(output, input)` = wᵢ·xᵢ beside its `bias(output)`.
        func affine(_ relevance: [Double], inputs: Int, contribution: (Int, Int) -> Double, bias: (Int) -> Double) -> [Double] {
            var result = [Double](repeating: 0, count: inputs)
            for output in relevance.indices where relevance[output] != 0 {
                let shares = share(relevance[output], contributions: (0..<inputs).map { contribution(output, $0) }, bias: bias(output))
                for input in 0..<inputs { result[input] += shares[input] }
            }
            return result
        }

        /// R·cᵢ / stabilised(Σ c + b) over the rule's contributions cᵢ and bias b: wᵢxᵢ and b
        /// under ε; their positive parts under z⁺; wᵢxᵢ + γ(wᵢxᵢ)± and b + γb± under γ (the
        /// sign of the unit's own sum choosing the part; every input here is non-negative);
        /// 1 for each input, no bias, under flat (on the feature transformer, each input is
        /// a piece's feature).
        func share(_ relevance: Double, contributions: [Double], bias: Double) -> [Double] {
            let (shared, denominator): ([Double], Double)
            switch rule {
            case .epsilon(let epsilon):
                (shared, denominator) = (contributions, Self.stabilised(contributions.reduce(bias, +), Double(epsilon)))
            case .zPlus:
                shared = contributions.map { max($0, 0) }
                denominator = shared.reduce(max(bias, 0), +) + Double(RelevanceRule.stabiliser)
            case .gamma(let gamma):
                let z = contributions.reduce(bias, +)
                guard z != 0 else { return contributions.map { _ in 0 } }
                let part = { (value: Double) in z > 0 ? max(value, 0) : min(value, 0) }
                shared = contributions.map { $0 + Double(gamma) * part($0) }
                denominator = Self.stabilised(shared.reduce(bias + Double(gamma) * part(bias), +), Double(RelevanceRule.stabiliser))
            case .flat:
                shared = contributions.map { _ in 1 }
                denominator = Double(contributions.count) + Double(RelevanceRule.stabiliser)
            }
            return shared.map { relevance * $0 / denominator }
        }

        private static func stabilised(_ z: Double, _ epsilon: Double) -> Double { z + (z >= 0 ? epsilon : -epsilon) }
    }
}
