import ArgumentParser
import Concepts
import DataFiles
import Foundation
import ProbeTracker

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Probe every checkpoint and layer of a network for concepts: the what–when–where grid.",
        discussion: """
            Draws positions from the collections (split by game into 70% train, 15% validation, 15% test), \
            labels them with each concept, and fits a linear probe on every checkpoint × layer's activations: \
            logistic for binary concepts, ridge for scalar ones, multinomial for categorical ones, the L2 \
            strength chosen on the validation games. Scores are on the test games with 95% bootstrap intervals, \
            beside the same probe on the input planes, on the random network (step 0) and on shuffled labels. \
            Writes OUT/grid.csv, OUT/<concept>-heatmap.png, OUT/<concept>-curves.png, OUT/overview.png and \
            OUT/probes/<concept>/step-NNNNNNN-<layer>.safetensors (+ .json).
            """)

    @Option(help: "The model directory.")
    var model = "models/default"

    @Option(parsing: .upToNextOption, help: "PGN, EPD or FEN collections (optionally .gz).")
    var data: [String] = ["positions/selfplay.pgn.gz"]

    @Option(help: "Comma-separated concept names, or 'all'.")
    var concepts = TrackerSettings.defaultConcepts.joined(separator: ",")

    @Option(help: "Comma-separated probe layers (input, stem, block1…, policy, value), or 'all'.")
    var layers = "all"

    @Option(help: "Comma-separated checkpoint steps, or 'all' (step 0, the random network, is always included).")
    var steps = "all"

    @Option(help: "Positions to draw.")
    var positions = 2_000

    @Option(help: "Seed of the sample, the split and the control tasks.")
    var seed: UInt64 = 1

    @Option(help: "Output directory.")
    var out = "probe-output"

    @Flag(help: "Print the grid as JSON Lines on standard output.")
    var json = false

    func validate() throws {
        do {
            _ = try ConceptCatalogue.parse(concepts)
        } catch {
            throw ValidationError(error.description)
        }
        guard steps == "all" || steps.split(separator: ",").allSatisfy({ Int($0) != nil }) else {
            throw ValidationError("--steps must be 'all' or comma-separated integers, not '\(steps)'")
        }
    }

    func run() throws {
        let settings = TrackerSettings(
            model: model, data: data, concepts: try ConceptCatalogue.parse(concepts).map(\.name),
            layers: layers == "all" ? [] : layers.split(separator: ",").map(String.init),
            steps: steps == "all" ? [] : steps.split(separator: ",").compactMap { Int($0) },
            positions: positions, seed: seed)
        let tracker: ProbeTracker
        do {
            tracker = try ProbeTracker(settings: settings)
        } catch {
            throw ValidationError("\(error)")
        }
        let line = ProgressLine(unit: "cells")
        let summary = try tracker.run(out: out, onError: { printError("warning: \($0)") }) { progress in
            line.update(count: progress.cellsDone, detail: "of \(progress.cells): \(progress.detail)")
        }
        line.clear()
        for (concept, reason) in summary.skipped { printError("skipped \(concept): \(reason)") }
        if json {
            for row in summary.rows { print(TableFormat.jsonl.row(row.values, columns: GridRow.columns), terminator: "") }
            return
        }
        printError(String(format: "%d train, %d validation, %d test positions; %@ in %@",
                          summary.positions[.train] ?? 0, summary.positions[.validation] ?? 0, summary.positions[.test] ?? 0,
                          "\(summary.rows.count) scores" as NSString, line.elapsedText as NSString))
        print(ConceptEmergence.table(ConceptEmergence.read(summary.rows)))
        print("Wrote \(out)/grid.csv, figures and \(summary.files.count - 1) files in all.")
    }
}
