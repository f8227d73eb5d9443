import ArgumentParser
import ChessInterpretability
import Foundation

struct AttributeCommand: WritesOutputDirectory {
    static let configuration = CommandConfiguration(
        commandName: "attribute",
        abstract: "Which training positions built a concept into the network (TRAK scores of the concept probe's margin).",
        discussion: """
            For each of the last --checkpoints checkpoints: the gradient of the concept probe's margin on held-out \
            test positions (balanced for a binary concept) and the gradients of every sampled training position's \
            move and result margins, with respect to the parameters below --layer, randomly projected to \
            --projection-dim dimensions; TRAK's score φᵀ(ΦᵀΦ + λI)⁻¹φᵢ(1 − pᵢ), averaged over the checkpoints. \
            Positive: training on the position raised the probe's margin. Writes OUT/attribution.csv (ranked), \
            the figures top and bottom in each --format (the boards, the move played highlighted) and attribution.json. \
            --retrain-check trains fresh networks on the sample, whole and without its top-, bottom- and randomly \
            chosen --remove positions, and compares the concept's probe score at --layer (retrain.csv).
            """)

    @OptionGroup var network: ModelOptions

    @OptionGroup var probeCell: ProbeCellOptions

    @Option(parsing: .upToNextOption, help: "The network's training games (positions attributed).")
    var train = RunDefaults.collections

    @Option(parsing: .upToNextOption, help: "Games whose held-out part gives the test positions (and fits missing probes).")
    var test = RunDefaults.collections

    @Option(help: "Read only the first this many training games.")
    var trainGames: Int?

    @Option(help: "Training positions attributed (a seeded sample).")
    var trainPositions = AttributionRun.Settings.Defaults.trainPositions

    @Option(help: "Test positions whose probe margin is explained.")
    var testPositions = AttributionRun.Settings.Defaults.testPositions

    @Option(name: .customLong("projection-dim"), help: "Dimension of the random projection of the gradients.")
    var projectionDimension = AttributionRun.Settings.Defaults.projectionDimension

    @Option(help: "The last this many checkpoints form the ensemble.")
    var checkpoints = AttributionRun.Settings.Defaults.checkpoints

    @Option(help: "A probe output directory with saved probes (a missing probe is fitted there).")
    var probes = AttributionRun.Settings.Defaults.probes

    @Flag(help: "Retrain without the top-, bottom- and randomly chosen positions and compare the probe scores.")
    var retrainCheck = AttributionRun.Settings.Defaults.retrainCheck

    @Option(help: "Positions left out in each retraining (default: a fifth of the sample).")
    var remove: Int?

    @Option(help: "Training steps of each retrained network.")
    var retrainSteps = AttributionRun.Settings.Defaults.retrainSteps

    @OptionGroup var destination: OutputOptions

    @OptionGroup var figures: FigureOptions

    @OptionGroup var seeding: SeedOptions

    func run() throws {
        var settings = AttributionRun.Settings(concept: probeCell.concept)
        settings.model = network.model
        settings.layer = probeCell.layer
        settings.train = train
        settings.test = test
        settings.trainGames = trainGames
        settings.trainPositions = trainPositions
        settings.testPositions = testPositions
        settings.projectionDimension = projectionDimension
        settings.checkpoints = checkpoints
        settings.probes = probes
        settings.retrainCheck = retrainCheck
        settings.removed = remove
        settings.retrainSteps = retrainSteps
        settings.seed = seeding.seed
        let run: AttributionRun
        run = try AttributionRun(settings: settings)
        let line = ProgressLine(unit: "")
        let outcome = try run.run(out: outputDirectory, formats: figures.formats, onWarning: { line.clear(); printError($0) }) { line.status($0) }
        line.clear()
        let shares = AttributionRun.conceptShares(outcome.attributions)
        print("\(probeCell.concept) at \(run.layer), checkpoints \(outcome.steps.map(String.init).joined(separator: ", ")): "
              + "\(outcome.attributions.count) training positions, \(outcome.testPositions) test positions")
        print(String(format: "mean %@: %.3f over the sample, %.3f over the top tenth, %.3f over the bottom tenth", probeCell.concept, shares.all, shares.top, shares.bottom))
        if !outcome.checkpointAgreement.isEmpty {
            print("score correlation between consecutive checkpoints: " + outcome.checkpointAgreement.map { String(format: "%.2f", $0) }.joined(separator: ", "))
        }
        for entry in outcome.attributions.prefix(3) {
            print(String(format: "%+.3g  %@  %@", entry.score, entry.example.position.fen, entry.example.move.uci))
        }
        if !outcome.retrain.isEmpty {
            print("removal check (\(outcome.retrain[0].metric) of the \(probeCell.concept) probe at \(run.layer) after retraining):")
            for row in outcome.retrain {
                print(row.name.padding(toLength: 18, withPad: " ", startingAt: 0)
                      + String(format: "%6d positions  %.3f [%.3f, %.3f]  (untrained %.3f)", row.trainingPositions, row.score, row.low, row.high, row.untrained))
            }
        }
        print("Wrote \(outputDirectory)/attribution.csv, " + figures.files("top", "bottom") + (outcome.retrain.isEmpty ? "" : ", retrain.csv"))
    }
}
