import NeuralKernels

/// The float relaxation of the integer evaluation: the same operations on real numbers
/// (in double precision, so that finite differences can check its gradients),
/// with every integer division and shift replaced by the exact quotient, so that on a
/// board's binary features it differs from the integer pass only by the rounding the
/// integers do. The input may be any real feature vector; gradients flow through the
/// clipped ReLUs (zero where they clip), the pairwise products and the squares.
extension StockfishNetwork {
    /// The relaxation's intermediate values for one input.
    struct Relaxed {
        /// Both perspectives' accumulators before clipping, side to move first.
        var accumulators: [[Double]]
        var clipped: [[Double]]
        var transformed: [Double]
        var fc0: [Double]
        var hidden: [Double]
        var fc1: [Double]
        var clippedFC1: [Double]
        /// The PSQT term and the positional term, in the integer pass's units (× 16).
        var psqt: Double
        var positional: Double
        let bucket: Int
    }

    private static let half = NNUEFile.halfDimensions / 2
    /// The squared clipped ReLU's scale: (x² >> 12) / 128.
    private static let squareScale: Double = 1 / Double(1 << 19)
    /// The skip connection's rescaling of the last first-layer output: 600·16 / (127·64).
    private static let skipScale: Double = 600 * 16 / (127 * 64)

    /// The relaxation of `input`, 2 × 22,528 feature values (side to move's perspective
    /// first), evaluated with layer stack `bucket`.
    func relaxed(_ input: [Double], bucket: Int) -> Relaxed {
        let features = NNUEFile.features, width = NNUEFile.halfDimensions
        var accumulators = [[Double]](), psqt: Double = 0
        for side in 0..<2 {
            var accumulator = file.featureBiases.map(Double.init)
            for feature in 0..<features {
                let x = input[side * features + feature]
                guard x != 0 else { continue }
                let row = feature * width
                for j in 0..<width { accumulator[j] += x * Double(file.featureWeights[row + j]) }
                psqt += (side == 0 ? 0.5 : -0.5) * x * Double(file.psqtWeights[feature * NNUEFile.buckets + bucket])
            }
            accumulators.append(accumulator)
        }
        let clipped = accumulators.map { $0.map { min(max($0, 0), 127) } }
        var transformed = [Double](repeating: 0, count: width)
        for side in 0..<2 {
            for j in 0..<Self.half { transformed[side * Self.half + j] = clipped[side][j] * clipped[side][j + Self.half] / 128 }
        }
        let fc0 = (0..<NNUEFile.fc0Outputs).map { o in
            let row = (bucket * NNUEFile.fc0Outputs + o) * width
            var sum = Double(file.fc0Biases[bucket * NNUEFile.fc0Outputs + o])
            for j in 0..<width { sum += Double(file.fc0Weights[row + j]) * transformed[j] }
            return sum
        }
        var hidden = [Double](repeating: 0, count: NNUEFile.fc1Inputs)
        for o in 0..<(NNUEFile.fc0Outputs - 1) {
            hidden[o] = min(fc0[o] * fc0[o] * Self.squareScale, 127)
            hidden[NNUEFile.fc0Outputs - 1 + o] = min(max(fc0[o] / 64, 0), 127)
        }
        let fc1 = (0..<NNUEFile.fc1Outputs).map { o in
            let row = (bucket * NNUEFile.fc1Outputs + o) * NNUEFile.fc1Inputs
            return (0..<NNUEFile.fc1Inputs).reduce(Double(file.fc1Biases[bucket * NNUEFile.fc1Outputs + o])) { $0 + Double(file.fc1Weights[row + $1]) * hidden[$1] }
        }
        let clippedFC1 = fc1.map { min(max($0 / 64, 0), 127) }
        let out = (0..<NNUEFile.fc1Outputs).reduce(Double(file.fc2Biases[bucket])) { $0 + Double(file.fc2Weights[bucket * NNUEFile.fc1Outputs + $1]) * clippedFC1[$1] }
        return Relaxed(accumulators: accumulators, clipped: clipped, transformed: transformed, fc0: fc0, hidden: hidden, fc1: fc1,
                       clippedFC1: clippedFC1, psqt: psqt, positional: out + fc0[NNUEFile.fc0Outputs - 1] * Self.skipScale, bucket: bucket)
    }

    /// Where a gradient or relevance enters the relaxation: the probe layers, bottom to top
    /// (the board-feature `input` layer stands for the network's own input features).
    enum RelaxedLayer: Int, Comparable {
        case features, accumulator, fc0, fc1, output
        static func < (a: RelaxedLayer, b: RelaxedLayer) -> Bool { a.rawValue < b.rawValue }

        init(probeLayer: String) {
            switch probeLayer {
            case "accumulator": self = .accumulator
            case "fc0": self = .fc0
            case "fc1": self = .fc1
            case "output": self = .output
            default: self = .features
            }
        }
    }

