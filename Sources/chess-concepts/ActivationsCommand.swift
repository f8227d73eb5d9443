import ArgumentParser
import Foundation
import ChessInterpretability

struct ActivationsCommand: WritesOutputDirectory {
    static let configuration = CommandConfiguration(
        commandName: "activations",
        abstract: "Export a probe grid's positions and activations for Python: one float32 .npy per checkpoint × layer.",
        discussion: """
            Draws the same positions a 'probe' run with the same options fits on and writes OUT/positions.csv \
            (row, fen, source, game, ply, split, used_by and one column per concept: the shared rows, used_by \
            'all', then each rare binary concept's own rows, used_by naming it; a concept's cell is empty on \
            rows it does not use), OUT/step-NNNNNNN-<layer>.npy \
            (float32, positions × values, rows in the order of positions.csv, each row the layer's NHWC \
            activation flattened) and OUT/activations.json (settings and shapes). OUT must be new, empty or an \
            earlier export.
            """)

    @OptionGroup var sample: ProbeSampleOptions

    @OptionGroup var destination: OutputOptions

    func run() throws {
        let export = try ActivationExport(settings: try sample.settings())
        let line = ProgressLine(unit: "arrays")
        let files = try export.run(out: outputDirectory, onError: { printError("warning: \($0)") }) { progress in
            line.update(count: progress.cellsDone, detail: "of \(progress.cells): \(progress.detail)")
        }
        line.clear()
        print("Wrote \(files.count) files into \(outputDirectory) in \(line.elapsedText).")
    }
}
