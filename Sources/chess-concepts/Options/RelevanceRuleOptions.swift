import ArgumentParser
import Interpretability

/// `--rules`: the LRP rule of each kind of layer, for every relevance command.
struct RelevanceRuleOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "LRP rules: a named composite (\(RelevanceComposite.named.map(\.name).joined(separator: ", "))) or kind=rule pairs.",
        discussion: "Kinds: conv, dense, sum (residual sums), input (the first layer). Rules: epsilon[:ε], zplus, gamma[:γ], flat; "
            + "sums take epsilon or zplus. Example: --rules \"conv=zplus,dense=epsilon:0.01,input=flat\".",
        valueName: "composite"))
    var rules = RelevanceComposite.standard.description

    /// The composite the option names.
    func composite() throws -> RelevanceComposite {
        do { return try RelevanceComposite(rules) } catch { throw ValidationError("--rules: \(error.description)") }
    }
}