    /// The relaxation's activations at a layer, as the probes read them: the clipped
    /// accumulators, fc0, fc1, or the PSQT and positional terms in internal units.
    static func activation(_ r: Relaxed, at layer: RelaxedLayer) -> [Double] {
        switch layer {
        case .accumulator: r.clipped.flatMap { $0 }
        case .fc0: r.fc0
        case .fc1: r.fc1
        case .output: [r.psqt / Double(outputScale), r.positional / Double(outputScale)]
        case .features: preconditionFailure("the features are the input, not a layer's output")
        }
    }

    /// Backpropagates `upstream`, the gradient at `layer`'s activations (the clipped
    /// accumulators, fc0, fc1, or the two output terms divided by 16), down to `target`;
    /// returns the gradient there (at `.features`: 2 × 22,528 values).
    func backward(_ r: Relaxed, from layer: RelaxedLayer, _ upstream: [Double], to target: RelaxedLayer) -> [Double] {
        let width = NNUEFile.halfDimensions, bucket = r.bucket
        var gradient = upstream
        var psqtGradient: Double = 0
        if layer == .output {
            psqtGradient = upstream[0] / Double(Self.outputScale)
            let positional = upstream[1] / Double(Self.outputScale)
            var fc1 = [Double](repeating: 0, count: NNUEFile.fc1Outputs)
            for j in 0..<NNUEFile.fc1Outputs where r.fc1[j] > 0 && r.fc1[j] < 127 * 64 {
                fc1[j] = positional * Double(file.fc2Weights[bucket * NNUEFile.fc1Outputs + j]) / 64
            }
            gradient = fc1
            if target == .fc1 { return gradient }
            gradient = fc0Gradient(r, fromFC1: gradient)
            gradient[NNUEFile.fc0Outputs - 1] += positional * Self.skipScale
        } else if layer == .fc1 {
            gradient = fc0Gradient(r, fromFC1: gradient)
        }
        if target == .fc0 { return gradient }
        if layer >= .fc0 {
            var transformed = [Double](repeating: 0, count: width)
            for o in 0..<NNUEFile.fc0Outputs where gradient[o] != 0 {
                let row = (bucket * NNUEFile.fc0Outputs + o) * width
                for j in 0..<width { transformed[j] += gradient[o] * Double(file.fc0Weights[row + j]) }
            }
            var clipped = [Double](repeating: 0, count: 2 * width)
            for side in 0..<2 {
                for j in 0..<Self.half {
                    let g = transformed[side * Self.half + j] / 128
                    clipped[side * width + j] = g * r.clipped[side][j + Self.half]
                    clipped[side * width + j + Self.half] = g * r.clipped[side][j]
                }
            }
            gradient = clipped
        }
        if target == .accumulator { return gradient }
        let features = NNUEFile.features
        var result = [Double](repeating: 0, count: 2 * features)
        for side in 0..<2 {
            let masked = (0..<width).map { j in r.accumulators[side][j] > 0 && r.accumulators[side][j] < 127 ? Float(gradient[side * width + j]) : 0 }
            var sideGradient = [Float](repeating: 0, count: features)
            qk_feature_gradient(weights.ft_weights, features, masked, &sideGradient)
            for feature in 0..<features { result[side * features + feature] = Double(sideGradient[feature]) }
            if psqtGradient != 0 {
                for feature in 0..<features {
                    result[side * features + feature] += (side == 0 ? 0.5 : -0.5) * psqtGradient * Double(file.psqtWeights[feature * NNUEFile.buckets + bucket])
                }
            }
        }
        return result
    }

    /// fc1's gradient through the hidden layer (squared and plain clipped fc0 outputs) to fc0.
    private func fc0Gradient(_ r: Relaxed, fromFC1 upstream: [Double]) -> [Double] {
        var hidden = [Double](repeating: 0, count: NNUEFile.fc1Inputs)
        for o in 0..<NNUEFile.fc1Outputs where upstream[o] != 0 {
            let row = (r.bucket * NNUEFile.fc1Outputs + o) * NNUEFile.fc1Inputs
            for k in 0..<NNUEFile.fc1Inputs { hidden[k] += upstream[o] * Double(file.fc1Weights[row + k]) }
        }
        var fc0 = [Double](repeating: 0, count: NNUEFile.fc0Outputs)
        for o in 0..<(NNUEFile.fc0Outputs - 1) {
            let x = r.fc0[o]
            if x * x * Self.squareScale < 127 { fc0[o] += hidden[o] * 2 * x * Self.squareScale }
            if x > 0 && x < 127 * 64 { fc0[o] += hidden[NNUEFile.fc0Outputs - 1 + o] / 64 }
        }
        return fc0
    }
}
