import ArgumentParser
import Chess
import ChessInterpretability
import Foundation

struct MaximiseCommand: WritesOutputDirectory {
    static let configuration = CommandConfiguration(
        commandName: "maximise",
        abstract: "Edit real positions, legally, until a concept probe reaches its target (concept backpropagation).",
        discussion: """
            Starts from held-out positions where the concept does not hold yet. Edits put, remove, move or change \
            pieces (or, with --edits play, play legal moves); every board visited is a valid position (one king a side, \
            no pawn on the back ranks, the side not to move not in check, possible checks, piece counts that \
            promotions can explain), castling rights and en passant made consistent. The concept function judges \
            each result: concept_true_after leads the table, probe_reached follows, and results where the probe \
            reached its target but the concept is false are kept as fooled (OUT/fooled.jsonl, OUT/fooled/). Uses the \
            probe saved by 'chess-concepts probe' in --probes, or fits one there first. Writes OUT/results.jsonl, \
            OUT/summary.csv and a before/after picture per position (OUT/boards/NNN in each --format).
            """)

    @OptionGroup var network: ModelOptions

    @OptionGroup var snapshot: CheckpointOptions

    @OptionGroup var probeCell: ProbeCellOptions

    @Option(help: "The concept value to produce: 1 or 0 for a binary concept, a value to reach for a scalar one.")
    var target = MaximiseRun.Settings.Defaults.target

    @Option(help: "The probe prediction that counts as reached (default: the one 90% of held-out positions with the concept pass).")
    var probeThreshold: Double?

    @Option(help: "One position to edit: a FEN or 'startpos'.")
    var fen: String?

    @Option(help: "A collection to take held-out positions (test games) from.")
    var positions: String?

    @Flag(help: "Start from every held-out position, also those where the concept already holds.")
    var allStarts = false

    @Option(help: "Positions to take from --positions.")
    var limit = MaximiseRun.Settings.Defaults.limit

    @OptionGroup var destination: OutputOptions

    @OptionGroup var figures: FigureOptions

    @Option(help: "gradient, relaxed, greedy, random or rules (no network: the fewest steps that make the concept true).")
    var method: ConceptSearch.Method = .gradient

    @Flag(help: "Also run the random, greedy and rules-only searches on the same positions, and the gradient search in play (OUT/play).")
    var baselines = false

    @Option(help: "Edit kinds, comma-separated: put, remove, move, change; or 'play' to play legal moves (see --plies).")
    var edits = "put,remove,move,change"

    @Flag(help: "Only move pieces (the same as --edits move): the material stays as it is.")
    var preserveMaterial = false

    @Option(help: "Plies of legal moves to search with --edits play (and for the play baseline).")
    var plies = 4

    @Option(help: "Edits allowed per position.")
    var budget = MaximiseRun.Settings.Defaults.budget

    @Option(help: "Boards kept per step.")
    var beam = MaximiseRun.Settings.Defaults.beam

    @Option(help: "First-order candidates evaluated exactly per board (gradient method).")
    var proposals = MaximiseRun.Settings.Defaults.proposals

    @Option(help: "λ₂: the fall of (P − target)² a step must buy to be taken.")
    var editCost = MaximiseRun.Settings.Defaults.editCost

    @Option(help: "Edit costs to sweep, comma-separated (e.g. 0,0.01,0.03,0.1,0.3): OUT/sweep.csv and the figure OUT/sweep.")
    var sweep: String?

    @Option(help: "A 'probe' output directory holding saved probes (fitted there when missing).")
    var probes = MaximiseRun.Settings.Defaults.probes

    @OptionGroup var seeding: SeedOptions

    /// The edit kinds named by --edits (nil for play).
    private func editKinds() throws -> [BoardEdit.Kind]? {
        if preserveMaterial { return [.move] }
        let names = edits.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if names == ["play"] { return nil }
        return try names.map { name in
            guard let kind = BoardEdit.Kind(rawValue: name) else {
                throw ValidationError("--edits: '\(name)' is not an edit kind (put, remove, move, change, or play alone)")
            }
            return kind
        }
    }

    func validate() throws {
        _ = try editKinds()
        _ = try SweepList.parse(sweep)
        if preserveMaterial && edits != "put,remove,move,change" { throw ValidationError("--preserve-material and --edits: give one of them") }
    }

    func run() throws {
        var settings = MaximiseRun.Settings(concept: probeCell.concept)
        settings.model = network.model
        settings.checkpoint = snapshot.checkpoint
        settings.layer = probeCell.layer
        settings.target = target
        settings.probeThreshold = probeThreshold
        settings.fen = fen
        settings.positions = positions
        settings.allStarts = allStarts
        settings.limit = limit
        settings.out = outputDirectory
        settings.formats = figures.formats
        settings.methods = [method] + (baselines ? [ConceptSearch.Method.random, .greedy, .rules].filter { $0 != method } : [])
        if let kinds = try editKinds() { settings.edits = kinds } else { settings.plies = plies }
        settings.budget = budget
        settings.beam = beam
        settings.proposals = proposals
        settings.editCost = editCost
        settings.sweep = try SweepList.parse(sweep)
        settings.probes = probes
        settings.seed = seeding.seed
        try run(settings)
        if baselines && settings.plies == nil {
            // The same starts in play: which of the boards the concept needs can a game reach?
            settings.plies = plies
            settings.methods = [.gradient, .rules]
            settings.sweep = nil
            settings.out = outputDirectory + "/play"
            try run(settings)
        }
    }

    private func run(_ settings: MaximiseRun.Settings) throws {
        let run = try MaximiseRun(settings: settings)
        let line = ProgressLine(unit: "positions")
        let outcome = try run.run(progress: { method, done, total in line.update(count: done, detail: "\(method.rawValue) search of \(total)") },
                                  onWarning: printError)
        line.clear()
        let steps = settings.plies.map { "\($0) plies of legal moves" } ?? "\(settings.budget) edits (\(settings.edits.map(\.rawValue).joined(separator: ",")))"
        print("\(run.concept.name) at \(run.layer), step \(run.step): \(outcome.starts) held-out starts, at most \(steps), "
              + String(format: "probe threshold %.3f (%@)", outcome.probeThreshold, outcome.thresholdSource))
        print(([MaximiseRun.MethodSummary.csvHeader] + outcome.summaries.map(\.csvRow)).joined(separator: "\n"))
        print("Wrote \(settings.out)/results.jsonl, summary.csv, fooled.jsonl, boards/" + (outcome.sweep.isEmpty ? "" : ", sweep.csv and the sweep figure"))
    }
}

extension ConceptSearch.Method: ExpressibleByArgument {}
