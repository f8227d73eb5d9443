import ArgumentParser
import ChessInterpretability
import Foundation

struct MaximiseCommand: WritesOutputDirectory {
    static let configuration = CommandConfiguration(
        commandName: "maximise",
        abstract: "Edit real positions, legally, until a concept probe reaches its target (concept backpropagation).",
        discussion: """
            Edits put, remove, move or change pieces; every board visited is a valid position (one king a side, \
            no pawn on the back ranks, the side not to move not in check, possible checks, piece counts that \
            promotions can explain), castling rights and en passant made consistent. Uses the probe saved by \
            'chess-concepts probe' in --probes, or fits one there first. Writes OUT/results.jsonl, \
            OUT/summary.csv and a before/after picture per position (OUT/boards/NNN.png and .svg).
            """)

    @OptionGroup var network: ModelOptions

    @OptionGroup var snapshot: CheckpointOptions

    @OptionGroup var probeCell: ProbeCellOptions

    @Option(help: "The probe prediction to reach: 1 or 0 for a binary concept, a value for a scalar one.")
    var target = MaximiseRun.Settings.Defaults.target

    @Option(help: "One position to edit.")
    var fen: String?

    @Option(help: "A collection to take held-out positions (test games) from.")
    var positions: String?

    @Option(help: "Positions to take from --positions.")
    var limit = MaximiseRun.Settings.Defaults.limit

    @OptionGroup var destination: OutputOptions

    @Option(help: "gradient, relaxed, greedy or random.")
    var method: ConceptSearch.Method = .gradient

    @Flag(help: "Also run the random and greedy searches on the same positions, for the summary.")
    var baselines = false

    @Option(help: "Edits allowed per position.")
    var budget = MaximiseRun.Settings.Defaults.budget

    @Option(help: "Boards kept per step.")
    var beam = MaximiseRun.Settings.Defaults.beam

    @Option(help: "First-order candidates evaluated exactly per board (gradient method).")
    var proposals = MaximiseRun.Settings.Defaults.proposals

    @Option(help: "λ₂: the fall of (P − target)² an edit must buy to be made.")
    var editCost = MaximiseRun.Settings.Defaults.editCost

    @Option(help: "A 'probe' output directory holding saved probes (fitted there when missing).")
    var probes = MaximiseRun.Settings.Defaults.probes

    @OptionGroup var seeding: SeedOptions

    func run() throws {
        var settings = MaximiseRun.Settings(concept: probeCell.concept)
        settings.model = network.model
        settings.checkpoint = snapshot.checkpoint
        settings.layer = probeCell.layer
        settings.target = target
        settings.fen = fen
        settings.positions = positions
        settings.limit = limit
        settings.out = outputDirectory
        settings.methods = [method] + (baselines ? [ConceptSearch.Method.random, .greedy].filter { $0 != method } : [])
        settings.budget = budget
        settings.beam = beam
        settings.proposals = proposals
        settings.editCost = editCost
        settings.probes = probes
        settings.seed = seeding.seed
        let run: MaximiseRun
        run = try MaximiseRun(settings: settings)
        let line = ProgressLine(unit: "positions")
        let summaries = try run.run(progress: { method, done, total in line.update(count: done, detail: "\(method.rawValue) search of \(total)") },
                                    onWarning: printError)
        line.clear()
        print("\(run.concept.name) at \(run.layer), step \(run.step), target \(target), budget \(budget)")
        print(([MaximiseRun.MethodSummary.csvHeader] + summaries.map(\.csvRow)).joined(separator: "\n"))
        print("Wrote \(outputDirectory)/results.jsonl, \(outputDirectory)/summary.csv and \(outputDirectory)/boards/")
    }
}

extension ConceptSearch.Method: ExpressibleByArgument {}
