import ArgumentParser

/// `--concept` and `--layer`: the probe a command follows, read from (or fitted into) `--probes`.
struct ProbeCellOptions: ParsableArguments {
    @Option(help: "The concept the probe reads: binary or scalar (relevance also takes 'value', the value head).")
    var concept: String

    @Option(help: "The probe's layer (default: the last residual block).")
    var layer: String?
}
