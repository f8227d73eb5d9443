import Probing

/// How a concept is read from a layer's activations.
public enum ProbeReadout: Sendable, Equatable, CustomStringConvertible {
    /// A dense linear probe: exact ridge for scalar concepts, converged logistic or
    /// multinomial regression for the others.
    case linear
    /// A linear probe on at most `k` features, chosen by iterative hard thresholding.
    case sparse(Int)

    /// Reads `linear` or `sparse:K`.
    public init?(_ text: String) {
        if text == "linear" {
            self = .linear
        } else if text.hasPrefix("sparse:"), let k = Int(text.dropFirst("sparse:".count)), k > 0 {
            self = .sparse(k)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .linear: "linear"
        case .sparse(let k): "sparse:\(k)"
        }
    }

    /// The fitter of the iterative fits (every fit but exact ridge).
    var fitter: ProbeFitter {
        switch self {
        case .linear: ProbeFitter()
        case .sparse(let k): ProbeFitter(sparsity: k)
        }
    }
}
