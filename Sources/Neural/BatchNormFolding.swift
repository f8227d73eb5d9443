/// Batch normalisation (inference mode, an affine map per channel) folded into the affine
/// layer before it, in place, and undone: W ← W·γ/σ per output channel, and the
/// normalisation becomes a pure shift by b' = (b − μ)·γ/σ + β (μ ← 0, γ ← σ, β ← b',
/// the layer's own bias ← 0), so that the pair computes what it did, as one affine map
/// whose bias is the normalisation's shift. Relevance rules then see one layer instead
/// of two. `undo()` puts every changed number back exactly.
///
/// ```swift
/// let folding = BatchNormFolding([(conv, norm)])
/// defer { folding.undo() }
/// // conv.weight and norm.shift now hold the folded map
/// ```
public struct BatchNormFolding {
    /// The parameters changed and their values before.
    private let saved: [(parameter: Parameter, value: Tensor)]

    /// Folds each normalisation into its affine layer.
    public init(_ pairs: [(layer: any AffineLayer, norm: BatchNorm)]) {
        var saved = [(parameter: Parameter, value: Tensor)]()
        for (layer, norm) in pairs {
            let changed = [layer.weight, norm.scale, norm.shift, norm.runningMean] + (layer.biasParameter.map { [$0] } ?? [])
            saved += changed.map { ($0, $0.value) }
            let outputs = layer.weight.value.shape[0], perOutput = layer.weight.value.count / outputs
            for c in 0..<outputs {
                let deviation = (norm.runningVariance.value.storage[c] + norm.epsilon).squareRoot()
                let gain = norm.scale.value.storage[c] / deviation
                let bias = layer.biasParameter?.value.storage[c] ?? 0
                for index in (c * perOutput)..<((c + 1) * perOutput) { layer.weight.value.storage[index] *= gain }
                norm.shift.value.storage[c] = (bias - norm.runningMean.value.storage[c]) * gain + norm.shift.value.storage[c]
                norm.runningMean.value.storage[c] = 0
                norm.scale.value.storage[c] = deviation
                layer.biasParameter?.value.storage[c] = 0
            }
        }
        self.saved = saved
    }

    /// Restores every parameter the folding changed.
    public func undo() {
        for (parameter, value) in saved.reversed() { parameter.value = value }
    }
}
