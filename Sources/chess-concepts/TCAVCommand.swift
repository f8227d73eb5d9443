import ArgumentParser
import Concepts
import Foundation
import ChessInterpretability

struct TCAVCommand: WritesOutputDirectory {
    static let configuration = CommandConfiguration(
        commandName: "tcav",
        abstract: "TCAV: how often an output rises along a concept's direction at a layer, tested against random directions.",
        discussion: """
            For each binary concept, CAVs (logistic probes) separate its positive positions from each of \
            --random-sets random counter-sets at --layer; random CAVs separate one random set from another. The TCAV \
            score is the share of held-out positions where the output's directional derivative along the CAV is \
            positive. A two-sided Welch t-test compares the concept's scores with the random ones (Bonferroni over the \
            concepts). Writes OUT/tcav.csv and the figure OUT/tcav in each --format.
            """)

    @OptionGroup var network: ModelOptions

    @OptionGroup var snapshot: CheckpointOptions

    @Option(help: "Comma-separated binary concepts.")
    var concepts = TCAVRun.Settings.defaultConcepts.joined(separator: ",")

    @Option(help: "The layer the output is differentiated at: stem or blockN (NNUE: accumulator, fc0 or fc1).")
    var layer = "block3"

    @Option(help: "value (P(win) − P(loss) for the side to move; NNUE's evaluation) or move:<uci> (that move's policy logit).")
    var output = TCAVRun.Settings.Defaults.output

    @OptionGroup var collections: CollectionOptions

    @Option(help: "Positions in the concept set and in each random set.")
    var examples = TCAVRun.Settings.Defaults.examples

    @Option(help: "Random counter-sets (at least 2; the paper used many).")
    var randomSets = TCAVRun.Settings.Defaults.randomSets

    @Option(help: "Held-out positions whose sensitivities are counted.")
    var tested = TCAVRun.Settings.Defaults.tested

    @OptionGroup var destination: OutputOptions

    @OptionGroup var figures: FigureOptions

    @OptionGroup var seeding: SeedOptions

    func run() throws {
        var settings = TCAVRun.Settings(concepts: concepts.split(separator: ",").map(String.init), layer: layer)
        settings.model = network.model
        settings.checkpoint = snapshot.checkpoint
        settings.output = output
        settings.positions = collections.data
        settings.examples = examples
        settings.randomSets = randomSets
        settings.tested = tested
        settings.seed = seeding.seed
        let run: TCAVRun
        run = try TCAVRun(settings: settings)
        let line = ProgressLine(unit: "")
        let rows = try run.run(out: outputDirectory, formats: figures.formats, onError: { printError("warning: \($0)") }) { line.status($0) }
        line.clear()
        print("TCAV of \(output) at \(layer), step \(run.step):")
        print("concept                     TCAV (sd)        random (sd)      t       p        d      CAV acc  significant")
        for row in rows {
            let r = row.result
            print(row.concept.padding(toLength: 28, withPad: " ", startingAt: 0)
                  + String(format: "%.3f (%.3f)    %.3f (%.3f)    %6.2f  %-8.2g %6.2f  %.3f    ", r.mean, r.deviation, r.randomMean, r.randomDeviation,
                           r.test.t, r.test.p, r.test.effectSize, r.cavAccuracy) + (r.significant ? "yes" : "no"))
        }
        print("Wrote \(outputDirectory)/tcav.csv, " + figures.files("tcav"))
    }
}
