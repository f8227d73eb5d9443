import ArgumentParser
import ChessInterpretability
import Foundation

struct RelMaxCommand: WritesOutputDirectory {
    static let configuration = CommandConfiguration(
        commandName: "relmax",
        abstract: "Reference positions: where a layer's channels (or a concept's direction) carry the most relevance, beside where they fire most.",
        discussion: """
            Streams the collections in order and, for every channel of --layer (and the --concept probe's direction there), \
            keeps the --top positions with the highest relevance for the value (RelMax, LRP with --rules) and, beside them, \
            those with the highest activation (ActMax). Writes the figure OUT/target-<name> in each --format for each channel shown (the \
            --channels given, or the three carrying most of the concept's relevance) and the concept: RelMax positions on \
            top, ActMax below, each with the relevance flowing through the target alone; OUT/references.csv; \
            OUT/ranking.json, every channel's ranking, saved every few seconds while reading; and run.json. After an \
            interruption, the same command with --resume goes on from the saved ranking and ends as an uninterrupted run; \
            --resume with a larger --positions reads further. OUT must be new, empty or an earlier relmax run.
            """)

    @OptionGroup var network: ModelOptions

    @OptionGroup var snapshot: CheckpointOptions

    @Option(help: "The layer whose channels are ranked (default: the last residual block).")
    var layer: String?

    @Option(help: "Comma-separated channels to draw, or 'all' (default with --concept: the three carrying most of its relevance).")
    var channels: String?

    @Option(help: "A binary or scalar concept whose probe direction at --layer is ranked too.")
    var concept: String?

    @Option(help: "A concept to check on every reference position and over the collection (default: --concept).")
    var label: String?

    @OptionGroup var collections: CollectionOptions

    @Option(help: "Positions to read from the start of the collections, in order.")
    var positions = RelMaxRun.Settings.Defaults.positions

    @Option(help: "Reference positions kept per target and ranking.")
    var top = RelMaxRun.Settings.Defaults.top

    @OptionGroup var relevanceRules: RelevanceRuleOptions

    @OptionGroup var savedProbes: SavedProbeOptions

    @OptionGroup var destination: OutputOptions

    @OptionGroup var figures: FigureOptions

    @OptionGroup var seeding: SeedOptions

    @Flag(help: "Go on with the ranking in --out, made with the same options: after an interruption, or with a larger --positions.")
    var resume = false

    func run() throws {
        var settings = RelMaxRun.Settings(data: collections.data)
        settings.model = network.model
        settings.checkpoint = snapshot.checkpoint
        settings.layer = layer
        if let channels { settings.channels = try Self.channelChoice(channels) }
        settings.concept = concept
        settings.label = label
        settings.positions = positions
        settings.top = top
        settings.composite = try relevanceRules.composite()
        settings.probes = savedProbes.probes
        settings.seed = seeding.seed
        let run = try RelMaxRun(settings: settings, onWarning: { printError($0) })
        let line = ProgressLine(unit: "positions")
        let outcome = try run.run(out: outputDirectory, formats: figures.formats, resume: resume, onError: { printError("warning: \($0)") }) { line.update(count: $0, detail: "of \(positions)") }
        line.clear()
        print("Read \(outcome.read) positions in \(line.elapsedText) (\(outcome.ranking.positionsRead) in the ranking), \(run.layer) at step \(run.step).")
        for (target, counts) in zip(outcome.shown, outcome.labelCounts) {
            let best = target.byRelevance.entries.first.map { String(format: "best relevance %.3g", $0.relevance) } ?? "no positions"
            let labelled = (settings.label ?? settings.concept).map { "; \($0) on \(counts.relevance) RelMax, \(counts.activation) ActMax positions" } ?? ""
            print("\(target.name): \(best)\(labelled)")
        }
        print("Wrote \(outputDirectory)/references.csv, ranking.json, " + figures.files("target-*") + ", run.json")
    }

    /// `all`, or channel numbers (the run checks them against the layer).
    static func channelChoice(_ text: String) throws -> RelMaxRun.Settings.Channels {
        if text == "all" { return .all }
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else { throw ValidationError("--channels must be comma-separated channel numbers or 'all', not \(text)") }
        return .listed(values.map { $0! })
    }
}
