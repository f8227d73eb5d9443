import Interpretability

/// What layer-wise relevance propagation finds on one position: the explained quantity's
/// relevance per board square, per input plane, and per unit (or channel) of one layer.
///
/// ```swift
/// let map = network.relevance(of: position, explaining: .output, rankedAt: "block6", through: nil, composite: .standard)
/// map.squares[Square("e4")!.index]   // what the piece on e4 contributes
/// ```
package struct BoardRelevance: Sendable {
    /// Relevance per board square, a1 = 0 … h8 = 63.
    package let squares: [Double]
    /// Relevance per input plane (see `ChessNetwork.relevancePlanes`).
    package let planes: [Double]
    /// Relevance per unit (a convolution layer: per channel) of the ranking layer.
    package let units: [Double]
    /// The relevance started with: the read-out's value without its bias.
    package let total: Double
    /// What biases and the stabiliser took: `total` = Σ `squares` + `absorbed`.
    package let absorbed: Double

    package init(squares: [Double], planes: [Double], units: [Double], total: Double, absorbed: Double) {
        self.squares = squares
        self.planes = planes
        self.units = units
        self.total = total
        self.absorbed = absorbed
    }
}

/// The quantity a relevance map explains.
package enum RelevanceSource: Sendable {
    /// The network's own estimate of the position (a value head's win-minus-loss logit, an NNUE's evaluation).
    case output
    /// A linear read-out ⟨direction, activations⟩ at a probe layer (a probe's logit without its bias).
    case probe(layer: String, direction: [Float])
}
