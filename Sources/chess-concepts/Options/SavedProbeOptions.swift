import ArgumentParser
import ChessInterpretability

/// `--probes`: where the relevance commands find a concept's saved probe (or fit it).
struct SavedProbeOptions: ParsableArguments {
    @Option(help: "A probe output directory with saved probes (a missing probe is fitted there).")
    var probes = RelevanceRun.Settings.Defaults.probes
}
