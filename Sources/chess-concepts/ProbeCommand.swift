import ArgumentParser
import Concepts
import DataFiles
import Foundation
import ChessInterpretability

struct ProbeCommand: WritesOutputDirectory {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Probe every checkpoint and layer of a network for concepts: the what–when–where grid.",
        discussion: """
            Draws positions from the collections (split by game into 70% train, 15% validation, 15% test), \
            labels them with each concept, and fits a linear probe on every checkpoint × layer's activations: \
            logistic for binary concepts, ridge for scalar ones, multinomial for categorical ones, the L2 \
            strength chosen on the validation games from 15 values (extended past an end while the best sits there). \
            Ridge is solved exactly from one eigendecomposition per checkpoint × layer; logistic and multinomial \
            probes are fitted to convergence with balanced class weights. Scores are on the test games with 95% bootstrap intervals, \
            beside the same probe on the input planes, on the random network (step 0) and on shuffled labels. \
            Writes OUT/grid.csv, the figures OUT/<concept>-heatmap, OUT/<concept>-curves and OUT/overview in each --format, and \
            OUT/probes/<concept>/step-NNNNNNN-<layer>.safetensors (+ .json).
            """)

    @OptionGroup var sample: ProbeSampleOptions

    @Option(name: .customLong("probe"), help: "The probe: 'linear' (exact ridge, converged logistic), 'sparse:K' (at most K features) or 'mlp' (one hidden layer of 64 ReLUs; no probe files).")
    var readout = "linear"

    @OptionGroup var destination: OutputOptions

    @OptionGroup var figures: FigureOptions

    @Option(help: "Also fit k-sparse probes of one concept at one layer of the last checkpoint for these k (comma-separated): score against features used.")
    var sparsityCurve: String?

    @Option(help: "The concept of the sparsity curve (default: the first concept).")
    var sparsityConcept: String?

    @Option(help: "The layer of the sparsity curve.")
    var sparsityLayer = "block2"

    @Flag(help: "Print the grid as JSON Lines on standard output.")
    var json = false

    @Flag(help: "Go on with the interrupted grid in --out: the checkpoints grid.csv holds in full are read, not fitted again.")
    var resume = false

    func validate() throws {
        if let sparsityCurve, sparsityCurve.split(separator: ",").contains(where: { Int($0).map { $0 < 1 } ?? true }) {
            throw ValidationError("--sparsity-curve must be comma-separated positive integers, not '\(sparsityCurve)'")
        }
        guard ProbeReadout(readout) != nil else { throw ValidationError("--probe must be 'linear', 'sparse:K' with K ≥ 1, or 'mlp', not '\(readout)'") }
    }

    func run() throws {
        let settings = try sample.settings(readout: ProbeReadout(readout)!)
        let tracker = try ProbeTracker(settings: settings)
        let line = ProgressLine(unit: "cells")
        let summary = try tracker.run(out: outputDirectory, formats: figures.formats, resume: resume, onError: { printError("warning: \($0)") }) { progress in
            line.update(count: progress.cellsDone, detail: "of \(progress.cells): \(progress.detail)")
        }
        line.clear()
        if let sparsityCurve {
            let concept = sparsityConcept ?? settings.concepts[0]
            let step = summary.rows.map(\.step).max() ?? 0
            let curve = try SparsityCurve(tracker: tracker, concept: concept, step: step, layer: sparsityLayer,
                                          sizes: sparsityCurve.split(separator: ",").compactMap { Int($0) })
            let files = try curve.write(to: outputDirectory, formats: figures.formats)
            for point in curve.points {
                printError(String(format: "%@ at %@: %@ features, %@ %.3f (%.3f–%.3f)", concept as NSString, sparsityLayer as NSString,
                                  (point.k.map(String.init) ?? "all") as NSString, curve.metric as NSString, point.score, point.low, point.high))
            }
            printError("Wrote \(files.joined(separator: ", "))")
        }
        for (concept, reason) in summary.skipped { printError("skipped \(concept): \(reason)") }
        if json {
            for row in summary.rows { print(TableFormat.jsonl.row(row.values, columns: GridRow.columns), terminator: "") }
            return
        }
        printError(String(format: "%d train, %d validation, %d test positions; %@ in %@",
                          summary.positions[.train] ?? 0, summary.positions[.validation] ?? 0, summary.positions[.test] ?? 0,
                          "\(summary.rows.count) scores" as NSString, line.elapsedText as NSString))
        print(ConceptEmergence.table(ConceptEmergence.read(summary.rows)))
        print("Wrote \(outputDirectory)/grid.csv, figures and \(summary.files.count - 1) files in all.")
    }
}
