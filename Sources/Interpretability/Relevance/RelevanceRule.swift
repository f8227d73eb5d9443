/// How an affine layer (or a residual sum) shares the relevance of each output among its
/// inputs, as zennit's rules define them (Montavon et al. 2019). With x⁺, x⁻ and W⁺, W⁻
/// the positive and negative parts, and every denominator stabilised away from zero:
///
/// | rule | written | shares Rⱼ in proportion to |
/// | --- | --- | --- |
/// | ε | `epsilon`, `epsilon:0.01` | xᵢwᵢⱼ, over zⱼ = Σᵢ xᵢwᵢⱼ + bⱼ ± ε |
/// | z⁺ | `zplus` | x⁺ᵢw⁺ᵢⱼ + x⁻ᵢw⁻ᵢⱼ, over their sum + b⁺ⱼ |
/// | γ | `gamma`, `gamma:0.5` | xᵢ(wᵢⱼ + γw⁺ᵢⱼ) where zⱼ > 0, xᵢ(wᵢⱼ + γw⁻ᵢⱼ) where zⱼ < 0 (for x ≥ 0) |
/// | flat | `flat` | 1: uniformly over the receptive field |
///
/// A residual sum takes ε (in proportion to each summand, zennit's `Norm`) or z⁺ (to
/// the positive summands).
public enum RelevanceRule: Hashable, Sendable, Codable, CustomStringConvertible {
    case epsilon(Float)
    case zPlus
    case gamma(Float)
    case flat

    /// The stabiliser of every rule but ε, and ε's default: zennit's.
    public static let stabiliser: Float = 1e-6
    /// γ's default: zennit's.
    public static let defaultGamma: Float = 0.25

    /// Reads `epsilon`, `epsilon:0.01`, `zplus`, `gamma`, `gamma:0.5` or `flat`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let parameter = parts.count == 2 ? Float(parts[1]) : nil
        if parts.count == 2 && (parameter == nil || !parameter!.isFinite || parameter! < 0) { return nil }
        switch parts.first {
        case "epsilon": self = .epsilon(parameter ?? Self.stabiliser)
        case "gamma": self = .gamma(parameter ?? Self.defaultGamma)
        case "zplus" where parts.count == 1: self = .zPlus
        case "flat" where parts.count == 1: self = .flat
        default: return nil
        }
    }

    /// The rule as `init?(_:)` reads it.
    public var description: String {
        switch self {
        case .epsilon(let epsilon): "epsilon:\(epsilon)"
        case .zPlus: "zplus"
        case .gamma(let gamma): "gamma:\(gamma)"
        case .flat: "flat"
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let rule = RelevanceRule(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a relevance rule: \(text)"))
        }
        self = rule
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
