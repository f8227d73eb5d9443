import Foundation
import Neural

/// A relevance rule for each kind of layer, as zennit's composites assign them: one for
/// convolutions, one for dense layers, one for residual sums, and optionally another for
/// the first affine layer, the one reading the input. Written as a name
/// (`epsilon-plus-flat`) or as `kind=rule` pairs, the kinds `conv`, `dense`, `sum` and
/// `input`, starting from all-ε.
///
/// Residual sums take z⁺ where the convolutions do, unless told otherwise. zennit shares
/// every sum by ε (`Norm`); beside z⁺ convolutions that leaks relevance: ε can hand a
/// branch negative relevance at a unit with no positive contribution, which z⁺ cannot
/// pass on, so a ResNet's total shrinks. With z⁺ sums, relevance is conserved.
///
/// ```swift
/// let composite = try RelevanceComposite("conv=zplus,dense=epsilon:0.01,input=flat")
/// composite.rule(convolution: true, first: false)   // .zPlus
/// ```
public struct RelevanceComposite: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The kinds of layer a composite assigns rules to.
    public enum LayerKind: String, Sendable {
        case convolution = "conv", dense, sum, input
    }

    public var convolution: RelevanceRule
    public var dense: RelevanceRule
    public var sum: RelevanceRule
    /// The first affine layer's rule; `nil` for its kind's.
    public var input: RelevanceRule?

    public init(convolution: RelevanceRule, dense: RelevanceRule, sum: RelevanceRule = .epsilon(RelevanceRule.stabiliser), input: RelevanceRule? = nil) {
        self.convolution = convolution
        self.dense = dense
        self.sum = sum
        self.input = input
    }

    /// One rule everywhere (residual sums take ε under γ and flat, which have no meaning there).
    public static func uniform(_ rule: RelevanceRule) -> RelevanceComposite {
        switch rule {
        case .epsilon, .zPlus: RelevanceComposite(convolution: rule, dense: rule, sum: rule)
        case .gamma, .flat: RelevanceComposite(convolution: rule, dense: rule)
        }
    }

    /// The named composites: zennit's built-in ones that need no input bounds, and one rule everywhere.
    public static let named: [(name: String, composite: RelevanceComposite)] = [
        ("epsilon", .uniform(.epsilon(RelevanceRule.stabiliser))),
        ("zplus", .uniform(.zPlus)),
        ("epsilon-plus", RelevanceComposite(convolution: .zPlus, dense: .epsilon(RelevanceRule.stabiliser), sum: .zPlus)),
        ("epsilon-plus-flat", RelevanceComposite(convolution: .zPlus, dense: .epsilon(RelevanceRule.stabiliser), sum: .zPlus, input: .flat)),
        ("epsilon-gamma", RelevanceComposite(convolution: .gamma(RelevanceRule.defaultGamma), dense: .epsilon(RelevanceRule.stabiliser))),
    ]

    /// The default: LRP-ε everywhere, which equals gradient × input on a ReLU network.
    public static let standard = named[0].composite

    /// Reads a named composite or comma-separated `kind=rule` pairs.
    public init(_ text: String) throws(RelevanceCompositeError) {
        if let named = Self.named.first(where: { $0.name == text }) {
            self = named.composite
            return
        }
        guard text.contains("=") else { throw .unknownName(text, known: Self.named.map(\.name)) }
        var composite = Self.standard
        var sumGiven = false
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let kind = LayerKind(rawValue: parts[0]) else { throw .unknownLayerKind(String(pair)) }
            guard let rule = RelevanceRule(parts[1]) else { throw .unknownRule(parts[1], kind: kind.rawValue) }
            switch kind {
            case .convolution: composite.convolution = rule
            case .dense: composite.dense = rule
            case .input: composite.input = rule
            case .sum:
                sumGiven = true
                switch rule {
                case .epsilon, .zPlus: composite.sum = rule
                case .gamma, .flat: throw .ruleNotForSums(parts[1])
                }
            }
        }
        if !sumGiven && composite.convolution == .zPlus { composite.sum = .zPlus }
        self = composite
    }

    /// The rule of an affine layer; `first` for the one reading the input.
    public func rule(for layer: any AffineLayer, first: Bool) -> RelevanceRule {
        rule(convolution: layer is Conv2D, first: first)
    }

    /// The rule of a convolution or a dense layer; `first` for the one reading the input.
    public func rule(convolution isConvolution: Bool, first: Bool) -> RelevanceRule {
        if first, let input { return input }
        return isConvolution ? convolution : dense
    }

    /// The name, for a named composite, else the `kind=rule` pairs.
    public var description: String {
        if let named = Self.named.first(where: { $0.composite == self }) { return named.name }
        return ["conv=\(convolution)", "dense=\(dense)", "sum=\(sum)"].joined(separator: ",") + (input.map { ",input=\($0)" } ?? "")
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try RelevanceComposite(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Why a composite could not be read.
public enum RelevanceCompositeError: Error, CustomStringConvertible, Equatable {
    case unknownName(String, known: [String])
    case unknownLayerKind(String)
    case unknownRule(String, kind: String)
    case ruleNotForSums(String)

    public var description: String {
        switch self {
        case .unknownName(let name, let known):
            "'\(name)' is not a composite: name one of \(known.joined(separator: ", ")) or give kind=rule pairs (conv, dense, sum, input)"
        case .unknownLayerKind(let pair):
            "'\(pair)' does not name a layer kind: write conv=, dense=, sum= or input="
        case .unknownRule(let rule, let kind):
            "'\(rule)' for \(kind) is not a rule: epsilon[:ε], zplus, gamma[:γ] or flat"
        case .ruleNotForSums(let rule):
            "'\(rule)' cannot share a residual sum: a sum takes epsilon[:ε] or zplus"
        }
    }
}
