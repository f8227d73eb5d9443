import Interpretability

/// How a concept is read from a layer's activations.
package enum ProbeReadout: Sendable, Equatable, CustomStringConvertible {
    /// A dense linear probe: exact ridge for scalar concepts, converged logistic or
    /// multinomial regression for the others.
    case linear
    /// A linear probe on at most `k` features, chosen by iterative hard thresholding.
    case sparse(Int)
    /// A small non-linear probe: one hidden layer of 64 ReLU units (`MLPProbe.Fitter`'s defaults).
    case mlp

    /// Reads `linear`, `sparse:K` or `mlp`.
    package init?(_ text: String) {
        if text == "linear" {
            self = .linear
        } else if text == "mlp" {
            self = .mlp
        } else if text.hasPrefix("sparse:"), let k = Int(text.dropFirst("sparse:".count)), k > 0 {
            self = .sparse(k)
        } else {
            return nil
        }
    }

    package var description: String {
        switch self {
        case .linear: "linear"
        case .sparse(let k): "sparse:\(k)"
        case .mlp: "mlp"
        }
    }

    /// The fitter of the iterative linear fits (every linear fit but exact ridge).
    var fitter: ProbeFitter {
        switch self {
        case .linear, .mlp: ProbeFitter()
        case .sparse(let k): ProbeFitter(sparsity: k)
        }
    }
}

extension ProbeReadout: Codable {
    /// Written as the command line spells it: `"linear"`, `"sparse:8"`, `"mlp"`.
    package init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let readout = ProbeReadout(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a probe kind: \(text)"))
        }
        self = readout
    }

    package func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
